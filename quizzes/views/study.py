"""Flashcard study: the front of the next card, its back, and the student's rating.

A signed card token (user, question, a fresh review id, the time the front was shown)
travels in a hidden field from the front to the back to the rating form. So rating a card
needs no state kept on the server, a double submit stores the review once (the same review
id is a duplicate for ``services.record_reviews``), and a changed, expired (older than
``TOKEN_MAX_AGE``) or another student's token is refused with a 400.

A card in a quiz the student is still taking is never dealt, revealed or rated: its back
would give the quiz answer away.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.models import User
from quizzes import scheduling
from quizzes.grading import grade_text
from quizzes.models import Choice, Question, QuestionKind, Rating
from quizzes.services import ReviewBatchError, ReviewInput, record_reviews
from quizzes.study import (
    card_reviews,
    in_running_quiz,
    queue_counts,
    study_queue,
    studyable_card,
)

TOKEN_SALT = "quizzes.study.card"
TOKEN_MAX_AGE = timedelta(days=1)
"""A card token older than this (from the signature's own timestamp) is refused."""
MAX_DURATION = timedelta(minutes=10)
"""A review's recorded duration is capped: a card left open over lunch took no hour."""

TYPED_KINDS = (QuestionKind.CLOZE, QuestionKind.SHORT_ANSWER)
TRUTH_VALUES = ("true", "false")


# --- The card token -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CardToken:
    user_id: int
    question_id: int
    review_id: uuid.UUID
    shown_at: datetime


class BadToken(Exception):
    """The token cannot be used; the message says why, for the student."""

    def __init__(self, message: str, *, expired: bool = False) -> None:
        super().__init__(message)
        self.expired = expired


def make_token(*, user: User, question: Question, now: datetime) -> str:
    payload = {"u": user.pk, "q": question.pk, "r": uuid.uuid4().hex, "t": now.timestamp()}
    return signing.dumps(payload, salt=TOKEN_SALT)


def read_token(raw: str, *, user: User) -> CardToken:
    try:
        data = signing.loads(raw, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
        token = CardToken(
            user_id=int(data["u"]),
            question_id=int(data["q"]),
            review_id=uuid.UUID(str(data["r"])),
            shown_at=datetime.fromtimestamp(float(data["t"]), tz=UTC),
        )
    except signing.SignatureExpired:
        raise BadToken(
            _(
                "This card was open too long (more than a day), so it can no longer be "
                "answered or rated. Go on with the next card."
            ),
            expired=True,
        ) from None
    except (signing.BadSignature, KeyError, TypeError, ValueError, OverflowError, OSError):
        raise BadToken(
            _(
                "This card could not be read: the form was changed or is incomplete. "
                "Go back to study to get a fresh card."
            )
        ) from None
    if token.user_id != user.pk:
        raise BadToken(
            _("This card was dealt to another account. Go back to study to get one of your own.")
        )
    return token


# --- Forms ----------------------------------------------------------------------------


class RevealForm(forms.Form):
    """What the student gave on the front: typed text, or a chosen option."""

    response = forms.CharField(
        required=False,
        max_length=500,
        error_messages={
            "max_length": gettext_lazy("Your answer is too long: keep it under 500 characters."),
            "null_characters_not_allowed": _(
                "Your answer contains a null character; type it again without it."
            ),
        },
    )
    choice = forms.CharField(
        required=False,
        max_length=20,
        error_messages={
            key: gettext_lazy("That option is not one of this card's options.")
            for key in ("max_length", "null_characters_not_allowed")
        },
    )

    def first_error(self) -> str:
        """The message to show the student."""
        for errors in self.errors.values():
            return str(errors[0])
        return ""


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(choices=Rating.choices, coerce=int)


# --- Helpers --------------------------------------------------------------------------


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _render(
    request: HttpRequest, partial: str, context: dict[str, object], *, status: int = 200
) -> HttpResponse:
    """The partial for htmx, else the full page around it."""
    htmx = _is_htmx(request)
    context = {**context, "htmx": htmx, "partial": partial}
    template = partial if htmx else "quizzes/study.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _bad_request(request: HttpRequest, message: str, *, expired: bool = False) -> HttpResponse:
    context = {"error": message, "expired": expired}
    return _render(request, "quizzes/_study_error.html", context, status=400)


def _bad_token(request: HttpRequest, error: BadToken) -> HttpResponse:
    return _bad_request(request, str(error), expired=error.expired)


_UNITS = {
    "min": pgettext_lazy("interval, minutes", "min"),
    "h": pgettext_lazy("interval, hours", "h"),
    "d": pgettext_lazy("interval, days", "d"),
    "mo": pgettext_lazy("interval, months", "mo"),
    "y": pgettext_lazy("interval, years", "y"),
}


def interval_label(delta: timedelta) -> str:
    """``scheduling.describe_interval`` with its unit translated: "10 min", "3 d"."""
    number, unit = scheduling.describe_interval(delta).split(" ")
    return f"{number}\N{NO-BREAK SPACE}{_UNITS[unit]}"


def _shuffled_choices(question: Question) -> list[Choice]:
    """The options of a multiple-choice card in an order fixed per card, so the front
    reads the same every time; no other kind has options."""
    if question.kind != QuestionKind.MULTIPLE_CHOICE:
        return []
    choices = list(question.choices.all())
    random.Random(question.pk).shuffle(choices)  # noqa: S311 (an order, not a secret)
    return choices


def _front_context(request: HttpRequest, now: datetime) -> dict[str, object]:
    queue = study_queue(request.user, now)
    context: dict[str, object] = {"counts": queue.counts, "queue": queue}
    card = queue.card
    if card is not None:
        context["token"] = make_token(user=request.user, question=card, now=now)
        context["choices"] = _shuffled_choices(card)
        context["typed"] = card.kind in TYPED_KINDS
    elif queue.next_due is not None:
        context["next_due_in"] = interval_label(queue.next_due - now)
    return context


# --- Views ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def study(request: HttpRequest) -> HttpResponse:
    """GET: the front of the next card. POST (token + rating): record the review, then
    show the next card (htmx) or redirect to it."""
    now = timezone.now()
    if request.method == "POST":
        try:
            token = read_token(request.POST.get("token", ""), user=request.user)
        except BadToken as error:
            return _bad_token(request, error)
        form = RatingForm(request.POST)
        if not form.is_valid():
            return _bad_request(
                request, _("Choose how well you knew it: Again, Hard, Good or Easy.")
            )
        _record_rating(request, token, form.cleaned_data["rating"], now)
        if not _is_htmx(request):
            return redirect("study")
    return _render(request, "quizzes/_study_card.html", _front_context(request, now))


def _record_rating(request: HttpRequest, token: CardToken, rating: int, now: datetime) -> None:
    if in_running_quiz(request.user, token.question_id):
        messages.error(
            request,
            _(
                "That card is part of a quiz you have not finished, so your rating was not "
                "stored. Study it again once you have finished the quiz."
            ),
        )
        return
    shown = min(max(now - token.shown_at, timedelta(0)), MAX_DURATION)
    review = ReviewInput(
        id=token.review_id,
        question_id=token.question_id,
        rating=rating,
        reviewed_at=now,
        duration_ms=int(shown.total_seconds() * 1000),
        device="web",
    )
    try:
        record_reviews(user=request.user, reviews=[review], now=now)
    except ReviewBatchError as error:
        if any(e["field"] == "question" for e in error.errors):
            messages.error(
                request,
                _(
                    "That card is no longer available to study (a teacher withdrew or "
                    "changed it), so your rating was not stored."
                ),
            )
        else:
            messages.error(
                request, _("Your rating was not stored: %(reason)s") % {"reason": error}
            )


@login_required
@require_http_methods(["GET", "POST"])
def reveal(request: HttpRequest) -> HttpResponse:
    """The back of a card: the answer, whether a typed or chosen answer was right, and
    the four rating buttons with the interval each would give."""
    now = timezone.now()
    data = request.POST if request.method == "POST" else request.GET
    try:
        token = read_token(data.get("token", ""), user=request.user)
    except BadToken as error:
        return _bad_token(request, error)
    question = studyable_card(request.user, token.question_id)
    if question is None:
        if in_running_quiz(request.user, token.question_id):
            messages.info(
                request,
                _(
                    "That card is part of a quiz you have not finished: you can study it "
                    "once you have finished the quiz."
                ),
            )
        else:
            messages.info(request, _("That card is no longer available to study."))
        return redirect("study")
    form = RevealForm(data)
    if not form.is_valid():
        return _bad_request(request, form.first_error())
    try:
        outcome = _grade(question, form.cleaned_data["response"], form.cleaned_data["choice"])
    except ValueError as error:
        return _bad_request(request, str(error))
    intervals = scheduling.next_intervals(
        card_reviews(request.user, question), card_id=question.pk, now=now
    )
    suggested = None if outcome.correct is None else (3 if outcome.correct else 1)
    buttons = [
        {
            "rating": rating,
            "label": label,
            "interval": interval_label(intervals[rating]),
            "suggested": rating == suggested,
        }
        for rating, label in Rating.choices
    ]
    context = {
        "counts": queue_counts(request.user, now),
        "card": question,
        "token": data.get("token", ""),
        "outcome": outcome,
        "answer": _answer_text(question),
        "buttons": buttons,
        "suggested": Rating(suggested).label if suggested else None,
    }
    return _render(request, "quizzes/_study_back.html", context)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the student gave on the front, and whether it was right (None: not graded)."""

    response: str = ""
    correct: bool | None = None
    exact: bool = True


def _grade(question: Question, response: str, choice: str) -> Outcome:
    """Grade the front's answer; ValueError (with a message for the student) when the
    chosen option is not one of the card's."""
    if question.kind in TYPED_KINDS:
        if not response.strip():
            return Outcome()
        accepted = [a for a in question.accepted_answers or [] if isinstance(a, str)]
        grade = grade_text(
            response,
            question.answer,
            accepted=accepted,
            accent_sensitive=question.accent_sensitive,
        )
        return Outcome(response=response, correct=grade.correct, exact=grade.exact)
    if not choice:
        return Outcome()
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        chosen = next((c for c in question.choices.all() if str(c.pk) == choice), None)
        if chosen is None:
            raise ValueError(_("That option is not one of this card's options."))
        return Outcome(response=chosen.text, correct=chosen.is_correct)
    if question.kind == QuestionKind.TRUE_FALSE:
        if choice not in TRUTH_VALUES:
            raise ValueError(_("Choose True or False."))
        return Outcome(
            response=_truth_label(choice),
            correct=choice == question.answer.strip().lower(),
        )
    return Outcome()


def _truth_label(value: str) -> str:
    return _("True") if value == "true" else _("False")


def _answer_text(question: Question) -> str:
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        right = [c.text for c in question.choices.all() if c.is_correct]
        return ", ".join(right) or question.answer
    if question.kind == QuestionKind.TRUE_FALSE:
        return _truth_label(question.answer.strip().lower())
    return question.answer
