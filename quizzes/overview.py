"""The student's overview of what they study: each lesson's mastery, the cards due in
each document, and the one thing to do next (the home page). Reads only.

Mastery of a lesson is the mean, over its published questions (its cards), of the
probability that the student recalls the card now (FSRS's forgetting curve); a card
never reviewed counts 0. The database sums the curve per lesson (:mod:`quizzes.recall`),
so a student with hundreds of lessons costs the same few queries as one with two.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import ClassVar

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from quizzes.days import day_start, local_today
from quizzes.models import (
    QUIZ_KINDS,
    Answer,
    CardState,
    Document,
    Lesson,
    Question,
    QuestionStatus,
    QuizAttempt,
)
from quizzes.recall import recall

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


def lesson_mastery(user: User, lesson: Lesson, now: datetime) -> Mastery:
    """Mastery of one lesson the user may study (the caller has checked that it is
    visible to them): :data:`NO_CARDS` when it has no published questions. Two queries,
    without the visibility subqueries :func:`mastery_by_lesson` builds."""
    published = Question.objects.published().filter(lesson=lesson)
    counts = _question_counts(published)
    if lesson.pk not in counts:
        return NO_CARDS
    states = CardState.objects.filter(
        user=user, question__lesson=lesson, question__status=QuestionStatus.PUBLISHED
    )
    return _mastery(counts, _recall_by_lesson(states, now))[lesson.pk]


def neighbours(lesson: Lesson) -> tuple[LessonRef | None, LessonRef | None]:
    """The active lessons just before and just after ``lesson`` in its document, by
    position (either may be None). One query: a document's lessons are few enough to
    read all their headings."""
    previous = following = None
    for pk, heading, position in (
        Lesson.objects.active()
        .filter(document=lesson.document_id)
        .exclude(position=lesson.position)
        .order_by("position", "id")
        .values_list("id", "heading", "position")
    ):
        if position < lesson.position:
            previous = LessonRef(pk=pk, heading=heading)
        elif following is None:
            following = LessonRef(pk=pk, heading=heading)
    return previous, following


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
    # A subquery, not a query of its own: on PostgreSQL a round trip costs more than
    # the subquery, which the database reads once per statement.
    held_back = Answer.objects.filter(
        attempt__in=QuizAttempt.objects.owned_by(user).unfinished()
    ).values("question_id")
    end_of_today = day_start(local_today(now) + timedelta(days=1))
    waiting = ~Q(question_id__in=held_back)
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


def studied_documents(user: User) -> list[Document]:
    """The documents the user may study, in title order, with their id and title only.
    One query."""
    return list(Document.objects.visible_to(user).only("id", "title"))


def document_rows(
    user: User, now: datetime, documents: list[Document] | None = None
) -> list[DocumentRow]:
    """Every document the user studies (``documents``, when the caller has read them with
    :func:`studied_documents`), in title order, each with its active lessons in order,
    their mastery, whether the user has finished their quiz, and the cards due today
    (three queries, two when given the documents)."""
    documents = studied_documents(user) if documents is None else documents
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
    with the time the next card falls due. Three queries, four when the next step is a
    lesson.
    """
    documents = studied_documents(user)
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
