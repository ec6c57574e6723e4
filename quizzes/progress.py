"""What a student has learnt (the progress page): mastery per lesson (from
:mod:`quizzes.overview`), review history, the due forecast, retention, streak and past
quiz attempts. Reads only; nothing here writes.

Every function takes the student and ``now`` (timezone-aware) and runs a fixed number of
queries whatever the number of lessons, cards or reviews: figures are grouped in the
database, or folded in Python from one query's rows.

"Day" means a calendar day in the site's zone (see :mod:`quizzes.days`).

Bar charts are drawn on the server: :func:`bar_chart` turns a series of daily figures
into bar geometry (in the units of an SVG ``viewBox``) so the template only places them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, F, Q, Window
from django.db.models.functions import Lag, TruncDate
from django.utils.translation import gettext as _

from accounts.models import User
from quizzes.days import day_start, local_today, local_zone
from quizzes.models import (
    CardState,
    Question,
    QuestionStatus,
    QuizAttempt,
    Rating,
    ReviewLog,
)
from quizzes.overview import DocumentRow, document_rows, studied_documents

HISTORY_DAYS = 90
"""The reviews-per-day chart covers this many local days, today included."""

FORECAST_DAYS = 30
"""The due forecast covers this many local days, today (with anything overdue) first."""

REVIEW_CARD_GAP = timedelta(hours=12)
"""A review counts towards retention when the card's previous review is at least this old
(see :func:`retention`)."""

ATTEMPTS_SHOWN = 50
"""How many finished quiz attempts the history lists, newest first."""


# Statistics ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DayCount:
    day: date
    count: int


def _review_days(user: User) -> dict[date, int]:
    """The user's reviews per local day, over their whole history (one grouped query)."""
    return dict(
        ReviewLog.objects.filter(user=user)
        .annotate(day=TruncDate("reviewed_at", tzinfo=local_zone()))
        .order_by()
        .values("day")
        .annotate(reviews=Count("id"))
        .values_list("day", "reviews")
    )


def _series(counts: dict[date, int], first: date, days: int) -> list[DayCount]:
    return [
        DayCount(day=day, count=counts.get(day, 0))
        for day in (first + timedelta(days=n) for n in range(days))
    ]


def reviews_per_day(
    user: User, now: datetime, *, days: int = HISTORY_DAYS, by_day: dict[date, int] | None = None
) -> list[DayCount]:
    """Reviews on each of the last ``days`` local days, oldest first, today last."""
    by_day = _review_days(user) if by_day is None else by_day
    today = local_today(now)
    return _series(by_day, today - timedelta(days=days - 1), days)


def streak(user: User, now: datetime, *, by_day: dict[date, int] | None = None) -> int:
    """Consecutive local days with at least one review, ending today, or yesterday when
    the user has not reviewed yet today (the streak is not lost until the day is over)."""
    by_day = _review_days(user) if by_day is None else by_day
    day = local_today(now)
    if not by_day.get(day):
        day -= timedelta(days=1)
    length = 0
    while by_day.get(day):
        length += 1
        day -= timedelta(days=1)
    return length


def due_forecast(
    user: User,
    now: datetime,
    *,
    days: int = FORECAST_DAYS,
    document_ids: list[int] | None = None,
) -> list[DayCount]:
    """How many of the user's studyable cards fall due on each of the next ``days`` local
    days, today first; cards already overdue count today. Cards never reviewed (new
    cards) have no due date and are not counted. ``document_ids``: the documents the user
    may study, when the caller has read them (the query is then cheaper to build)."""
    today = local_today(now)
    if document_ids is None:
        studyable = Q(question__in=Question.objects.studyable_by(user).values("pk"))
    else:  # the published questions of these documents' active lessons: the same cards
        studyable = Q(
            question__status=QuestionStatus.PUBLISHED,
            question__lesson__archived_at__isnull=True,
            question__lesson__document__in=document_ids,
        )
    by_day: dict[date, int] = defaultdict(int)
    for day, cards in (
        CardState.objects.filter(
            studyable, user=user, due__lt=day_start(today + timedelta(days=days))
        )
        .annotate(day=TruncDate("due", tzinfo=local_zone()))
        .order_by()
        .values("day")
        .annotate(cards=Count("id"))
        .values_list("day", "cards")
    ):
        by_day[max(day, today)] += cards
    return _series(by_day, today, days)


@dataclass(frozen=True, slots=True)
class Retention:
    reviews: int
    """Reviews of review cards (see :func:`retention`)."""
    recalled: int
    """Of those, the ones rated Good or Easy."""

    @property
    def percent(self) -> int | None:
        if not self.reviews:
            return None
        return round(100 * self.recalled / self.reviews)


def retention(user: User, now: datetime) -> Retention:
    """The share of the user's reviews of *review* cards rated Good or Easy, up to ``now``.

    Retention measures recall of cards that have left learning; a card's learning and
    relearning reviews (minutes apart) would inflate it. Review logs do not record the
    card's state at the time, but the schedule implies it: learning steps are 1 and 10
    minutes and the relearning step 10 minutes, while a card in review is next due at
    least a day later. So a review counts when the same card's previous review by the
    same user was at least :data:`REVIEW_CARD_GAP` (12 hours) earlier; a card's first
    review never counts (the card was new).

    One query: ``Lag("reviewed_at")`` over the user's logs partitioned by question and
    ordered like the replay (reviewed_at, id) gives each review's predecessor; the
    database filters on the gap and counts.
    """
    logs = (
        ReviewLog.objects.filter(user=user, reviewed_at__lte=now)
        .annotate(
            previous_at=Window(
                Lag("reviewed_at"),
                partition_by=[F("question_id")],
                order_by=[F("reviewed_at").asc(), F("id").asc()],
            )
        )
        .filter(previous_at__lte=F("reviewed_at") - REVIEW_CARD_GAP)
    )
    figures = logs.aggregate(
        reviews=Count("id"),
        recalled=Count("id", filter=Q(rating__in=[Rating.GOOD, Rating.EASY])),
    )
    return Retention(reviews=figures["reviews"] or 0, recalled=figures["recalled"] or 0)


@dataclass(frozen=True, slots=True)
class AttemptRow:
    attempt: QuizAttempt
    title: str
    score: str
    percent: int


def _score_text(value: float) -> str:
    return f"{value:g}"


def attempt_history(user: User, now: datetime, *, limit: int = ATTEMPTS_SHOWN) -> list[AttemptRow]:
    """The user's finished quiz attempts up to ``now``, newest first (at most ``limit``)."""
    attempts = (
        QuizAttempt.objects.owned_by(user)
        .finished()
        .filter(submitted_at__lte=now)
        .select_related("lesson", "document")
        .only("id", "submitted_at", "score", "max_score", "lesson__heading", "document__title")
        .order_by("-submitted_at", "-started_at")[:limit]
    )
    rows = []
    for attempt in attempts:
        if attempt.lesson is not None:
            title = attempt.lesson.heading
        else:
            title = _("Whole document test: %(title)s") % {"title": attempt.document.title}
        percent = round(100 * attempt.score / attempt.max_score) if attempt.max_score else 0
        rows.append(
            AttemptRow(
                attempt=attempt,
                title=title,
                score=f"{_score_text(attempt.score)} / {attempt.max_score}",
                percent=percent,
            )
        )
    return rows


# Charts -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Bar:
    day: date
    count: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class BarChart:
    """A bar chart laid out in ``viewBox`` units: ``width`` x ``height``, bars standing on
    the bottom edge, the tallest bar reaching the top."""

    days: list[DayCount]
    bars: list[Bar]
    width: float
    height: float
    peak: int
    total: int

    @property
    def first(self) -> date:
        return self.days[0].day

    @property
    def last(self) -> date:
        return self.days[-1].day


CHART_WIDTH = 300
CHART_HEIGHT = 100
BAR_FILL = 0.7
"""Share of each day's slot the bar takes; the rest is the gap between bars."""


def bar_chart(
    days: Sequence[DayCount], *, width: float = CHART_WIDTH, height: float = CHART_HEIGHT
) -> BarChart:
    """Lay out one bar per day. Days with nothing get no bar (the table still lists them)."""
    peak = max((d.count for d in days), default=0)
    slot = width / len(days) if days else width
    bar_width = round(slot * BAR_FILL, 2)
    bars = []
    for index, day in enumerate(days):
        if not day.count:
            continue
        bar_height = round(height * day.count / peak, 2)
        bars.append(
            Bar(
                day=day.day,
                count=day.count,
                x=round(index * slot + (slot - bar_width) / 2, 2),
                y=round(height - bar_height, 2),
                width=bar_width,
                height=bar_height,
            )
        )
    return BarChart(
        days=list(days),
        bars=bars,
        width=width,
        height=height,
        peak=peak,
        total=sum(d.count for d in days),
    )


# The progress page --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProgressSummary:
    documents: list[DocumentRow]
    reviews: BarChart
    forecast: BarChart
    retention: Retention
    streak: int
    reviewed_today: bool
    attempts: list[AttemptRow]


def progress_summary(user: User, now: datetime) -> ProgressSummary:
    """Everything the progress page shows, in a fixed number of queries."""
    by_day = _review_days(user)
    documents = studied_documents(user)
    return ProgressSummary(
        documents=document_rows(user, now, documents),
        reviews=bar_chart(reviews_per_day(user, now, by_day=by_day)),
        forecast=bar_chart(
            due_forecast(user, now, document_ids=[document.pk for document in documents])
        ),
        retention=retention(user, now),
        streak=streak(user, now, by_day=by_day),
        reviewed_today=bool(by_day.get(local_today(now))),
        attempts=attempt_history(user, now),
    )
