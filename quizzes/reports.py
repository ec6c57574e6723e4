"""A teacher's report on one class: each student's progress, each lesson's mastery across
the class, and the leeches (cards a student keeps forgetting). Reads only.

The figures mean what they mean on the student's own pages, so that teacher and student
read the same numbers: a lesson is completed once its quiz was finished (the home page's
rule, :mod:`quizzes.overview`), and mastery is the mean FSRS recall of a lesson's cards, a
card never studied counting 0 (:mod:`quizzes.recall`, summed by the database). Every
figure is grouped by the database, so a class of 500 students costs the same few queries
as a class of 5.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from django.db.models import Avg, Count, F, FloatField, Max, Q, QuerySet
from django.db.models.functions import Cast

from quizzes.models import (
    CardState,
    Classroom,
    Lesson,
    Membership,
    Question,
    QuestionStatus,
    QuizAttempt,
)
from quizzes.recall import recall

LEECH_LAPSES = 8
"""A card forgotten this many times after it was learnt is a leech: more reviews will not
fix it, a teacher (a better question, a word with the student) might."""


# Scope ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClassScope:
    """What a report covers: a class, its documents and (as a subquery) its students."""

    classroom: Classroom
    documents: list[tuple[int, str]]
    """(id, title) of the class's documents, by title."""

    @property
    def document_ids(self) -> list[int]:
        return [pk for pk, _title in self.documents]

    def student_ids(self) -> QuerySet[Membership]:
        """The class's students as a subquery: filtering on it costs no extra query,
        however many students there are."""
        return Membership.objects.filter(classroom=self.classroom).values("student_id")


def class_scope(classroom: Classroom) -> ClassScope:
    """The class and its documents (one query)."""
    documents = list(classroom.documents.order_by("title", "id").values_list("id", "title"))
    return ClassScope(classroom=classroom, documents=documents)


def _class_cards(scope: ClassScope) -> QuerySet[CardState]:
    """The class's students' cards on published questions of the class documents' active
    lessons: what a student studies (the home page's definition of a card)."""
    return CardState.objects.filter(
        user__in=scope.student_ids(),
        question__status=QuestionStatus.PUBLISHED,
        question__lesson__archived_at__isnull=True,
        question__lesson__document__in=scope.document_ids,
    )


def _completes_a_lesson(now: datetime) -> Q:
    """A finished quiz on an active lesson: one completes the lesson for its student (the
    home page's rule). A document test is no lesson's quiz."""
    return Q(lesson__isnull=False, lesson__archived_at__isnull=True, submitted_at__lte=now)


def _class_attempts(scope: ClassScope) -> QuerySet[QuizAttempt]:
    """The class's students' quizzes and tests on the class documents."""
    return QuizAttempt.objects.filter(
        user__in=scope.student_ids(), document__in=scope.document_ids
    )


# Cards ---------------------------------------------------------------------------------


@dataclass(slots=True)
class CardFigures:
    """One pass over the class's card states, shared by the student and lesson tables."""

    by_student: dict[int, tuple[int, datetime | None]]
    """Student id -> (cards due now, latest review of any card of the class documents)."""
    recall_by_lesson: dict[int, float]
    """Active lesson id -> the sum of the class's recall of its cards."""
    cards_per_lesson: Counter[int]
    """Active lesson id -> its cards (published questions)."""


LITERAL_CARDS = 5_000
"""Up to this many questions, the card query names them in a literal list (see
:func:`card_figures`); beyond, in a subquery (SQLite caps a query's parameters)."""


def card_figures(scope: ClassScope, now: datetime, *, lessons: bool = True) -> CardFigures:
    """The class's card states, by student and by lesson (three queries: the questions,
    the states by student, the recall by lesson unless ``lessons`` is false).

    A card (published, on an active lesson) counts towards due and mastery; a review of
    any question of the class documents counts as activity. The questions are read first
    and named in the state queries as lists: SQLite then walks each student's states by
    the user-and-question index rather than each question's students, and the student
    query needs no join at all.
    """
    if not scope.documents:
        return CardFigures(by_student={}, recall_by_lesson={}, cards_per_lesson=Counter())
    questions = Question.objects.filter(lesson__document__in=scope.document_ids)
    rows = list(questions.values_list("id", "lesson_id", "status", "lesson__archived_at"))
    card_lessons = {
        pk: lesson_id
        for pk, lesson_id, status, archived in rows
        if status == QuestionStatus.PUBLISHED and archived is None
    }
    if len(rows) <= LITERAL_CARDS:
        every: Any = [pk for pk, *_rest in rows]
        cards: Any = list(card_lessons)
    else:
        every = questions.values("pk")
        cards = questions.filter(
            status=QuestionStatus.PUBLISHED, lesson__archived_at__isnull=True
        ).values("pk")
    states = CardState.objects.filter(user__in=scope.student_ids()).order_by()
    by_student = {
        student: (due, reviewed)
        for student, due, reviewed in states.filter(question__in=every)
        .values("user_id")
        .annotate(
            due=Count("id", filter=Q(due__lte=now, question__in=cards)),
            reviewed=Max("last_review"),
        )
        .values_list("user_id", "due", "reviewed")
    }
    recall_by_lesson = (
        {}
        if not lessons
        else dict(
            states.filter(question__in=cards)
            .values("question__lesson_id")
            .annotate(recall=recall(now))
            .values_list("question__lesson_id", "recall")
        )
    )
    return CardFigures(
        by_student=by_student,
        recall_by_lesson=recall_by_lesson,
        cards_per_lesson=Counter(card_lessons.values()),
    )


# Students ------------------------------------------------------------------------------


@dataclass(slots=True)  # not frozen: hundreds are built per report, and faster so
class StudentFigures:
    pk: int
    username: str
    name: str
    """The full name, or the username when the student gave none."""
    email: str
    completed: int = 0
    """Active lessons of the class documents whose quiz the student finished."""
    quiz_average: float | None = None
    """Mean share of the marks (0..100) over the student's finished quizzes and tests on
    the class documents; None before the first."""
    due: int = 0
    """Cards due now."""
    last_active: datetime | None = None
    """The latest review, quiz start or quiz submission on the class documents."""

    @property
    def quiz_percent(self) -> int | None:
        return None if self.quiz_average is None else round(self.quiz_average)


def _display_name(username: str, first: str, last: str) -> str:
    return f"{first} {last}".strip() or username


def student_figures(
    scope: ClassScope, now: datetime, *, cards: CardFigures | None = None
) -> list[StudentFigures]:
    """Every student of the class with their figures, by name (three queries: the
    students, their quizzes, and their cards unless ``cards`` already holds them).

    Last active reads the card states' last review rather than the review logs: a card
    state is the fold of its logs, so its last review is their latest, and there are
    many fewer card states than logs to scan.
    """
    students = {
        pk: StudentFigures(
            pk=pk, username=username, name=_display_name(username, first, last), email=email
        )
        for pk, username, first, last, email in Membership.objects.filter(
            classroom=scope.classroom
        )
        .order_by()
        .values_list(
            "student_id",
            "student__username",
            "student__first_name",
            "student__last_name",
            "student__email",
        )
    }
    if not students or not scope.documents:
        return _by_name(students.values())

    share = Cast("score", FloatField()) * 100.0 / F("max_score")
    for pk, average, completed, started, submitted in (
        _class_attempts(scope)
        .order_by()
        .values("user_id")
        .annotate(
            average=Avg(share, filter=Q(submitted_at__isnull=False, max_score__gt=0)),
            completed=Count("lesson_id", distinct=True, filter=_completes_a_lesson(now)),
            started=Max("started_at"),
            submitted=Max("submitted_at"),
        )
        .values_list("user_id", "average", "completed", "started", "submitted")
    ):
        row = students[pk]
        row.quiz_average = average
        row.completed = completed
        row.last_active = _latest(started, submitted)

    cards = cards if cards is not None else card_figures(scope, now, lessons=False)
    for pk, (due, reviewed) in cards.by_student.items():
        row = students[pk]
        row.due = due
        row.last_active = _latest(row.last_active, reviewed)
    return _by_name(students.values())


def _latest(*moments: datetime | None) -> datetime | None:
    present = [moment for moment in moments if moment is not None]
    return max(present) if present else None


def _by_name(rows: Iterable[StudentFigures]) -> list[StudentFigures]:
    return sorted(rows, key=lambda row: (row.name.casefold(), row.username.casefold(), row.pk))


# Lessons -------------------------------------------------------------------------------


@dataclass(slots=True)
class LessonFigures:
    pk: int
    order: int
    """The lesson's place in the course: document title, then position."""
    document_title: str
    heading: str
    position: int
    cards: int
    """Published questions: the lesson's cards."""
    mastery: float | None
    """Mean recall (0..1) over the class's students and the lesson's cards, a card never
    studied counting 0; None for a lesson without cards or a class without students."""
    completed_by: int
    """Students of the class who finished the lesson's quiz."""

    @property
    def mastery_percent(self) -> int | None:
        return None if self.mastery is None else round(self.mastery * 100)


def lesson_figures(
    scope: ClassScope, now: datetime, *, students: int, cards: CardFigures | None = None
) -> list[LessonFigures]:
    """The active lessons of the class documents in course order (document title, then
    position), each with its mastery across the class's ``students`` students and how
    many of them completed it (two queries, and :func:`card_figures` unless ``cards``
    holds it).

    A lesson's mastery is the home page's, averaged over the students: the sum of every
    student's recall of the lesson's cards over cards x students.
    """
    if not scope.documents:
        return []
    lessons = list(
        Lesson.objects.active()
        .filter(document__in=scope.document_ids)
        .order_by("document__title", "document_id", "position", "id")
        .values_list("id", "document__title", "heading", "position")
    )
    cards = cards if cards is not None else card_figures(scope, now)
    per_lesson, recall = cards.cards_per_lesson, cards.recall_by_lesson
    completed = dict(
        _class_attempts(scope)
        .filter(_completes_a_lesson(now))
        .order_by()
        .values("lesson_id")
        .annotate(students=Count("user_id", distinct=True))
        .values_list("lesson_id", "students")
    )
    return [
        LessonFigures(
            pk=pk,
            order=order,
            document_title=title,
            heading=heading,
            position=position,
            cards=per_lesson[pk],
            mastery=(
                recall.get(pk, 0.0) / (per_lesson[pk] * students)
                if per_lesson[pk] and students
                else None
            ),
            completed_by=completed.get(pk, 0),
        )
        for order, (pk, title, heading, position) in enumerate(lessons)
    ]


# Leeches -------------------------------------------------------------------------------


@dataclass(slots=True)
class Leech:
    student: str
    username: str
    question_id: int
    prompt: str
    lapses: int
    lesson: str
    document_title: str


def leeches(scope: ClassScope) -> list[Leech]:
    """The class's students' cards with :data:`LEECH_LAPSES` lapses or more, most lapses
    first (one query)."""
    if not scope.documents:
        return []
    return [
        Leech(
            student=_display_name(username, first, last),
            username=username,
            question_id=question_id,
            prompt=prompt,
            lapses=lapses,
            lesson=lesson,
            document_title=title,
        )
        for username, first, last, question_id, prompt, lapses, lesson, title in _class_cards(
            scope
        )
        .filter(lapses__gte=LEECH_LAPSES)
        .order_by("-lapses", "user__username", "question__lesson__position", "question_id")
        .values_list(
            "user__username",
            "user__first_name",
            "user__last_name",
            "question_id",
            "question__prompt",
            "lapses",
            "question__lesson__heading",
            "question__lesson__document__title",
        )
    ]


# The whole report ----------------------------------------------------------------------


@dataclass
class ClassReport:
    scope: ClassScope
    students: list[StudentFigures]
    lessons: list[LessonFigures]
    leeches: list[Leech] = field(default_factory=list)

    @property
    def classroom(self) -> Classroom:
        return self.scope.classroom


def class_report(classroom: Classroom, now: datetime) -> ClassReport:
    """Students, lessons and leeches of one class: nine queries, whatever its size."""
    scope = class_scope(classroom)
    cards = card_figures(scope, now)
    students = student_figures(scope, now, cards=cards)
    return ClassReport(
        scope=scope,
        students=students,
        lessons=lesson_figures(scope, now, students=len(students), cards=cards),
        leeches=leeches(scope),
    )


# Sorting -------------------------------------------------------------------------------

Row = TypeVar("Row")

STUDENT_SORTS: dict[str, Callable[[StudentFigures], Any]] = {
    "name": lambda row: (row.name.casefold(), row.username.casefold()),
    "completed": lambda row: row.completed,
    "average": lambda row: row.quiz_average,
    "due": lambda row: row.due,
    "active": lambda row: row.last_active,
}
LESSON_SORTS: dict[str, Callable[[LessonFigures], Any]] = {
    "course": lambda row: row.order,
    "mastery": lambda row: row.mastery,
    "completed": lambda row: row.completed_by,
}


class UnknownSort(ValueError):
    """A sort that names no column."""


def sort_rows(rows: Sequence[Row], sorts: dict[str, Callable[[Row], Any]], sort: str) -> list[Row]:
    """``rows`` sorted by the column ``sort`` names, descending when it starts with "-".
    Rows without a value (no quiz yet, never active) come last either way; ties keep the
    order ``rows`` came in. Raises :class:`UnknownSort` for a column not in ``sorts``."""
    descending = sort.startswith("-")
    key = sorts.get(sort.removeprefix("-"))
    if key is None:
        raise UnknownSort(sort)
    present = [row for row in rows if key(row) is not None]
    missing = [row for row in rows if key(row) is None]
    return sorted(present, key=key, reverse=descending) + missing
