"""Quizzes: a lesson's quiz and a document's test, one question per screen.

Every page works as plain forms (POST, then redirect); with htmx the question area is
swapped in place and a live region announces whether an answer was right. Attempts are
reached only through ``QuizAttempt.objects.owned_by(user)``, so anyone else's is a 404.
Nothing of the answer key (right options, answers, explanations, sources) is rendered
before the question is answered.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from quizzes.forms import QuizAnswerForm
from quizzes.models import (
    Answer,
    Document,
    Feedback,
    Lesson,
    Question,
    QuestionKind,
    QuizAttempt,
)
from quizzes.previews import render_source_in_context, source_span
from quizzes.services import (
    AttemptFinished,
    InvalidAnswer,
    QuizUnavailable,
    TimeUp,
    answer_question,
    finish_attempt,
    start_attempt,
)
from quizzes.services.attempts import (
    attempts_left,
    is_expired,
    quiz_key_for,
    quiz_questions,
    read_shown_at,
    sign_shown_at,
)

# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _page(
    request: HttpRequest, full: str, partial: str, context: dict, *, status: int = 200
) -> HttpResponse:
    """The partial for htmx, else the full page that includes it."""
    htmx = _is_htmx(request)
    response = render(
        request,
        partial if htmx else full,
        {**context, "partial": partial, "htmx": htmx},
        status=status,
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


def _go(request: HttpRequest, url: str) -> HttpResponse:
    """Leave the page: a redirect, or for htmx a full navigation (not a swap)."""
    if _is_htmx(request):
        response = HttpResponse()
        response["HX-Redirect"] = url
    else:
        response = HttpResponseRedirect(url)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _get_attempt(request: HttpRequest, attempt_id: UUID) -> QuizAttempt:
    return get_object_or_404(
        QuizAttempt.objects.owned_by(request.user).select_related("document", "lesson"),
        pk=attempt_id,
    )


def _quiz_title(attempt: QuizAttempt) -> str:
    if attempt.lesson is not None:
        return _("Quiz: %(heading)s") % {"heading": attempt.lesson.heading}
    return _("Test: %(title)s") % {"title": attempt.document.title}


def _start_url(*, lesson: Lesson | None, document: Document) -> str:
    if lesson is not None:
        return reverse("lesson_quiz", args=[lesson.pk])
    return reverse("document_test", args=[document.pk])


def _back_link(*, lesson: Lesson | None, document: Document) -> tuple[str, str]:
    """Where "back" goes: the lesson, or for a test (or an archived lesson, which has no
    page any more) the home page listing the document."""
    if lesson is not None and not lesson.is_archived:
        return reverse("lesson_detail", args=[lesson.pk]), lesson.heading
    return reverse("home"), document.title


def _seconds_left(attempt: QuizAttempt) -> int | None:
    """Whole seconds until the deadline, rounded up (so "1 min" shows until the end)."""
    if attempt.deadline is None:
        return None
    return max(math.ceil((attempt.deadline - timezone.now()).total_seconds()), 0)


MAX_POSITION = 32767  # Answer.position is a small integer


def _position(value: str) -> int | None:
    """A question's place in the attempt from the query string; None if it cannot be one."""
    value = value.strip()
    if not value.isdecimal() or len(value) > len(str(MAX_POSITION)):
        return None
    position = int(value)
    return position if 1 <= position <= MAX_POSITION else None


TRUE_FALSE = ("true", "false")  # always in this order


def _true_false_label(value: str) -> str:
    return {"true": _("True"), "false": _("False")}.get(value.strip().lower(), value)


def _options(answer: Answer) -> list[tuple[str, str]]:
    """(value, text) of the radio buttons, in this attempt's order; no hint of the key.

    A multiple-choice option's value is its place in that order (1 to n), from the copy
    of the options taken when the attempt started: neither its id (which would tell the
    order the options were written in) nor today's options (which a teacher may edit).
    """
    question = answer.question
    if question.kind == QuestionKind.TRUE_FALSE:
        return [(value, _true_false_label(value)) for value in TRUE_FALSE]
    if question.kind != QuestionKind.MULTIPLE_CHOICE:
        return []
    return [(str(place), option["text"]) for place, option in enumerate(answer.choice_order, 1)]


def _right_answer(answer: Answer) -> str:
    """The right answer, for a multiple-choice question from the options it was graded on."""
    question = answer.question
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        return " / ".join(option["text"] for option in answer.choice_order if option["correct"])
    if question.kind == QuestionKind.TRUE_FALSE:
        return _true_false_label(question.answer)
    return question.answer


def _given_answer(answer: Answer) -> str:
    if not answer.is_answered:
        return ""
    if answer.question.kind == QuestionKind.TRUE_FALSE:
        return _true_false_label(answer.response)
    return answer.response


def _source(question: Question) -> SafeString:
    """The paragraph the question came from, its sentence in <mark>, or why there is none."""
    if not question.source_sentence:
        return format_html("<p><em>{}</em></p>", _("A teacher wrote this question."))
    if source_span(question) is None:
        return format_html(
            "<p>{}</p><p><em>{}</em></p>",
            question.source_sentence,
            _("This sentence is no longer in the lesson."),
        )
    return render_source_in_context(question)


# --------------------------------------------------------------------------------------
# Start page: a lesson's quiz and a document's test
# --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def lesson_quiz(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = get_object_or_404(
        Lesson.objects.visible_to(request.user).select_related("document"), pk=lesson_id
    )
    return _quiz_start(request, lesson=lesson, document=lesson.document)


@login_required
@require_http_methods(["GET", "POST"])
def document_test(request: HttpRequest, document_id: int) -> HttpResponse:
    document = get_object_or_404(Document.objects.visible_to(request.user), pk=document_id)
    return _quiz_start(request, lesson=None, document=document)


def _quiz_start(
    request: HttpRequest, *, lesson: Lesson | None, document: Document
) -> HttpResponse:
    error = ""
    if request.method == "POST":
        try:
            attempt = start_attempt(
                user=request.user, lesson=lesson, document=None if lesson else document
            )
        except QuizUnavailable as exc:
            error = str(exc)
        else:
            return redirect("attempt", attempt.pk)

    now = timezone.now()
    attempts = list(
        QuizAttempt.objects.owned_by(request.user)
        .filter(quiz_key=quiz_key_for(lesson=lesson, document=document))
        .order_by("-started_at")
    )
    current = next((a for a in attempts if not a.is_finished), None)
    if current is not None and is_expired(current, now):
        finish_attempt(attempt=current, now=now)  # its time ran out while away
        current = None
    available = quiz_questions(user=request.user, lesson=lesson, document=document).count()
    question_count = available if lesson else min(available, document.test_question_count)
    left = attempts_left(document=document, used=len(attempts))
    back_url, back_text = _back_link(lesson=lesson, document=document)
    context = {
        "lesson": lesson,
        "document": document,
        "title": (
            _("Quiz: %(heading)s") % {"heading": lesson.heading}
            if lesson
            else _("Test: %(title)s") % {"title": document.title}
        ),
        "start_url": _start_url(lesson=lesson, document=document),
        "back_url": back_url,
        "back_text": back_text,
        "question_count": question_count,
        "available": available,
        "is_test": lesson is None,
        "feedback": document.get_quiz_feedback_display(),
        "time_limit": document.quiz_time_limit,
        "max_attempts": document.quiz_max_attempts,
        "used": len(attempts),
        "left": left,
        "current": current,
        "can_start": current is not None or (question_count > 0 and left != 0),
        "past": [a for a in attempts if a.is_finished],
        "error": error,
    }
    return render(request, "quizzes/quiz_start.html", context, status=400 if error else 200)


# --------------------------------------------------------------------------------------
# One question per screen
# --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def attempt_question(request: HttpRequest, attempt_id: UUID) -> HttpResponse:
    attempt = _get_attempt(request, attempt_id)
    if request.method == "POST":
        return _answer(request, attempt)

    if attempt.feedback == Feedback.IMMEDIATE and "feedback" in request.GET:
        answered = (
            attempt.answers.filter(
                answered_at__isnull=False, position=_position(request.GET["feedback"])
            )
            .select_related("question")
            .first()
        )
        if answered is not None:
            return _feedback(request, attempt, answered)
    if attempt.is_finished:
        return _go(request, reverse("attempt_result", args=[attempt.pk]))
    now = timezone.now()
    if is_expired(attempt, now):
        finish_attempt(attempt=attempt, now=now)
        messages.info(request, _("Time is up: your attempt was submitted when the time ran out."))
        return _go(request, reverse("attempt_result", args=[attempt.pk]))
    return _question(request, attempt)


def _question(
    request: HttpRequest,
    attempt: QuizAttempt,
    *,
    error: str = "",
    response_text: str = "",
    outcome: str = "",
    stamp: str = "",
    status: int = 200,
) -> HttpResponse:
    """The first unanswered question of the attempt, stamped with the time it is shown
    (or, when it is shown again after a refused answer, with ``stamp`` if that was the
    question's)."""
    answer = (
        attempt.answers.filter(answered_at__isnull=True)
        .select_related("question")
        .order_by("position")
        .first()
    )
    if answer is None:  # every question answered: the attempt is over
        finish_attempt(attempt=attempt)
        return _go(request, reverse("attempt_result", args=[attempt.pk]))
    question = answer.question
    if read_shown_at(stamp, attempt=attempt, question_id=question.pk) is None:
        stamp = sign_shown_at(attempt=attempt, question_id=question.pk, at=timezone.now())
    seconds_left = _seconds_left(attempt)
    context = {
        "attempt": attempt,
        "title": _quiz_title(attempt),
        "answer": answer,
        "prompt": question.prompt,
        "question_id": question.pk,
        "shown": stamp,
        "options": _options(answer),
        "field": "choice" if question.kind == QuestionKind.MULTIPLE_CHOICE else "response",
        "typed": question.kind in (QuestionKind.CLOZE, QuestionKind.SHORT_ANSWER),
        "total": attempt.max_score,
        "seconds_left": seconds_left,
        "minutes_left": None if seconds_left is None else math.ceil(seconds_left / 60),
        "error": error,
        "response_text": response_text,
        "outcome": outcome,
    }
    return _page(
        request, "quizzes/attempt.html", "quizzes/_attempt_question.html", context, status=status
    )


def _feedback(request: HttpRequest, attempt: QuizAttempt, answer: Answer) -> HttpResponse:
    """Right or wrong, the right answer and the explanation, for an answered question."""
    question = answer.question
    context = {
        "attempt": attempt,
        "title": _quiz_title(attempt),
        "answer": answer,
        "question": question,
        "outcome": "right" if answer.correct else "wrong",
        "given": _given_answer(answer),
        "right_answer": _right_answer(answer),
        "total": attempt.max_score,
        "finished": attempt.is_finished,
    }
    return _page(request, "quizzes/attempt.html", "quizzes/_attempt_feedback.html", context)


def _answer(request: HttpRequest, attempt: QuizAttempt) -> HttpResponse:
    form = QuizAnswerForm(request.POST)
    stamp = request.POST.get("shown", "")
    if not form.is_valid():
        # Never echo a refused response: it may hold what the database cannot store.
        return _question(request, attempt, error=form.first_error(), stamp=stamp, status=400)
    question_id = form.cleaned_data["question"]
    response_text = form.cleaned_data["response"]
    result_url = reverse("attempt_result", args=[attempt.pk])
    try:
        answer = answer_question(
            attempt=attempt,
            question_id=question_id,
            response=response_text,
            option=form.cleaned_data["choice"],
            shown_at=read_shown_at(
                form.cleaned_data["shown"], attempt=attempt, question_id=question_id
            ),
        )
    except TimeUp as exc:
        messages.info(request, str(exc))
        return _go(request, result_url)
    except AttemptFinished:
        # Most often a second click on the last answer: show what the first one did.
        answered = attempt.answers.filter(question_id=question_id, answered_at__isnull=False)
        if attempt.feedback == Feedback.IMMEDIATE and (first := answered.first()):
            return _go(
                request, f"{reverse('attempt', args=[attempt.pk])}?feedback={first.position}"
            )
        return _go(request, result_url)
    except InvalidAnswer as exc:
        return _question(
            request,
            attempt,
            error=str(exc),
            response_text=response_text,
            stamp=stamp,
            status=400,
        )

    if attempt.feedback == Feedback.IMMEDIATE:
        if _is_htmx(request):
            return _feedback(request, attempt, answer)
        return redirect(f"{reverse('attempt', args=[attempt.pk])}?feedback={answer.position}")
    if attempt.is_finished:
        return _go(request, result_url)
    if _is_htmx(request):
        return _question(request, attempt, outcome="saved")
    return redirect("attempt", attempt.pk)


@login_required
@require_POST
def attempt_finish(request: HttpRequest, attempt_id: UUID) -> HttpResponse:
    attempt = _get_attempt(request, attempt_id)
    finish_attempt(attempt=attempt)
    return _go(request, reverse("attempt_result", args=[attempt.pk]))


# --------------------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Missed:
    """A question the student got wrong or left unanswered, with what they need to learn."""

    position: int
    prompt: str
    given: str
    answered: bool
    right_answer: str
    explanation: str
    source: SafeString
    lesson_id: int
    lesson_heading: str
    lesson_active: bool


@login_required
@require_http_methods(["GET"])
def attempt_result(request: HttpRequest, attempt_id: UUID) -> HttpResponse:
    attempt = _get_attempt(request, attempt_id)
    if not attempt.is_finished:
        now = timezone.now()
        if not is_expired(attempt, now):
            return redirect("attempt", attempt.pk)
        finish_attempt(attempt=attempt, now=now)

    answers = attempt.answers.select_related("question__lesson").order_by("position")
    missed = [
        Missed(
            position=answer.position,
            prompt=answer.question.prompt,
            given=_given_answer(answer),
            answered=answer.is_answered,
            right_answer=_right_answer(answer),
            explanation=answer.question.explanation,
            source=_source(answer.question),
            lesson_id=answer.question.lesson_id,
            lesson_heading=answer.question.lesson.heading,
            lesson_active=not answer.question.lesson.is_archived,
        )
        for answer in answers
        if not answer.correct
    ]
    used = QuizAttempt.objects.owned_by(request.user).filter(quiz_key=attempt.quiz_key).count()
    back_url, back_text = _back_link(lesson=attempt.lesson, document=attempt.document)
    # An archived lesson has no page and no quiz any more: nothing to go back to or retake.
    lesson_gone = attempt.lesson is not None and attempt.lesson.is_archived
    context = {
        "attempt": attempt,
        "title": _quiz_title(attempt),
        "percent": round(100 * attempt.score / attempt.max_score) if attempt.max_score else 0,
        "missed": missed,
        "lesson_gone": lesson_gone,
        "can_retake": not lesson_gone and attempts_left(document=attempt.document, used=used) != 0,
        "start_url": _start_url(lesson=attempt.lesson, document=attempt.document),
        "back_url": back_url,
        "back_text": back_text,
    }
    return render(request, "quizzes/attempt_result.html", context)
