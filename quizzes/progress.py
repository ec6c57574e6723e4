"""What a student has learnt: mastery per lesson, review history, the due forecast,
retention, streak and past quiz attempts. Reads only; nothing here writes.

Every function takes the student and ``now`` (timezone-aware) and runs a fixed number of
queries whatever the number of lessons, cards or reviews: figures are grouped in the
database, or folded in Python from one query's rows.

"Day" means a calendar day in the site's zone (``settings.TIME_ZONE``): a review at
23:30 local time counts for that evening, whatever the offset from UTC.

Bar charts are drawn on the server: :func:`bar_chart` turns a series of daily figures
into bar geometry (in the units of an SVG ``viewBox``) so the template only places them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import ClassVar

from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Window
from django.db.models.functions import Lag, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from quizzes.models import (
    QUIZ_KINDS,
    Answer,
    CardState,
    Document,
    Lesson,
    Question,
    QuestionStatus,
    QuizAttempt,
    Rating,
    ReviewLog,
)
from quizzes.recall import recall

HISTORY_DAYS = 90
"""The reviews-per-day chart covers this many local days, today included."""

FORECAST_DAYS = 30
"""The due forecast covers this many local days, today (with anything overdue) first."""

REVIEW_CARD_GAP = timedelta(hours=12)
"""A review counts towards retention when the card's previous review is at least this old
(see :func:`retention`)."""

ATTEMPTS_SHOWN = 50
"""How many finished quiz attempts the history lists, newest first."""


def local_zone() -> tzinfo:
    return timezone.get_default_timezone()


def local_today(now: datetime) -> date:
    return timezone.localdate(now, local_zone())


def day_start(day: date) -> datetime:
    """Midnight at the start of ``day`` in the site's zone, as an aware datetime."""
    return datetime.combine(day, time.min, tzinfo=local_zone())


# Mastery ------------------------------------------------------------------------------


@dataclass(slots=True)  # not frozen: built hundreds of times per page, and faster so
class Mastery:
    """How well a student knows a lesson: the mean recall probability of its cards."""

    cards: int
    """The lesson's published questions (its cards)."""
    recall: float
    """Mean probability (0..1) of recalling each card now; a card never reviewed is 0."""
    quiz_questions: int = 0
    """How many of the cards a quiz asks (every kind but flashcards)."""

    @property
    def percent(self) -> int | None:
        """Mastery as a whole percentage; None for a lesson without cards."""
        if not self.cards:
            return None
        return round(self.recall * 100)

    @property
    def label(self) -> str:
        """ "Mastery 40%", or "No cards yet": the words beside the bar."""
        percent = self.percent
        if percent is None:
            return _("No cards yet")
        return _("Mastery %(percent)s%%") % {"percent": percent}


NO_CARDS = Mastery(cards=0, recall=0.0)


def _question_counts(questions: QuerySet[Question]) -> dict[int, tuple[int, int]]:
    """Lesson id -> (published questions, of which a quiz asks); one query."""
    return {
        lesson_id: (cards, quiz)
        for lesson_id, cards, quiz in questions.order_by()
        .values("lesson_id")
        .annotate(cards=Count("id"), quiz=Count("id", filter=Q(kind__in=QUIZ_KINDS)))
        .values_list("lesson_id", "cards", "quiz")
    }


def _recall_by_lesson(states: QuerySet[CardState], now: datetime) -> dict[int, float]:
    """Lesson id -> the sum of its cards' recall probability ``now``, summed by the
    database (see :mod:`quizzes.recall`); one query."""
    return dict(
        states.order_by()
        .values("question__lesson_id")
        .annotate(recall=recall(now))
        .values_list("question__lesson_id", "recall")
    )


def _mastery(
    counts: dict[int, tuple[int, int]], recall_by_lesson: dict[int, float]
) -> dict[int, Mastery]:
    return {
        lesson_id: Mastery(
            cards=cards, recall=recall_by_lesson.get(lesson_id, 0.0) / cards, quiz_questions=quiz
        )
        for lesson_id, (cards, quiz) in counts.items()
    }


def mastery_by_lesson(
    user: User, now: datetime, *, lesson_ids: Iterable[int] | None = None
) -> dict[int, Mastery]:
    """Mastery of each lesson the user may study (or of ``lesson_ids`` only), by lesson id.

    At most two queries: the count of published questions per lesson, and the sum of the
    recall probability of the user's cards per lesson. A lesson without published questions is
    absent from the result (callers use :data:`NO_CARDS`).
    """
    questions = Question.objects.studyable_by(user)
    if lesson_ids is not None:
        questions = questions.filter(lesson_id__in=list(lesson_ids))
    counts = _question_counts(questions)
    if not counts:
        return {}
    states = CardState.objects.filter(user=user, question__in=questions.values("pk"))
    return _mastery(counts, _recall_by_lesson(states, now))


# Home ---------------------------------------------------------------------------------


@dataclass(slots=True)  # not frozen: built hundreds of times per page, and faster so
class LessonRef:
    """What a list of lessons shows of each: lighter than a Lesson instance (home lists
    every lesson of every document)."""

    pk: int
    heading: str


@dataclass(slots=True)  # not frozen: built hundreds of times per page, and faster so
class LessonRow:
    lesson: LessonRef
    mastery: Mastery
    finished: bool
    url: str


@dataclass
class DocumentRow:
    document: Document
    lessons: list[LessonRow]
    due_today: int = 0
    test_url: str = ""

    @property
    def completed(self) -> int:
        return sum(row.finished for row in self.lessons)

    @property
    def completed_label(self) -> str:
        """ "Lessons completed: 3 of 10" (made here, not in the template: the home page
        repeats it for every document, and the translation tags are slow)."""
        return _("Lessons completed: %(done)s of %(total)s") % {
            "done": self.completed,
            "total": len(self.lessons),
        }

    @property
    def due_label(self) -> str:
        if not self.due_today:
            return _("No cards due today")
        return ngettext(
            "%(count)s card due today", "%(count)s cards due today", self.due_today
        ) % {"count": self.due_today}

    @property
    def has_quiz(self) -> bool:
        """Whether a whole-document test has any question to ask."""
        return any(row.mastery.quiz_questions for row in self.lessons)


_URL_SLOT = 987654321


HOME_PAGE_SIZE = 8
"""Documents per home page: enough to see what is going on, few enough for a phone."""


@dataclass(slots=True)
class _CardFigures:
    """What the user's cards say, over every document they study (one grouped query)."""

    recall: dict[int, float] = field(default_factory=dict)
    """Lesson id -> sum of its cards' recall probability now."""
    due_today: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    """Document id -> cards due by the end of the local day."""
    studied: set[int] = field(default_factory=set)
    """Documents with at least one card reviewed."""
    due_now: int = 0
    next_due: datetime | None = None


def _card_figures(user: User, now: datetime, document_ids: list[int]) -> _CardFigures:
    """Each lesson's recall sum (:mod:`quizzes.recall`) and the due counts, summed by the
    database in one query over the user's cards in ``document_ids``. Cards of a quiz the
    student is still taking count towards mastery but not as due: the study page holds
    them back until the quiz is over."""
    # Usually none, at most a quiz's worth: a literal list keeps the grouped query simple.
    held_back = list(
        Answer.objects.filter(
            attempt__in=QuizAttempt.objects.owned_by(user).unfinished()
        ).values_list("question_id", flat=True)
    )
    end_of_today = day_start(local_today(now) + timedelta(days=1))
    waiting = ~Q(question_id__in=held_back) if held_back else Q()
    figures = _CardFigures()
    for document_id, lesson_id, recalled, today, overdue, later in (
        # The documents are visible to the user, so their published questions need no
        # second visibility check. (Filtering on documents, not on a list of lessons,
        # keeps the query small: building a query costs more than running it here.)
        CardState.objects.filter(
            user=user,
            question__status=QuestionStatus.PUBLISHED,
            question__lesson__archived_at__isnull=True,
            question__lesson__document__in=document_ids,
        )
        .order_by()
        .values("question__lesson__document_id", "question__lesson_id")
        .annotate(
            recalled=recall(now),
            today=Count("id", filter=waiting & Q(due__lt=end_of_today)),
            overdue=Count("id", filter=waiting & Q(due__lte=now)),
            later=Min("due", filter=waiting & Q(due__gt=now)),
        )
        .values_list(
            "question__lesson__document_id",
            "question__lesson_id",
            "recalled",
            "today",
            "overdue",
            "later",
        )
    ):
        figures.recall[lesson_id] = recalled
        figures.due_today[document_id] += today
        figures.studied.add(document_id)
        figures.due_now += overdue
        if later is not None and (figures.next_due is None or later < figures.next_due):
            figures.next_due = later
    return figures


def _lesson_rows(
    user: User, now: datetime, documents: list[Document], figures: _CardFigures
) -> list[DocumentRow]:
    """The documents with their active lessons in order: each lesson's published question
    counts, whether the user finished its quiz (one query), and its mastery."""
    lessons: dict[int, list[LessonRow]] = defaultdict(list)
    published = Q(questions__status=QuestionStatus.PUBLISHED)
    finished_quiz = QuizAttempt.objects.owned_by(user).filter(
        lesson=OuterRef("pk"), submitted_at__lte=now
    )
    # One reverse() for all rows: a student may have hundreds of lessons, and reversing
    # each costs more than the rest of its row.
    url_of = reverse("lesson_detail", args=[_URL_SLOT]).replace(str(_URL_SLOT), "{}").format
    test_url_of = reverse("document_test", args=[_URL_SLOT]).replace(str(_URL_SLOT), "{}").format
    for pk, document_id, heading, cards, quiz, done in (
        Lesson.objects.active()
        .filter(document__in=[document.pk for document in documents])
        .order_by("document_id", "position", "id")
        .annotate(
            cards=Count("questions", filter=published),
            quiz=Count("questions", filter=published & Q(questions__kind__in=QUIZ_KINDS)),
            done=Exists(finished_quiz),
        )
        .values_list("id", "document_id", "heading", "cards", "quiz", "done")
    ):
        mastery = (
            Mastery(cards=cards, recall=figures.recall.get(pk, 0.0) / cards, quiz_questions=quiz)
            if cards
            else NO_CARDS
        )
        lessons[document_id].append(
            LessonRow(
                lesson=LessonRef(pk=pk, heading=heading),
                mastery=mastery,
                finished=done,
                url=url_of(pk),
            )
        )
    return [
        DocumentRow(
            document=document,
            lessons=lessons[document.pk],
            due_today=figures.due_today.get(document.pk, 0),
            test_url=test_url_of(document.pk),
        )
        for document in documents
    ]


def document_rows(user: User, now: datetime) -> list[DocumentRow]:
    """Every document the user studies, in title order, each with its active lessons in
    order, their mastery, whether the user has finished their quiz, and the cards due
    today (three queries)."""
    documents = list(Document.objects.visible_to(user).only("id", "title"))
    figures = _card_figures(user, now, [document.pk for document in documents])
    return _lesson_rows(user, now, documents, figures)


@dataclass(frozen=True, slots=True)
class NextStep:
    """What the home page suggests first: reviews due, else a lesson, else nothing."""

    kind: str
    """One of ``REVIEW``, ``LESSON``, ``UP_TO_DATE``."""
    due: int = 0
    lesson: Lesson | None = None
    next_due: datetime | None = None

    REVIEW: ClassVar[str] = "review"
    LESSON: ClassVar[str] = "lesson"
    UP_TO_DATE: ClassVar[str] = "up_to_date"


@dataclass(frozen=True, slots=True)
class HomeSummary:
    documents: list[DocumentRow]
    next_step: NextStep
    page: int = 1
    pages: int = 1


def _next_lesson(user: User, now: datetime, document_ids: list[int]) -> Lesson | None:
    """The first lesson, in course order (document title, then position), that has quiz
    questions and whose quiz the user has not finished. Lessons without a quiz are
    skipped: nothing there could ever mark them done. One query."""
    return (
        Lesson.objects.active()
        .filter(document__in=document_ids)
        .filter(Exists(Question.objects.published().for_quizzes().filter(lesson=OuterRef("pk"))))
        .exclude(
            Exists(
                QuizAttempt.objects.owned_by(user).filter(
                    lesson=OuterRef("pk"), submitted_at__lte=now
                )
            )
        )
        .order_by("document__title", "document_id", "position", "id")
        .only("id", "heading")
        .first()
    )


def home_summary(user: User, now: datetime, *, page: int = 1) -> HomeSummary:
    """One page of the documents the user studies, and the next thing to do.

    Documents come in the order a student would pick them up: those with cards due today
    first, then those already started, then the rest, each group by title;
    :data:`HOME_PAGE_SIZE` to a page (``page`` is clamped to the pages there are). The
    due counts and the next step look at every document, not just this page.

    The next step is reviewing, when cards are due now (the count the study page starts
    with; a card due later today waits); otherwise the first lesson, in course order,
    whose quiz the user has not finished (see :func:`_next_lesson`); otherwise nothing,
    with the time the next card falls due. Four queries, five when the next step is a
    lesson.
    """
    documents = list(Document.objects.visible_to(user).only("id", "title"))
    ids = [document.pk for document in documents]
    figures = _card_figures(user, now, ids)
    documents.sort(
        key=lambda d: (not figures.due_today.get(d.pk), d.pk not in figures.studied)
    )  # stable: each group stays in title order
    pages = max(1, -(-len(documents) // HOME_PAGE_SIZE))
    page = min(max(page, 1), pages)
    shown = documents[(page - 1) * HOME_PAGE_SIZE : page * HOME_PAGE_SIZE]
    rows = _lesson_rows(user, now, shown, figures)
    if figures.due_now:
        step = NextStep(kind=NextStep.REVIEW, due=figures.due_now)
    elif (lesson := _next_lesson(user, now, ids)) is not None:
        step = NextStep(kind=NextStep.LESSON, lesson=lesson)
    else:
        step = NextStep(kind=NextStep.UP_TO_DATE, next_due=figures.next_due)
    return HomeSummary(rows, step, page=page, pages=pages)


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


def due_forecast(user: User, now: datetime, *, days: int = FORECAST_DAYS) -> list[DayCount]:
    """How many of the user's studyable cards fall due on each of the next ``days`` local
    days, today first; cards already overdue count today. Cards never reviewed (new
    cards) have no due date and are not counted."""
    today = local_today(now)
    by_day: dict[date, int] = defaultdict(int)
    for day, cards in (
        CardState.objects.filter(
            user=user,
            due__lt=day_start(today + timedelta(days=days)),
            question__in=Question.objects.studyable_by(user).values("pk"),
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
    return ProgressSummary(
        documents=document_rows(user, now),
        reviews=bar_chart(reviews_per_day(user, now, by_day=by_day)),
        forecast=bar_chart(due_forecast(user, now)),
        retention=retention(user, now),
        streak=streak(user, now, by_day=by_day),
        reviewed_today=bool(by_day.get(local_today(now))),
        attempts=attempt_history(user, now),
    )
