"""Item statistics in the teacher's admin: the question list's figures, sorting and the
"needs attention" filter, bulk retiring what it lists, the per-document pattern page,
scoping to the teacher's own questions, and fixed query counts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.admin import site
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quizzes.admin import statistics as statistics_admin
from quizzes.models import (
    Answer,
    Document,
    Feedback,
    Question,
    QuestionKind,
    QuestionOrigin,
    QuestionStatus,
    QuizAttempt,
)
from tests.quizzes.factories import QuestionFactory
from tests.quizzes.test_item_statistics import (
    class_results,
    lesson_of,
    questions_in,
    students,
    take,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:quizzes_question_changelist")
FLAGGED = {"easy", "hard", "backwards"}


def statistics_page(document: Document) -> str:
    return reverse("admin:quizzes_document_statistics", args=[document.pk])


def column(client, name: str) -> int:
    """The index of a column in the question list, as the list's ?o= sorting names it
    (counting the action checkbox)."""
    return list(client.get(CHANGELIST).context["cl"].list_display).index(name)


def change_url(question: Question) -> str:
    return reverse("admin:quizzes_question_change", args=[question.pk])


def link(question: Question) -> str:
    """The start of a link to the question (the list adds its filters after a "?")."""
    return f'href="{change_url(question)}'


def row(page: str, question: Question) -> str:
    """The question list's row of one question."""
    for found in re.findall(r"<tr[^>]*>.*?</tr>", page, re.DOTALL):
        if link(question) in found:
            return found
    raise AssertionError(f"no row for question {question.pk}")


def listed(page: str, items: dict[str, Question]) -> list[str]:
    """The names of the listed items, in the order the page lists them."""
    shown = [(page.index(link(q)), name) for name, q in items.items() if link(q) in page]
    return [name for _at, name in sorted(shown)]


@pytest.fixture
def items(teacher):
    """The SCORES items; a multiple-choice question students got wrong with "Alder" and a
    cloze one they got wrong with "Zephyr", answered with the good one in five more
    attempts; and a question nobody has answered yet."""
    items = class_results(teacher)
    lesson = items["easy"].lesson
    choice = QuestionFactory(
        lesson=lesson, kind=QuestionKind.MULTIPLE_CHOICE, prompt="Where?", answer="Port Wren"
    )
    typed = QuestionFactory(lesson=lesson, kind=QuestionKind.CLOZE, prompt="When _?")
    for n, picked in enumerate(["Alder", "Alder", "Alder", "Kestrel Bay", "Port Wren"]):
        take(
            students(1)[0],
            [
                (choice, float(picked == "Port Wren"), picked),
                (typed, float(n < 3), "autumn" if n < 3 else "Zephyr"),
                (items["good"], 1.0),
            ],
        )
    items["choice"], items["typed"] = choice, typed
    items["unanswered"] = QuestionFactory(lesson=lesson, prompt="Nobody answered?")
    return items


# The list's figures ---------------------------------------------------------------------


def test_the_question_list_shows_each_figure(teacher_client, items):
    page = teacher_client.get(CHANGELIST).content.decode()

    good = row(page, items["good"])
    assert ">35<" in good  # 30 attempts in class, 5 more beside the multiple-choice one
    assert "66%" in good  # 23 right of 35
    assert re.search(r">0\.\d\d<", good)
    assert "Alder" in row(page, items["choice"]) and "3 times" in row(page, items["choice"])
    assert "-0." in row(page, items["backwards"])
    unanswered = row(page, items["unanswered"])
    assert ">0<" in unanswered and "%" not in unanswered


def test_a_wrong_answer_is_shown_as_text_not_markup(teacher_client, teacher, student):
    [question, other] = questions_in(lesson_of(teacher), 2)
    take(student, [(question, 0.0, "<b>bold</b>"), (other, 1.0)])

    page = teacher_client.get(CHANGELIST).content.decode()

    assert "&lt;b&gt;bold&lt;/b&gt;" in row(page, question)
    assert "<b>bold</b>" not in page


def test_the_column_headers_explain_the_figures(teacher_client, items):
    page = teacher_client.get(CHANGELIST).content.decode()

    assert 'title="Share of those answers that were right. Flagged above 95% (too easy)' in page
    assert "as in Moodle&#x27;s quiz statistics" in page
    assert "at least 20 attempts" in page


@pytest.mark.parametrize(
    ("name", "ascending", "descending"),
    [
        (
            "item_facility",
            ["hard", "choice", "backwards", "good", "easy", "unanswered"],
            ["easy", "good", "backwards", "choice", "hard", "unanswered"],
        ),
        (
            "item_discrimination",
            ["backwards", "hard", "good", "unanswered"],
            ["good", "hard", "backwards", "unanswered"],
        ),
        ("item_attempts", ["unanswered", "choice", "easy"], ["good", "easy", "choice"]),
        ("item_most_wrong", ["choice", "typed", "good"], ["typed", "choice", "good"]),
    ],
)
def test_each_figure_sorts_with_the_empty_ones_last(
    teacher_client, items, name, ascending, descending
):
    index = column(teacher_client, name)
    wanted = {key: items[key] for key in {*ascending, *descending}}

    up = teacher_client.get(CHANGELIST, {"o": str(index), "all": ""}).content.decode()
    down = teacher_client.get(CHANGELIST, {"o": f"-{index}", "all": ""}).content.decode()

    assert [n for n in listed(up, wanted) if n in ascending] == ascending
    assert [n for n in listed(down, wanted) if n in descending] == descending


# Needs attention ----------------------------------------------------------------------


def test_the_needs_attention_filter_lists_the_flagged_questions(teacher_client, items):
    flagged = teacher_client.get(CHANGELIST, {"needs_attention": "yes"}).content.decode()
    fine = teacher_client.get(CHANGELIST, {"needs_attention": "no"}).content.decode()

    assert set(listed(flagged, items)) == FLAGGED
    assert set(listed(fine, items)) == set(items) - FLAGGED
    assert "needs attention" in teacher_client.get(CHANGELIST).content.decode()


def test_the_filter_holds_with_more_flagged_questions_than_it_passes_as_ids(
    teacher_client, items, monkeypatch
):
    monkeypatch.setattr(statistics_admin, "MAX_IDS", 2)

    flagged = teacher_client.get(CHANGELIST, {"needs_attention": "yes"}).content.decode()
    fine = teacher_client.get(CHANGELIST, {"needs_attention": "no"}).content.decode()

    assert set(listed(flagged, items)) == FLAGGED
    assert set(listed(fine, items)) == set(items) - FLAGGED


def test_retiring_all_the_filtered_questions_retires_only_those(teacher_client, items):
    response = teacher_client.post(
        f"{CHANGELIST}?needs_attention=yes",
        {
            "action": "retire_questions",
            "select_across": "1",
            "index": "0",
            "_selected_action": [items["easy"].pk],
        },
    )

    assert response.status_code == 302
    statuses = dict(Question.objects.values_list("prompt", "status"))
    assert {name for name, q in items.items() if statuses[q.prompt] == "retired"} == FLAGGED
    after = teacher_client.get(CHANGELIST, {"needs_attention": "yes"}).content.decode()
    assert listed(after, items) == []


def test_retiring_selected_rows_of_the_filtered_list(teacher_client, items):
    teacher_client.post(
        f"{CHANGELIST}?needs_attention=yes",
        {"action": "retire_questions", "_selected_action": [items["hard"].pk]},
    )

    assert Question.objects.get(pk=items["hard"].pk).status == QuestionStatus.RETIRED
    assert Question.objects.filter(status=QuestionStatus.RETIRED).count() == 1


# Scoping ---------------------------------------------------------------------------------


def test_another_teachers_questions_never_appear(teacher_client, teacher, other_teacher):
    mine = class_results(teacher)
    theirs = class_results(other_teacher, lesson_of(other_teacher, "Theirs"))

    for params in [
        {},
        {"needs_attention": "yes"},
        {"o": str(column(teacher_client, "item_facility"))},
    ]:
        page = teacher_client.get(CHANGELIST, params).content.decode()
        assert not any(link(q) in page for q in theirs.values())
    page = teacher_client.get(CHANGELIST, {"needs_attention": "yes"}).content.decode()
    assert {n for n in listed(page, mine)} == FLAGGED


def test_bulk_retire_cannot_reach_another_teachers_flagged_questions(
    teacher_client, teacher, other_teacher
):
    class_results(teacher)
    theirs = class_results(other_teacher, lesson_of(other_teacher, "Theirs"))

    teacher_client.post(
        f"{CHANGELIST}?needs_attention=yes",
        {
            "action": "retire_questions",
            "select_across": "1",
            "index": "0",
            "_selected_action": [theirs["easy"].pk],
        },
    )

    assert not Question.objects.filter(
        pk__in=[q.pk for q in theirs.values()], status=QuestionStatus.RETIRED
    ).exists()


def test_the_statistics_page_is_the_owners_alone(client, teacher, other_teacher, student):
    document = class_results(teacher)["easy"].lesson.document
    url = statistics_page(document)

    client.force_login(other_teacher)
    assert client.get(url).status_code == 404
    client.force_login(student)
    assert client.get(url).status_code == 302  # to the admin's log-in page
    client.force_login(teacher)
    assert client.get(url).status_code == 200
    assert client.get(reverse("admin:quizzes_document_statistics", args=["x1"])).status_code == 404


def test_a_superuser_may_read_any_documents_statistics(client, teacher, superuser):
    document = class_results(teacher)["easy"].lesson.document
    client.force_login(superuser)

    assert client.get(statistics_page(document)).status_code == 200


# The pattern page -----------------------------------------------------------------------------


@pytest.fixture
def patterned(teacher):
    """The SCORES items as generated questions: the flagged ones (and one unanswered) are
    cloze questions on a year, the others multiple-choice questions on a person."""
    items = class_results(teacher)
    for name, question in items.items():
        year = name in FLAGGED
        question.kind = QuestionKind.CLOZE if year else QuestionKind.MULTIPLE_CHOICE
        question.answer_type = "year" if year else "person"
        question.origin = QuestionOrigin.GENERATED
        question.save()
    items["quiet year"] = QuestionFactory(
        lesson=items["easy"].lesson, kind=QuestionKind.CLOZE, answer_type="year"
    )
    return items


def test_the_statistics_page_reports_each_pattern(teacher_client, patterned):
    document = patterned["easy"].lesson.document

    page = teacher_client.get(statistics_page(document)).content.decode()

    assert "3 published questions of this document need attention." in page
    year = re.search(r"<tr>\s*<td>Cloze</td>.*?</tr>", page, re.DOTALL).group(0)
    cells = re.findall(r"<td>(.*?)</td>", year, re.DOTALL)
    assert cells[1:3] == ["year", "4"]
    assert ">3</a>" in cells[3] and cells[4] == "75%"
    assert "Yes: review the pattern" in cells[5]
    person = re.search(r"<tr>\s*<td>Multiple choice</td>.*?</tr>", page, re.DOTALL).group(0)
    assert "<td>person</td>" in person and "<td>5</td>" in person and "<td>No</td>" in person
    assert page.index("Cloze") < page.index("Multiple choice")  # the worst first


def test_a_patterns_link_lists_its_flagged_questions(teacher_client, patterned):
    document = patterned["easy"].lesson.document
    page = teacher_client.get(statistics_page(document)).content.decode()
    link = re.search(r'<a href="([^"]*kind=cloze[^"]*)">3</a>', page).group(1)

    listing = teacher_client.get(link.replace("&amp;", "&"))

    assert listing.status_code == 200
    assert set(listed(listing.content.decode(), patterned)) == FLAGGED


def test_the_statistics_page_of_a_document_without_generated_questions(teacher_client, teacher):
    document = lesson_of(teacher).document

    page = teacher_client.get(statistics_page(document)).content.decode()

    assert "This document has no published generated questions." in page
    assert "No published question of this document needs attention." in page


def test_the_document_form_offers_a_link_to_the_statistics(teacher, rf: RequestFactory):
    document = lesson_of(teacher).document
    document_admin = site._registry[Document]
    request = rf.get("/")
    request.user = teacher

    assert "item_statistics_link" in document_admin.get_readonly_fields(request, document)
    assert statistics_page(document) in document_admin.item_statistics_link(document)


# Query counts ----------------------------------------------------------------------------------


def answered_course(teacher, title: str, count: int) -> Document:
    """``count`` published questions, each answered in three finished attempts."""
    lesson = lesson_of(teacher, title)
    questions = questions_in(lesson, count, kind=QuestionKind.CLOZE, answer_type="year")
    now = timezone.now()
    for n, student in enumerate(students(3)):
        attempt = QuizAttempt.objects.create(
            user=student,
            document=lesson.document,
            lesson=lesson,
            quiz_key=f"lesson:{lesson.pk}",
            feedback=Feedback.DEFERRED,
            seed=n,
            started_at=now - timedelta(minutes=5),
            submitted_at=now,
            score=count // (n + 1),
            max_score=count,
        )
        Answer.objects.bulk_create(
            Answer(
                attempt=attempt,
                question=q,
                position=i,
                response="" if i % (n + 1) == 0 else "1066",
                correct=i % (n + 1) == 0,
                score=float(i % (n + 1) == 0),
                answered_at=now,
            )
            for i, q in enumerate(questions)
        )
    Question.objects.filter(lesson=lesson).update(origin=QuestionOrigin.GENERATED)
    return lesson.document


def count_queries(client, url: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"needs_attention": "yes"},
        {"o": "-{facility}"},
        {"o": "{discrimination}", "needs_attention": "no"},
    ],
)
def test_the_question_list_runs_the_same_queries_for_2_and_200_questions(
    client, teacher, other_teacher, params
):
    answered_course(teacher, "Small", 2)
    answered_course(other_teacher, "Large", 200)
    client.force_login(teacher)
    params = {
        key: value.format(
            facility=column(client, "item_facility"),
            discrimination=column(client, "item_discrimination"),
        )
        for key, value in params.items()
    }
    small = count_queries(client, CHANGELIST, params)
    client.force_login(other_teacher)
    large = count_queries(client, CHANGELIST, params)

    assert small == large


def test_the_statistics_page_runs_the_same_queries_for_2_and_200_questions(
    client, teacher, other_teacher
):
    small = answered_course(teacher, "Small", 2)
    large = answered_course(other_teacher, "Large", 200)

    client.force_login(teacher)
    few = count_queries(client, statistics_page(small))
    client.force_login(other_teacher)
    many = count_queries(client, statistics_page(large))

    assert few == many


@pytest.mark.parametrize("model", ["question", "lesson"])
def test_the_lists_show_counts_with_a_document_and_lesson_chosen(teacher_client, items, model):
    """The admin's "Show counts" (facets) hands the filters the ids of their own lookups."""
    lesson = items["easy"].lesson
    query = f"_facets=1&document={lesson.document_id}"
    if model == "question":
        query += f"&lesson={lesson.pk}"
    response = teacher_client.get(f"{reverse(f'admin:quizzes_{model}_changelist')}?{query}")
    assert response.status_code == 200
    assert lesson.document.title in response.content.decode()
