"""The flashcard study queue: which card a student sees next, and how many are left.

Reads only; reviews are written by ``services.record_reviews``. A student's cards are the
questions of ``Question.objects.studyable_by(user)`` (every kind), less the questions of a
quiz the student is still taking (an unfinished attempt): the back of a card would give
away a quiz answer. They come back once the attempt is finished. The queue is:

1. cards due now (their CardState is due at or before ``now``), earliest due first, ties
   broken by question id;
2. then new cards (no CardState for this student) in course order: document title, lesson
   position, question position, id; at most ``new_cards_left_today`` of them.

"Today" is the student's local day in ``settings.TIME_ZONE``. Every function here runs a
fixed number of queries whatever the number of documents, lessons or review logs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count, Exists, Min, OuterRef, QuerySet

from quizzes import scheduling
from quizzes.days import local_day
from quizzes.models import Answer, CardState, Question, QuestionQuerySet, QuizAttempt, ReviewLog

if TYPE_CHECKING:
    from accounts.models import User

NEW_CARD_ORDER = (
    "lesson__document__title",
    "lesson__document_id",
    "lesson__position",
    "position",
    "id",
)
"""Course order: the order new cards are introduced in."""


def _in_running_quizzes(user: User) -> QuerySet[Answer]:
    """The question ids of the student's unfinished quiz attempts, as a subquery."""
    return Answer.objects.filter(
        attempt__in=QuizAttempt.objects.owned_by(user).unfinished()
    ).values("question_id")


def _cards(user: User) -> QuestionQuerySet:
    """The student's cards: studyable questions not in a quiz the student is taking."""
    return Question.objects.studyable_by(user).exclude(pk__in=_in_running_quizzes(user))


def in_running_quiz(user: User, question_id: int) -> bool:
    """Whether the question is part of a quiz the student has not finished, so it may not
    be studied now. One query."""
    return _in_running_quizzes(user).filter(question_id=question_id).exists()


def _reviewed_cards(
    user: User, cards: QuestionQuerySet | None = None, **due: datetime
) -> QuestionQuerySet:
    """The student's cards (``cards``, when the caller has built them already) that have a
    CardState (reviewed at least once), filtered on its due time by lookups such as
    ``lte=now``. One filter() call, so one join: the due time tested is this student's."""
    lookups = {f"card_states__due__{lookup}": value for lookup, value in due.items()}
    return (_cards(user) if cards is None else cards).filter(card_states__user=user, **lookups)


def _new_cards(user: User, cards: QuestionQuerySet | None = None) -> QuestionQuerySet:
    """The student's cards (``cards``, when built already) never reviewed: no CardState
    for this student."""
    return (_cards(user) if cards is None else cards).filter(
        ~Exists(CardState.objects.filter(user=user, question=OuterRef("pk")))
    )


def due_counts_by_document(user: User, now: datetime) -> dict[int, int]:
    """Document id -> cards due by the end of the student's day (local day in
    settings.TIME_ZONE), counting only published questions of active lessons the user may
    study (``Question.objects.studyable_by(user)``), and leaving out the questions of a
    quiz the student is still taking, as the study queue does: the home page promises no
    card the study page would hold back. New cards (never reviewed) are not counted here:
    see :func:`new_cards_left_today`. One query."""
    if not user.is_authenticated:
        return {}
    _start, end = local_day(now)
    rows = (
        CardState.objects.filter(user=user, due__lt=end, question__in=_cards(user))
        .values_list("question__lesson__document_id")
        .annotate(count=Count("id"))
        .order_by()
    )
    return dict(rows)


def new_cards_left_today(user: User, now: datetime) -> int:
    """``settings.LECTERN_NEW_CARDS_PER_DAY`` minus the cards this user reviewed for the
    first time today (the first ReviewLog of the card falls in today's local day), never
    below 0. One query."""
    limit = settings.LECTERN_NEW_CARDS_PER_DAY
    if not user.is_authenticated:
        return limit
    start, end = local_day(now)
    earlier = ReviewLog.objects.filter(
        user=user, question=OuterRef("question"), reviewed_at__lt=start
    )
    introduced = (
        ReviewLog.objects.filter(user=user, reviewed_at__gte=start, reviewed_at__lt=end)
        .filter(~Exists(earlier))
        .values("question_id")
        .distinct()
        .order_by()
        .count()
    )
    return max(limit - introduced, 0)


@dataclass(frozen=True, slots=True)
class QueueCounts:
    """The study page's header: "12 due · 5 new left today"."""

    due: int
    """Cards due now."""
    new: int
    """New cards that may still be shown today: the daily allowance left, or fewer when
    fewer new cards exist."""
    allowance: int
    """What is left of today's new-card allowance (:func:`new_cards_left_today`)."""


def queue_counts(user: User, now: datetime, cards: QuestionQuerySet | None = None) -> QueueCounts:
    """Cards due now and new cards left today. Three queries. ``cards``: the student's
    cards (:func:`_cards`), when the caller has built them already (building them costs
    more than running any of these queries)."""
    cards = _cards(user) if cards is None else cards
    due = _reviewed_cards(user, cards, lte=now).count()
    allowance = new_cards_left_today(user, now)
    new = _new_cards(user, cards).order_by()[:allowance].count() if allowance else 0
    return QueueCounts(due=due, new=new, allowance=allowance)


@dataclass(frozen=True, slots=True)
class StudyQueue:
    """What the study page shows: the header counts and the next card, if any."""

    counts: QueueCounts
    card: Question | None
    """The next card to study (with its lesson, document and choices loaded), or None."""
    next_due: datetime | None = None
    """When the queue is empty: when the next card comes due (a reviewed card's due time,
    or the start of tomorrow when new cards wait for tomorrow's allowance); else None."""


def _with_card_data(cards: QuestionQuerySet) -> QuestionQuerySet:
    """With the card's lesson and document. A multiple-choice card's options are read
    when shown (one query): no other kind has any, so prefetching them would cost every
    other card a query for nothing."""
    return cards.select_related("lesson__document")


def study_queue(user: User, now: datetime) -> StudyQueue:
    """The header counts and the next card of the student's queue (see the module
    docstring for the order). Four queries when there is a card; up to five when the
    queue is empty (when the next card comes due)."""
    cards = _cards(user)
    counts = queue_counts(user, now, cards)
    card: Question | None = None
    if counts.due:
        due_now = _reviewed_cards(user, cards, lte=now).order_by("card_states__due", "id")
        card = _with_card_data(due_now).first()
    elif counts.new:
        card = _with_card_data(_new_cards(user, cards).order_by(*NEW_CARD_ORDER)).first()
    if card is not None:
        return StudyQueue(counts=counts, card=card)
    return StudyQueue(
        counts=counts, card=None, next_due=_next_due(user, now, counts.allowance, cards)
    )


def studyable_card(user: User, question_id: int) -> Question | None:
    """One of the student's cards by id, with its lesson and document; None when
    it is not (or no longer) studyable, or is in a quiz the student is taking (see
    :func:`in_running_quiz` to tell which). One query; a multiple-choice card reads its
    options when they are asked for."""
    return _with_card_data(_cards(user)).filter(pk=question_id).first()


def _next_due(
    user: User, now: datetime, allowance: int, cards: QuestionQuerySet
) -> datetime | None:
    upcoming = _reviewed_cards(user, cards, gt=now)
    soonest = upcoming.aggregate(soonest=Min("card_states__due"))["soonest"]
    if not allowance and _new_cards(user, cards).exists():
        tomorrow = local_day(now)[1]
        soonest = tomorrow if soonest is None else min(soonest, tomorrow)
    return soonest


def next_card(user: User, now: datetime) -> Question | None:
    """The card the student should study now, or None when nothing is left today."""
    return study_queue(user, now).card


def card_reviews(user: User, question: Question) -> list[scheduling.Review]:
    """The student's reviews of one card, as the scheduler reads them. One query."""
    return [
        scheduling.Review(id=str(pk), rating=rating, reviewed_at=reviewed_at)
        for pk, rating, reviewed_at in ReviewLog.objects.filter(
            user=user, question=question
        ).values_list("id", "rating", "reviewed_at")
    ]
