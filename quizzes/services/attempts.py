"""Quiz attempts: start (or resume) one, answer its questions, finish it.

A quiz is a lesson's quiz (``quiz_key`` "lesson:<id>") or a whole-document test
("document:<id>") drawing a random subset of the document's questions. Which questions,
in which order, and each multiple-choice question's option order are fixed when the
attempt starts, from ``random.Random(seed)``: one unanswered Answer row per question. So
a resumed attempt shows the same quiz, and the same seed always gives the same quiz.

Resume
    A student has at most one unfinished attempt per quiz (a database constraint, so two
    clicks on "Start" cannot make two). Starting a quiz that has one returns it.

Time limits
    With a time limit (``Document.quiz_time_limit``, minutes) the attempt gets a
    ``deadline`` when it starts. The server enforces it: an answer given after the
    deadline is refused and the attempt is finished *at the deadline*; starting the quiz
    again, or opening the attempt, finishes an expired attempt the same way. Questions
    not answered by then count as wrong.

Attempts limit
    ``Document.quiz_max_attempts`` counts every attempt at the quiz, finished or not.
    Resuming the unfinished one is always allowed; starting one more once the limit is
    reached raises :class:`QuizUnavailable`.

The schedule
    Every graded answer is also a review of the question's card, through
    ``record_reviews``: wrong -> Again, right but slow -> Hard, right -> Good, right and
    fast on a card the student already knows -> Easy (``scheduling.rating_for_quiz_answer``).
    The review id is derived from the attempt and question, so it is logged once.
    Unanswered questions log no review.
"""

from __future__ import annotations

import contextlib
import random
import secrets
import uuid
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from quizzes import scheduling
from quizzes.grading import grade_text
from quizzes.models import (
    Answer,
    CardState,
    Choice,
    Document,
    Lesson,
    Question,
    QuestionKind,
    QuestionQuerySet,
    QuizAttempt,
)
from quizzes.services.reviews import ReviewBatchError, ReviewInput, record_reviews

REVIEW_NAMESPACE = uuid.UUID("6f0c8a52-3b1e-4d7a-9c55-2e8f41d7b0a3")
"""Namespace of the review ids that quiz answers log (uuid5 of "<attempt>:<question>")."""

MAX_RESPONSE_LENGTH = 500
"""Longest typed answer accepted, in characters."""

TRUE_FALSE_CHOICES = ("true", "false")


class QuizError(ValueError):
    """A quiz action refused, with a message for the student."""


class QuizUnavailable(QuizError):
    """The quiz cannot be started: no questions, or no attempts left."""


class AttemptFinished(QuizError):
    """The attempt is over; nothing more can be answered."""


class TimeUp(AttemptFinished):
    """The answer came after the deadline; the attempt has been finished."""


class InvalidAnswer(QuizError):
    """The answer cannot be graded: no input, or not a question or option of the attempt."""


def quiz_key_for(*, lesson: Lesson | None = None, document: Document | None = None) -> str:
    if lesson is not None:
        return f"lesson:{lesson.pk}"
    if document is None:
        raise TypeError("quiz_key_for needs a lesson or a document")
    return f"document:{document.pk}"


def quiz_questions(
    *, user: User, lesson: Lesson | None = None, document: Document | None = None
) -> QuestionQuerySet:
    """The questions a quiz may draw from: published, of a quizzed kind, in the lesson (or
    the document's active lessons); a multiple-choice question needs its options."""
    pool = (
        Question.objects.studyable_by(user)
        .for_quizzes()
        .filter(
            ~Q(kind=QuestionKind.MULTIPLE_CHOICE)
            | Exists(Choice.objects.filter(question=OuterRef("pk")))
        )
    )
    if lesson is not None:
        return pool.filter(lesson=lesson)
    return pool.filter(lesson__document=document)


def attempts_left(*, document: Document, used: int) -> int | None:
    """How many more attempts a student may start; None when there is no limit."""
    if document.quiz_max_attempts is None:
        return None
    return max(document.quiz_max_attempts - used, 0)


def is_expired(attempt: QuizAttempt, now: datetime) -> bool:
    """Whether the attempt's time ran out before ``now`` (answers at the deadline count)."""
    return attempt.deadline is not None and now > attempt.deadline


def _copy_outcome(source: QuizAttempt, target: QuizAttempt) -> None:
    target.submitted_at, target.score, target.max_score = (
        source.submitted_at,
        source.score,
        source.max_score,
    )


@transaction.atomic
def start_attempt(
    *,
    user: User,
    lesson: Lesson | None = None,
    document: Document | None = None,
    now: datetime | None = None,
    seed: int | None = None,
) -> QuizAttempt:
    """Resume the user's unfinished attempt at the quiz, or start a new one.

    Give exactly one of ``lesson`` (its quiz) or ``document`` (its test), as fetched
    through ``visible_to(user)``. Raises :class:`QuizUnavailable` when the quiz has no
    questions or the user has no attempts left.
    """
    if (lesson is None) == (document is None):
        raise TypeError("start_attempt needs a lesson or a document, not both")
    now = now or timezone.now()
    if lesson is not None:
        document = lesson.document
    assert document is not None  # for the type checker: set from the lesson above
    quiz_key = quiz_key_for(lesson=lesson, document=document)
    attempts = QuizAttempt.objects.owned_by(user).filter(quiz_key=quiz_key)

    current = attempts.unfinished().first()
    if current is not None:
        if not is_expired(current, now):
            return current
        finish_attempt(attempt=current, now=now)

    used = attempts.count()
    if attempts_left(document=document, used=used) == 0:
        raise QuizUnavailable(
            ngettext(
                "You have used the %(count)d attempt allowed at this quiz.",
                "You have used all %(count)d attempts allowed at this quiz.",
                used,
            )
            % {"count": used}
        )

    pool = list(
        quiz_questions(user=user, lesson=lesson, document=document)
        .order_by("pk")
        .values_list("pk", "kind")
    )
    if not pool:
        raise QuizUnavailable(
            _("This lesson has no quiz questions yet.")
            if lesson is not None
            else _("This document has no quiz questions yet.")
        )
    if seed is None:
        seed = secrets.randbelow(2**31)
    # Not cryptography: the order only has to be reproducible from the stored seed.
    rng = random.Random(seed)  # noqa: S311
    if lesson is None:
        chosen = rng.sample(pool, min(len(pool), document.test_question_count))
    else:
        chosen = pool[:]
        rng.shuffle(chosen)

    options: dict[int, list[int]] = {}
    multiple_choice = [pk for pk, kind in chosen if kind == QuestionKind.MULTIPLE_CHOICE]
    for question_id, choice_id in (
        Choice.objects.filter(question_id__in=multiple_choice)
        .order_by("question_id", "position", "pk")
        .values_list("question_id", "pk")
    ):
        options.setdefault(question_id, []).append(choice_id)
    for question_id in multiple_choice:  # in the attempt's order, so the seed decides all
        rng.shuffle(options[question_id])

    try:
        with transaction.atomic():
            attempt = QuizAttempt.objects.create(
                user=user,
                document=document,
                lesson=lesson,
                quiz_key=quiz_key,
                feedback=document.quiz_feedback,
                seed=seed,
                started_at=now,
                deadline=(
                    now + timedelta(minutes=document.quiz_time_limit)
                    if document.quiz_time_limit
                    else None
                ),
                max_score=len(chosen),
            )
    except IntegrityError:
        # Another request started this quiz a moment ago: that attempt is the one.
        other = attempts.unfinished().first()
        if other is None:
            raise
        return other
    Answer.objects.bulk_create(
        Answer(
            attempt=attempt,
            question_id=question_id,
            position=position,
            choice_order=options.get(question_id, []),
        )
        for position, (question_id, _kind) in enumerate(chosen, start=1)
    )
    return attempt


@transaction.atomic
def finish_attempt(*, attempt: QuizAttempt, now: datetime | None = None) -> QuizAttempt:
    """Submit the attempt: at ``now``, or at its deadline if that came first. Unanswered
    questions count as wrong (and log no review). Finishing a finished attempt changes
    nothing. Returns the attempt as stored; ``attempt`` is updated too."""
    now = now or timezone.now()
    locked = QuizAttempt.objects.select_for_update().get(pk=attempt.pk)
    if not locked.is_finished:
        locked.answers.filter(answered_at__isnull=True).update(correct=False, score=0.0)
        totals = locked.answers.aggregate(score=Sum("score"))
        locked.submitted_at = min(now, locked.deadline) if locked.deadline else now
        locked.score = totals["score"] or 0.0
        locked.max_score = locked.answers.count()
        locked.save(update_fields=["submitted_at", "score", "max_score"])
    _copy_outcome(locked, attempt)
    return attempt


def answer_question(
    *,
    attempt: QuizAttempt,
    question_id: int,
    response: str = "",
    choice_id: int | None = None,
    now: datetime | None = None,
) -> Answer:
    """Grade the student's answer to one question of the attempt and log it as a review.

    Answering an answered question returns it unchanged (a double click is harmless).
    Raises :class:`AttemptFinished` if the attempt is over, :class:`TimeUp` (after
    finishing the attempt at its deadline) if the time is up, and :class:`InvalidAnswer`
    for a question or option not in the attempt, or no answer at all. Answering the last
    question finishes the attempt; ``attempt`` is updated to match.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            QuizAttempt.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=attempt.pk)
        )
        if locked.is_finished:
            raise AttemptFinished(_("This attempt is already finished."))
        if not is_expired(locked, now):
            answer = _grade(
                attempt=locked,
                question_id=question_id,
                response=response,
                choice_id=choice_id,
                now=now,
            )
            _copy_outcome(locked, attempt)
            return answer
        finish_attempt(attempt=locked, now=now)
    # Outside the transaction block: raising inside it would undo the finishing.
    _copy_outcome(locked, attempt)
    raise TimeUp(_("Time is up: your attempt was submitted when the time ran out."))


def _grade(
    *, attempt: QuizAttempt, question_id: int, response: str, choice_id: int | None, now: datetime
) -> Answer:
    answer = attempt.answers.select_related("question").filter(question_id=question_id).first()
    if answer is None:
        raise InvalidAnswer(_("This question is not part of this quiz."))
    if answer.is_answered:
        return answer
    question = answer.question
    response = response.strip()
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        if choice_id is None:
            raise InvalidAnswer(_("Choose an answer."))
        choice = (
            Choice.objects.filter(pk=choice_id, question=question).first()
            if choice_id in answer.choice_order
            else None
        )
        if choice is None:
            raise InvalidAnswer(_("Choose one of the options shown."))
        answer.choice, answer.response, correct = choice, choice.text, choice.is_correct
    elif question.kind == QuestionKind.TRUE_FALSE:
        response = response.lower()
        if response not in TRUE_FALSE_CHOICES:
            raise InvalidAnswer(_("Choose an answer."))
        answer.response, correct = response, response == question.answer.strip().lower()
    else:
        if not response:
            raise InvalidAnswer(_("Type an answer."))
        if len(response) > MAX_RESPONSE_LENGTH:
            raise InvalidAnswer(
                _("Keep your answer under %(limit)d characters.") % {"limit": MAX_RESPONSE_LENGTH}
            )
        grade = grade_text(
            response,
            question.answer,
            accepted=question.accepted_answers or (),
            accent_sensitive=question.accent_sensitive,
        )
        answer.response, correct = response, grade.correct

    since = attempt.answers.aggregate(latest=Max("answered_at"))["latest"] or attempt.started_at
    seconds = max((now - since).total_seconds(), 0.0)
    answer.correct, answer.score, answer.seconds, answer.answered_at = (
        correct,
        1.0 if correct else 0.0,
        seconds,
        now,
    )
    answer.save(update_fields=["choice", "response", "correct", "score", "seconds", "answered_at"])
    _log_review(attempt=attempt, answer=answer, now=now)

    if not attempt.answers.filter(answered_at__isnull=True).exists():
        finish_attempt(attempt=attempt, now=now)
    return answer


def _log_review(*, attempt: QuizAttempt, answer: Answer, now: datetime) -> None:
    """The answer as a review of the question's card."""
    question = answer.question
    known = CardState.objects.filter(
        user=attempt.user_id, question=question, state="review"
    ).exists()
    rating = scheduling.rating_for_quiz_answer(
        correct=bool(answer.correct),
        seconds=answer.seconds or 0.0,
        kind=question.kind,
        known=known,
    )
    review = ReviewInput(
        id=uuid.uuid5(REVIEW_NAMESPACE, f"{attempt.pk}:{question.pk}"),
        question_id=question.pk,
        rating=rating,
        reviewed_at=now,
        duration_ms=min(round((answer.seconds or 0.0) * 1000), 2**31 - 1),
        device="web quiz",
    )
    # If the question was retired (or its lesson archived) after the attempt started, the
    # answer still counts in the quiz, but there is no card left to schedule.
    with contextlib.suppress(ReviewBatchError):
        record_reviews(user=attempt.user, reviews=[review], now=now)
