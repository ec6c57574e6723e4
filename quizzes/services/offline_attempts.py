"""A whole quiz attempt taken offline in the app and submitted at once: graded on the
server exactly as the web quiz grades, stored as a finished attempt, and idempotent by
the attempt's client-made id (see :func:`submit_attempt`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from quizzes.models import (
    Answer,
    Choice,
    Feedback,
    Lesson,
    Question,
    QuestionKind,
    QuizAttempt,
)
from quizzes.services.attempts import (
    MAX_RESPONSE_LENGTH,
    TRUE_FALSE_CHOICES,
    InvalidAnswer,
    QuizError,
    attempts_left,
    is_right,
    log_answer_reviews,
    quiz_key_for,
    quiz_questions,
)
from quizzes.services.reviews import FUTURE_SKEW


@dataclass(frozen=True, slots=True)
class ResponseInput:
    """One answer of an offline attempt: for multiple choice the chosen option's id (as
    text or a number), for true/false "true" or "false", otherwise the typed text. An
    empty response is no answer."""

    question_id: int
    response: str | int = ""


@dataclass(frozen=True, slots=True)
class Submission:
    attempt: QuizAttempt
    created: bool
    """False when the id was already stored: ``attempt`` is the stored result."""


class AttemptRefused(QuizError):
    """The submitted attempt is refused whole. ``errors`` lists ``{"index", "field",
    "message"}`` (``index`` is the answer's place in the list, or None)."""

    def __init__(self, errors: list[dict[str, object]]) -> None:
        super().__init__("; ".join(str(error["message"]) for error in errors))
        self.errors = errors


class AttemptIdTaken(QuizError):
    """The attempt id belongs to another user's attempt."""


def _refusal(index: int | None, field: str, message: str) -> dict[str, object]:
    return {"index": index, "field": field, "message": message}


def _stored_submission(stored: QuizAttempt, user: User) -> Submission:
    if stored.user_id != user.pk:
        raise AttemptIdTaken(
            _("This attempt id is already taken: send the attempt with a new id.")
        )
    return Submission(attempt=stored, created=False)


def _grade_offline(question: Question, response: str | int) -> tuple[str, Choice | None, bool]:
    """(response as stored, chosen option, correct) for one answer; the response is
    empty for no answer. Raises :class:`InvalidAnswer` for a response that cannot be one."""
    if isinstance(response, bool) or not isinstance(response, str | int):
        raise InvalidAnswer(_("Give the response as text."))
    text = str(response).strip()
    if not text:
        return "", None, False
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        choice = next((c for c in question.choices.all() if str(c.pk) == text), None)
        if choice is None:
            raise InvalidAnswer(_("Give the id of one of this question's options."))
        return choice.text, choice, choice.is_correct
    if question.kind == QuestionKind.TRUE_FALSE:
        text = text.lower()
        if text not in TRUE_FALSE_CHOICES:
            raise InvalidAnswer(_("Answer “true” or “false”."))
    elif len(text) > MAX_RESPONSE_LENGTH:
        raise InvalidAnswer(
            _("Keep your answer under %(limit)d characters.") % {"limit": MAX_RESPONSE_LENGTH}
        )
    return text, None, is_right(question, text)


def _time_refusals(
    started_at: datetime, submitted_at: datetime, now: datetime
) -> list[dict[str, object]]:
    if timezone.is_naive(started_at) or timezone.is_naive(submitted_at):
        field = "started_at" if timezone.is_naive(started_at) else "submitted_at"
        return [_refusal(None, field, _("Give the time with its UTC offset."))]
    if submitted_at > now + FUTURE_SKEW:
        return [_refusal(None, "submitted_at", _("This time is in the future."))]
    if submitted_at < started_at:
        return [_refusal(None, "submitted_at", _("An attempt cannot end before it started."))]
    return []


@transaction.atomic
def submit_attempt(
    *,
    user: User,
    attempt_id: uuid.UUID,
    lesson_id: int,
    started_at: datetime,
    submitted_at: datetime,
    responses: Sequence[ResponseInput],
    now: datetime | None = None,
) -> Submission:
    """Grade and store a lesson quiz taken offline, all or nothing (see "Offline attempts").

    An ``attempt_id`` already stored for this user returns that attempt, whatever the
    rest says; one of another user raises :class:`AttemptIdTaken`. Otherwise the lesson
    (through ``visible_to(user)``), the times and every response are checked, and
    :class:`AttemptRefused` lists what is wrong. Its questions are the lesson's quiz
    questions now; unanswered ones count as wrong. ``submitted_at`` may be up to five
    minutes ahead of the server's clock and is then stored as ``now``.
    """
    now = now or timezone.now()
    stored = QuizAttempt.objects.filter(pk=attempt_id).first()
    if stored is not None:
        return _stored_submission(stored, user)

    errors = _time_refusals(started_at, submitted_at, now)
    lesson = (
        Lesson.objects.visible_to(user).select_related("document").filter(pk=lesson_id).first()
    )
    questions: dict[int, Question] = {}
    if lesson is None:
        errors.append(_refusal(None, "lesson", _("No such lesson to study.")))
    else:
        questions = {
            question.pk: question
            for question in quiz_questions(user=user, lesson=lesson).prefetch_related("choices")
        }
        used = QuizAttempt.objects.owned_by(user).filter(quiz_key=quiz_key_for(lesson=lesson))
        if not questions:
            errors.append(_refusal(None, "lesson", _("This lesson has no quiz questions yet.")))
        elif attempts_left(document=lesson.document, used=used.count()) == 0:
            message = _("You have used every attempt allowed at this quiz.")
            errors.append(_refusal(None, "lesson", message))

    graded: dict[int, tuple[str, Choice | None, bool]] = {}
    seen: set[int] = set()
    for index, item in enumerate(responses):
        question = questions.get(item.question_id)
        if question is None:
            if lesson is not None:
                message = _("This question is not part of this lesson's quiz.")
                errors.append(_refusal(index, "question", message))
            continue
        if item.question_id in seen:
            errors.append(_refusal(index, "question", _("This question is answered twice.")))
            continue
        seen.add(item.question_id)
        try:
            graded[item.question_id] = _grade_offline(question, item.response)
        except InvalidAnswer as exc:
            errors.append(_refusal(index, "response", str(exc)))
    if errors:
        raise AttemptRefused(errors)
    assert lesson is not None  # for the type checker: refused above otherwise

    submitted_at = min(submitted_at, now)
    started_at = min(started_at, submitted_at)
    limit = lesson.document.quiz_time_limit
    try:
        with transaction.atomic():
            attempt = QuizAttempt.objects.create(
                id=attempt_id,
                user=user,
                document=lesson.document,
                lesson=lesson,
                quiz_key=quiz_key_for(lesson=lesson),
                feedback=Feedback.DEFERRED,
                seed=0,
                started_at=started_at,
                deadline=started_at + timedelta(minutes=limit) if limit else None,
                submitted_at=submitted_at,
                score=sum(1.0 for _text, _choice, correct in graded.values() if correct),
                max_score=len(questions),
            )
    except IntegrityError:
        # The same attempt sent twice at once: the other request stored it.
        stored = QuizAttempt.objects.filter(pk=attempt_id).first()
        if stored is None:
            raise
        return _stored_submission(stored, user)

    answers = []
    for position, question in enumerate(questions.values(), start=1):
        text, choice, correct = graded.get(question.pk, ("", None, False))
        answers.append(
            Answer(
                attempt=attempt,
                question=question,
                position=position,
                choice_order=[
                    {"id": option.pk, "text": option.text, "correct": option.is_correct}
                    for option in question.choices.all()
                ]
                if question.kind == QuestionKind.MULTIPLE_CHOICE
                else [],
                response=text,
                choice=choice,
                correct=correct,
                score=1.0 if correct else 0.0,
                answered_at=submitted_at if text else None,
            )
        )
    Answer.objects.bulk_create(answers)
    log_answer_reviews(attempt=attempt, answers=[a for a in answers if a.is_answered], now=now)
    return Submission(attempt=attempt, created=True)
