"""Quiz attempts: start (or resume) one, answer its questions, finish it.

A quiz is a lesson's quiz (``quiz_key`` "lesson:<id>") or a whole-document test
("document:<id>") drawing a random subset of the document's questions. Which questions,
in which order, and each multiple-choice question's option order are fixed when the
attempt starts, from ``random.Random(seed)``: one unanswered Answer row per question. So
a resumed attempt shows the same quiz, and the same seed always gives the same quiz.

Options
    When the attempt starts, each multiple-choice question's options are copied into its
    Answer row (``choice_order``: ``{"id", "text", "correct"}`` in the order this student
    sees them). The question is graded against that copy, so a teacher editing, deleting
    or re-adding options in the middle of an attempt neither strands the student nor
    changes which answer is right. The page posts an option's place in that order (1 to
    n), never its database id, which would tell the order the options were written in.

Resume
    A student has at most one unfinished attempt per quiz (a database constraint, so two
    clicks on "Start" cannot make two). Starting a quiz that has one returns it.

Time limits
    With a time limit (``Document.quiz_time_limit``, minutes) the attempt gets a
    ``deadline`` when it starts. The server enforces it: an answer given after the
    deadline is refused and the attempt is finished *at the deadline*; starting the quiz
    again, or opening the attempt, finishes an expired attempt the same way (and that
    finishing stands even when no new attempt may start). Questions not answered by then
    count as wrong.

Attempts limit
    ``Document.quiz_max_attempts`` counts every attempt at the quiz, finished or not.
    Resuming the unfinished one is always allowed; starting one more once the limit is
    reached raises :class:`QuizUnavailable`.

Answer time
    The time an answer took runs from when its question was *shown*, not from the
    previous answer (which would count the time spent reading feedback, or a night's
    sleep, against the next question). The page carries a signed "shown at" stamp
    (:func:`sign_shown_at`: ``django.core.signing``, salted and bound to the attempt and
    the question, so it cannot be forged or reused for another question). The server
    clamps it to [the attempt's start or its latest answer, now]. An answer with no valid
    stamp, or one that took longer than ``MAX_TIMED_SECONDS`` (10 minutes: the student
    was away, not thinking), is *not timed*: its ``seconds`` is left empty.

The schedule
    Every graded answer is also a review of the question's card, through
    ``record_reviews``: wrong -> Again, right but slow -> Hard, right -> Good, right and
    fast on a card the student already knows -> Easy (``scheduling.rating_for_quiz_answer``).
    An answer that was not timed rates as Good when right (never Hard or Easy). The
    review id is derived from the attempt and question, so it is logged once.
    Unanswered questions log no review.

    With feedback after each question the review is logged when the answer is given.
    With feedback at the end ("deferred") the reviews are logged when the attempt
    finishes, each at the time its answer was given: until then a wrong answer must not
    turn into a due flashcard that shows the right answer in the middle of the quiz.

Offline attempts
    The mobile app takes a lesson's quiz offline and submits it whole
    (:func:`submit_attempt`): graded here against the lesson's quiz questions at
    submission, stored finished with deferred feedback, each answer logged as a review at
    the submission time (not timed, so right -> Good, wrong -> Again). The attempt id is
    the client's, so a retry returns the stored result instead of grading again. The
    server cannot tell when offline answers were given: a time limit is recorded as the
    deadline but left to the app to enforce; the attempts limit is enforced.
"""

from __future__ import annotations

import math
import random
import secrets
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypedDict

from django.core import signing
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
    Feedback,
    Lesson,
    Question,
    QuestionKind,
    QuestionQuerySet,
    QuizAttempt,
    Rating,
)
from quizzes.services.reviews import ReviewBatchError, ReviewInput, record_reviews

REVIEW_NAMESPACE = uuid.UUID("6f0c8a52-3b1e-4d7a-9c55-2e8f41d7b0a3")
"""Namespace of the review ids that quiz answers log (uuid5 of "<attempt>:<question>")."""

MAX_RESPONSE_LENGTH = 500
"""Longest typed answer accepted, in characters."""

MAX_TIMED_SECONDS = 600.0
"""An answer that took longer than this (10 minutes) is not timed: the student was away."""

SHOWN_AT_SALT = "lectern.quiz.shown-at"

TRUE_FALSE_CHOICES = ("true", "false")


class OptionSnapshot(TypedDict):
    """A multiple-choice option as it was when the attempt started."""

    id: int
    text: str
    correct: bool


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


# --------------------------------------------------------------------------------------
# When a question was shown
# --------------------------------------------------------------------------------------


def _shown_at_salt(attempt: QuizAttempt, question_id: int) -> str:
    return f"{SHOWN_AT_SALT}:{attempt.pk}:{question_id}"


def sign_shown_at(*, attempt: QuizAttempt, question_id: int, at: datetime) -> str:
    """A stamp saying the question was shown at ``at``, for the page's answer form."""
    return signing.dumps(at.timestamp(), salt=_shown_at_salt(attempt, question_id))


def read_shown_at(stamp: str, *, attempt: QuizAttempt, question_id: int) -> datetime | None:
    """When the question was shown, from a stamp made by :func:`sign_shown_at` for this
    attempt and question; None for a missing, forged or foreign stamp."""
    if not stamp:
        return None
    try:
        value = signing.loads(stamp, salt=_shown_at_salt(attempt, question_id))
    except signing.BadSignature:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _seconds_taken(
    *, attempt: QuizAttempt, shown_at: datetime | None, now: datetime
) -> float | None:
    """How long the answer took, or None if it is not timed (see "Answer time")."""
    if shown_at is None:
        return None
    floor = attempt.answers.aggregate(latest=Max("answered_at"))["latest"] or attempt.started_at
    shown_at = min(max(shown_at, floor), now)
    seconds = (now - shown_at).total_seconds()
    return seconds if seconds <= MAX_TIMED_SECONDS else None


# --------------------------------------------------------------------------------------
# Start, finish, answer
# --------------------------------------------------------------------------------------


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

    Two steps, each one transaction: an unfinished attempt whose time ran out is finished
    first, and that stands even if no new attempt may then start.
    """
    if (lesson is None) == (document is None):
        raise TypeError("start_attempt needs a lesson or a document, not both")
    now = now or timezone.now()
    if lesson is not None:
        document = lesson.document
    assert document is not None  # for the type checker: set from the lesson above
    quiz_key = quiz_key_for(lesson=lesson, document=document)
    current = QuizAttempt.objects.owned_by(user).filter(quiz_key=quiz_key).unfinished().first()
    if current is not None and is_expired(current, now):
        finish_attempt(attempt=current, now=now)
    return _resume_or_create(
        user=user, lesson=lesson, document=document, quiz_key=quiz_key, now=now, seed=seed
    )


@transaction.atomic
def _resume_or_create(
    *,
    user: User,
    lesson: Lesson | None,
    document: Document,
    quiz_key: str,
    now: datetime,
    seed: int | None,
) -> QuizAttempt:
    attempts = QuizAttempt.objects.owned_by(user).filter(quiz_key=quiz_key)
    current = attempts.unfinished().first()
    if current is not None:
        if not is_expired(current, now):
            return current
        finish_attempt(attempt=current, now=now)  # expired since the first look

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

    options: dict[int, list[OptionSnapshot]] = {}
    multiple_choice = [pk for pk, kind in chosen if kind == QuestionKind.MULTIPLE_CHOICE]
    for question_id, choice_id, text, is_correct in (
        Choice.objects.filter(question_id__in=multiple_choice)
        .order_by("question_id", "position", "pk")
        .values_list("question_id", "pk", "text", "is_correct")
    ):
        options.setdefault(question_id, []).append(
            {"id": choice_id, "text": text, "correct": is_correct}
        )
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
    questions count as wrong (and log no review); with deferred feedback the answered
    ones are logged as reviews now. Finishing a finished attempt changes nothing.
    Returns the attempt as stored; ``attempt`` is updated too."""
    now = now or timezone.now()
    locked = (
        QuizAttempt.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=attempt.pk)
    )
    if not locked.is_finished:
        locked.answers.filter(answered_at__isnull=True).update(correct=False, score=0.0)
        totals = locked.answers.aggregate(score=Sum("score"))
        locked.submitted_at = min(now, locked.deadline) if locked.deadline else now
        locked.score = totals["score"] or 0.0
        locked.max_score = locked.answers.count()
        locked.save(update_fields=["submitted_at", "score", "max_score"])
        if locked.feedback != Feedback.IMMEDIATE:
            answered = locked.answers.filter(answered_at__isnull=False).select_related("question")
            log_answer_reviews(attempt=locked, answers=list(answered), now=now)
    _copy_outcome(locked, attempt)
    return attempt


def answer_question(
    *,
    attempt: QuizAttempt,
    question_id: int,
    response: str = "",
    option: int | None = None,
    choice_id: int | None = None,
    shown_at: datetime | None = None,
    now: datetime | None = None,
) -> Answer:
    """Grade the student's answer to one question of the attempt and log it as a review
    (with deferred feedback: when the attempt finishes).

    A multiple-choice answer is ``option``, the option's place (1 to n) in the order the
    student saw, or ``choice_id``, the id of one of the options copied at the start.
    ``shown_at`` is when the question was shown (see "Answer time"); without it the
    answer is not timed.

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
                option=option,
                choice_id=choice_id,
                shown_at=shown_at,
                now=now,
            )
            _copy_outcome(locked, attempt)
            return answer
        finish_attempt(attempt=locked, now=now)
    # Outside the transaction block: raising inside it would undo the finishing.
    _copy_outcome(locked, attempt)
    raise TimeUp(_("Time is up: your attempt was submitted when the time ran out."))


def accepted_alternatives(question: Question) -> list[str]:
    """The question's accepted alternative answers; anything but text is ignored (the
    field is free JSON in the admin)."""
    value: Any = question.accepted_answers
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, str)]


def is_right(question: Question, response: str) -> bool:
    """Whether a true/false or typed response (stripped; true/false in lower case) is
    right: true/false against the answer, anything typed through ``grade_text`` with the
    question's accepted alternatives and accent setting."""
    if question.kind == QuestionKind.TRUE_FALSE:
        return response == question.answer.strip().lower()
    return grade_text(
        response,
        question.answer,
        accepted=accepted_alternatives(question),
        accent_sensitive=question.accent_sensitive,
    ).correct


def _pick_option(answer: Answer, *, option: int | None, choice_id: int | None) -> OptionSnapshot:
    snapshot: Sequence[OptionSnapshot] = answer.choice_order or []
    if option is None and choice_id is None:
        raise InvalidAnswer(_("Choose an answer."))
    if option is not None:
        picked = snapshot[option - 1] if 1 <= option <= len(snapshot) else None
    else:
        picked = next((entry for entry in snapshot if entry["id"] == choice_id), None)
    if picked is None:
        raise InvalidAnswer(_("Choose one of the options shown."))
    return picked


def _grade(
    *,
    attempt: QuizAttempt,
    question_id: int,
    response: str,
    option: int | None,
    choice_id: int | None,
    shown_at: datetime | None,
    now: datetime,
) -> Answer:
    answer = attempt.answers.select_related("question").filter(question_id=question_id).first()
    if answer is None:
        raise InvalidAnswer(_("This question is not part of this quiz."))
    if answer.is_answered:
        return answer
    question = answer.question
    response = response.strip()
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        picked = _pick_option(answer, option=option, choice_id=choice_id)
        # The option row may have been deleted since the attempt started: the copy counts.
        answer.choice = Choice.objects.filter(pk=picked["id"], question=question).first()
        answer.response, correct = picked["text"], bool(picked["correct"])
    elif question.kind == QuestionKind.TRUE_FALSE:
        response = response.lower()
        if response not in TRUE_FALSE_CHOICES:
            raise InvalidAnswer(_("Choose an answer."))
        answer.response, correct = response, is_right(question, response)
    else:
        if not response:
            raise InvalidAnswer(_("Type an answer."))
        if len(response) > MAX_RESPONSE_LENGTH:
            raise InvalidAnswer(
                _("Keep your answer under %(limit)d characters.") % {"limit": MAX_RESPONSE_LENGTH}
            )
        answer.response, correct = response, is_right(question, response)

    answer.correct, answer.score, answer.seconds, answer.answered_at = (
        correct,
        1.0 if correct else 0.0,
        _seconds_taken(attempt=attempt, shown_at=shown_at, now=now),
        now,
    )
    answer.save(update_fields=["choice", "response", "correct", "score", "seconds", "answered_at"])
    if attempt.feedback == Feedback.IMMEDIATE:
        log_answer_reviews(attempt=attempt, answers=[answer], now=now)

    if not attempt.answers.filter(answered_at__isnull=True).exists():
        finish_attempt(attempt=attempt, now=now)
    return answer


def log_answer_reviews(*, attempt: QuizAttempt, answers: Sequence[Answer], now: datetime) -> None:
    """The answers as reviews of their questions' cards, each at the time it was given."""
    if not answers:
        return
    known = set(
        CardState.objects.filter(
            user=attempt.user_id,
            question__in=[answer.question_id for answer in answers],
            state="review",
        ).values_list("question_id", flat=True)
    )
    reviews = []
    for answer in answers:
        question = answer.question
        if answer.seconds is None:  # not timed: neither slow nor fast
            rating = Rating.GOOD if answer.correct else Rating.AGAIN
            duration_ms = None
        else:
            rating = scheduling.rating_for_quiz_answer(
                correct=bool(answer.correct),
                seconds=answer.seconds,
                kind=question.kind,
                known=question.pk in known,
            )
            duration_ms = min(round(answer.seconds * 1000), 2**31 - 1)
        reviews.append(
            ReviewInput(
                id=uuid.uuid5(REVIEW_NAMESPACE, f"{attempt.pk}:{question.pk}"),
                question_id=question.pk,
                rating=rating,
                reviewed_at=answer.answered_at or now,
                duration_ms=duration_ms,
                device="web quiz",
            )
        )
    latest = max(review.reviewed_at for review in reviews)
    try:
        record_reviews(user=attempt.user, reviews=reviews, now=max(now, latest))
    except ReviewBatchError as error:
        # A question retired (or its lesson archived) after the attempt started still
        # counts in the quiz, but there is no card left to schedule: log the others.
        refused = {item["index"] for item in error.errors}
        rest = [review for index, review in enumerate(reviews) if index not in refused]
        if rest and len(rest) < len(reviews):
            record_reviews(user=attempt.user, reviews=rest, now=max(now, latest))
