"""Item statistics: attempts, facility, discrimination and the most chosen wrong answer
as the database computes them, held to a plain Python computation; the "needs
attention" rule; and the pattern summary (pure, no database)."""

from __future__ import annotations

import itertools
import statistics
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from quizzes.item_stats import (
    Pattern,
    document_report,
    needs_attention,
    summarise_patterns,
    with_item_statistics,
)
from quizzes.models import (
    Answer,
    Document,
    Feedback,
    Lesson,
    Question,
    QuestionKind,
    QuestionOrigin,
    QuestionStatus,
    QuizAttempt,
)
from tests.quizzes.factories import QuestionFactory

_keys = itertools.count()


# Builders (the admin tests use them too) ------------------------------------------------


def lesson_of(owner: User, title: str = "Tides") -> Lesson:
    document = Document.objects.create(
        owner=owner, title=title, source_text=title, checksum="0" * 64, open_to_all=True
    )
    return Lesson.objects.create(
        document=document, position=1, heading=f"{title}: one", body="Body.", content_hash="0"
    )


def questions_in(lesson: Lesson, count: int, **fields: object) -> list[Question]:
    return [QuestionFactory(lesson=lesson, position=n, **fields) for n in range(count)]


def take(
    student: User,
    answers: list[tuple[Question, float | None] | tuple[Question, float | None, str]],
    *,
    finished: bool = True,
) -> QuizAttempt:
    """One attempt at the questions with these scores (None: left unanswered, scoring 0),
    each with an optional response; scored as finish_attempt scores it."""
    first = answers[0][0]
    now = timezone.now()
    attempt = QuizAttempt.objects.create(
        user=student,
        document=first.lesson.document,
        lesson=first.lesson,
        quiz_key=f"test:{next(_keys)}",
        feedback=Feedback.IMMEDIATE,
        seed=1,
        started_at=now - timedelta(minutes=10),
        submitted_at=now if finished else None,
        score=sum(item[1] or 0.0 for item in answers),
        max_score=len(answers),
    )
    Answer.objects.bulk_create(
        Answer(
            attempt=attempt,
            question=item[0],
            position=position,
            response=item[2] if len(item) > 2 else "",
            correct=None if item[1] is None else item[1] == 1,
            score=item[1],
            answered_at=None if item[1] is None else now,
        )
        for position, item in enumerate(answers, start=1)
    )
    return attempt


def students(count: int) -> list[User]:
    return [User.objects.create_user(username=f"pupil{next(_keys)}") for _n in range(count)]


SCORES = {
    # Each item's score in 30 attempts, from the weakest student's to the strongest's.
    "easy": [1] * 30,
    "hard": [0] * 27 + [1] * 3,
    "good": [0] * 12 + [1] * 18,
    "backwards": [1] * 15 + [0] * 15,
    **{f"steady {n}": [0] * (5 * n) + [1] * (30 - 5 * n) for n in range(1, 5)},
}
"""One item everyone gets right, one almost nobody does, one the stronger students get
right, one only the weaker students get right (negative discrimination), and four steady
ones the stronger students get right more often, so that the rest of the quiz measures
how strong a student is."""


def class_results(teacher: User, lesson: Lesson | None = None) -> dict[str, Question]:
    """The four SCORES items answered in 30 finished attempts of one lesson's quiz."""
    lesson = lesson or lesson_of(teacher)
    items = {name: QuestionFactory(lesson=lesson, prompt=f"The {name} one?") for name in SCORES}
    pupils = students(6)
    for n in range(30):
        take(pupils[n % 6], [(items[name], SCORES[name][n]) for name in SCORES])
    return items


# Reference: the same figures from the rows, in plain Python ---------------------------


def reference(question: Question) -> dict[str, object]:
    rows = list(
        Answer.objects.filter(
            question=question, answered_at__isnull=False, attempt__submitted_at__isnull=False
        ).values_list("score", "attempt__score", "attempt__max_score")
    )
    pairs = [(x, (total - x) / (top - 1)) for x, total, top in rows if top > 1]
    try:
        discrimination = statistics.correlation(*zip(*pairs, strict=True))
    except (statistics.StatisticsError, ValueError):  # too few, or constant
        discrimination = None
    return {
        "attempts": len(rows),
        "facility": statistics.fmean(x for x, _t, _m in rows) if rows else None,
        "discrimination": discrimination,
    }


def figures(question: Question) -> Question:
    return with_item_statistics(Question.objects.filter(pk=question.pk)).get()


# The figures ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_figure_is_the_plain_python_figure(teacher):
    items = class_results(teacher)
    # A longer test of the same document mixes in: the rest is scaled by its own length.
    others = questions_in(items["easy"].lesson, 6)
    for n, student in enumerate(students(4)):
        take(student, [(items["good"], n % 2), *((q, (n + i) % 2) for i, q in enumerate(others))])

    for question in items.values():
        got, want = figures(question), reference(question)
        assert got.attempts == want["attempts"]
        assert got.facility == pytest.approx(want["facility"])
        if want["discrimination"] is None:
            assert got.discrimination is None
        else:
            assert got.discrimination == pytest.approx(want["discrimination"], abs=1e-9)


@pytest.mark.django_db
def test_the_figures_say_which_item_is_easy_hard_or_backwards(teacher):
    items = class_results(teacher)

    easy, hard, good, backwards = (figures(items[name]) for name in list(SCORES)[:4])

    assert (easy.attempts, easy.facility, easy.discrimination) == (30, 1.0, None)
    assert hard.facility == pytest.approx(0.1)
    assert good.facility == pytest.approx(0.6)
    assert good.discrimination > 0.5
    assert backwards.discrimination < -0.5


@pytest.mark.django_db
def test_only_answered_answers_of_finished_attempts_count(teacher, student):
    one, two, three = questions_in(lesson_of(teacher), 3)
    take(student, [(one, 1), (two, 0), (three, None)])  # three left unanswered
    take(student, [(one, 0), (two, 0), (three, 1)], finished=False)  # still running

    assert [figures(q).attempts for q in (one, two, three)] == [1, 1, 0]
    assert figures(one).facility == 1.0
    assert figures(three).facility is None


@pytest.mark.django_db
def test_discrimination_is_empty_when_it_cannot_be_measured(teacher, student):
    lonely, alone, steady, other = questions_in(lesson_of(teacher), 4)
    take(student, [(lonely, 1), (other, 0)])  # one answer
    take(student, [(alone, 1)])  # a quiz of one question has no rest
    take(student, [(alone, 0)])
    for n in range(5):  # the rest of the quiz always the same
        take(student, [(steady, n % 2), (other, 1)])

    assert figures(lonely).discrimination is None
    assert figures(alone).attempts == 2 and figures(alone).discrimination is None
    assert figures(steady).attempts == 5 and figures(steady).discrimination is None


@pytest.mark.django_db
def test_the_most_chosen_wrong_answer_is_the_commonest_wrong_response(teacher, student):
    lesson = lesson_of(teacher)
    choice = QuestionFactory(lesson=lesson, kind=QuestionKind.MULTIPLE_CHOICE, answer="Port Wren")
    typed = QuestionFactory(lesson=lesson, kind=QuestionKind.CLOZE, answer="autumn")
    right = QuestionFactory(lesson=lesson, kind=QuestionKind.SHORT_ANSWER, answer="Alder")
    responses = [
        ("Alder", "spring", "Alder"),
        ("Alder", "winter", "Alder"),
        ("Kestrel Bay", "spring", "Alder"),
        ("Kestrel Bay", "winter", "Alder"),
        ("Alder", "autumn", "Alder"),
        ("Port Wren", "autumn", "Alder"),
        ("Port Wren", "autumn", "Alder"),
        ("Port Wren", "autumn", "Alder"),
    ]
    for picked, word, place in responses:
        take(
            student,
            [
                (choice, float(picked == "Port Wren"), picked),
                (typed, float(word == "autumn"), word),
                (right, 1.0, place),
            ],
        )

    assert (figures(choice).most_wrong, figures(choice).most_wrong_times) == ("Alder", 3)
    # A tie goes to the alphabetically first: "spring" and "winter" were both given twice.
    assert (figures(typed).most_wrong, figures(typed).most_wrong_times) == ("spring", 2)
    assert (figures(right).most_wrong, figures(right).most_wrong_times) == (None, None)


@pytest.mark.django_db
def test_questions_without_answers_have_no_figures(teacher):
    [question] = questions_in(lesson_of(teacher), 1)

    got = figures(question)

    assert (got.attempts, got.facility, got.discrimination, got.most_wrong) == (
        0,
        None,
        None,
        None,
    )


@pytest.mark.django_db
def test_annotating_twice_changes_nothing(teacher):
    items = class_results(teacher)
    once = with_item_statistics(Question.objects.filter(pk=items["good"].pk))

    assert with_item_statistics(once).get().attempts == 30


# Needs attention --------------------------------------------------------------------------


def flagged(queryset=None) -> set[str]:
    queryset = Question.objects.all() if queryset is None else queryset
    return set(queryset.filter(needs_attention()).values_list("prompt", flat=True))


@pytest.mark.django_db
def test_too_easy_too_hard_and_backwards_questions_need_attention(teacher):
    class_results(teacher)

    assert flagged() == {"The easy one?", "The hard one?", "The backwards one?"}
    assert "The good one?" in Question.objects.exclude(needs_attention()).values_list(
        "prompt", flat=True
    )


@pytest.mark.django_db
def test_fewer_than_twenty_attempts_are_not_enough_to_flag(teacher, student):
    lesson = lesson_of(teacher)
    items = {name: QuestionFactory(lesson=lesson, prompt=name) for name in SCORES}
    for n in range(19):
        take(student, [(items[name], SCORES[name][n]) for name in SCORES])

    assert flagged() == set()


@pytest.mark.django_db
def test_only_published_questions_need_attention(teacher):
    items = class_results(teacher)
    Question.objects.filter(pk=items["easy"].pk).update(status=QuestionStatus.RETIRED)
    Question.objects.filter(pk=items["hard"].pk).update(status=QuestionStatus.DRAFT)

    assert flagged() == {"The backwards one?"}
    assert figures(items["easy"]).attempts == 30  # a retired question keeps its history


@pytest.mark.parametrize(
    ("facility_scores", "is_flagged"),
    [
        ([1] * 19 + [0], False),  # 0.95 exactly is not above 0.95
        ([1] * 39 + [0], True),  # 0.975
        ([1] * 4 + [0] * 16, False),  # 0.2 exactly is not below 0.2
        ([1] * 3 + [0] * 17, True),  # 0.15
    ],
)
@pytest.mark.django_db
def test_the_facility_bounds_are_strict(teacher, student, facility_scores, is_flagged):
    lesson = lesson_of(teacher)
    item, anchor = QuestionFactory(lesson=lesson, prompt="item"), QuestionFactory(lesson=lesson)
    # The rest rises with the item, so discrimination is positive and only facility counts.
    for score in facility_scores:
        take(student, [(item, score), (anchor, score)])

    assert figures(item).discrimination in (None, pytest.approx(1.0))
    assert ("item" in flagged()) is is_flagged


# Patterns -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("published", "flagged_now", "keeps"),
    [
        (1, 1, False),  # one question is not a pattern
        (2, 2, True),
        (4, 2, True),  # half
        (5, 2, False),  # less than half
        (10, 6, True),
        (3, 0, False),
    ],
)
def test_a_pattern_keeps_being_flagged_with_two_and_half_of_its_questions(
    published, flagged_now, keeps
):
    pattern = Pattern(kind="cloze", answer_type="year", published=published, flagged=flagged_now)

    assert pattern.keeps_being_flagged is keeps


def test_patterns_are_counted_and_the_worst_come_first():
    rows = [
        ("cloze", "year", True),
        ("cloze", "year", True),
        ("cloze", "year", False),
        ("cloze", "person", False),
        ("multiple_choice", "place", True),
        ("multiple_choice", "place", False),
        ("multiple_choice", "place", False),
        ("true_false", "", True),
    ]

    patterns = summarise_patterns(rows)

    assert [(p.kind, p.answer_type, p.published, p.flagged) for p in patterns] == [
        ("cloze", "year", 3, 2),  # keeps being flagged
        ("true_false", "", 1, 1),  # all flagged, but only one
        ("multiple_choice", "place", 3, 1),
        ("cloze", "person", 1, 0),
    ]
    assert patterns[0].share_flagged == pytest.approx(2 / 3)


@pytest.mark.django_db
def test_a_documents_report_counts_its_flagged_and_patterned_questions(teacher, other_teacher):
    lesson = lesson_of(teacher)
    items = class_results(teacher, lesson)
    Question.objects.filter(pk__in=[q.pk for q in items.values()]).update(
        kind=QuestionKind.CLOZE, answer_type="year", origin=QuestionOrigin.GENERATED
    )
    steady = [q.pk for name, q in items.items() if name == "good" or name.startswith("steady")]
    Question.objects.filter(pk__in=steady).update(answer_type="person")
    QuestionFactory(lesson=lesson, kind=QuestionKind.CLOZE, answer_type="year")  # no answers
    QuestionFactory(lesson=lesson, answer_type="year", status=QuestionStatus.DRAFT)
    QuestionFactory(lesson=lesson, answer_type="year", origin=QuestionOrigin.AUTHORED)
    class_results(other_teacher, lesson_of(other_teacher, "Theirs"))

    report = document_report(lesson.document)

    assert report.flagged == 3  # the authored one has no answers
    patterns = report.patterns
    assert [(p.kind, p.answer_type, p.published, p.flagged) for p in patterns] == [
        (QuestionKind.CLOZE, "year", 4, 3),
        (QuestionKind.CLOZE, "person", 5, 0),
    ]
    assert patterns[0].keeps_being_flagged
