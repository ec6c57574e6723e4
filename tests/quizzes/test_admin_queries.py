"""Every admin list and form a teacher opens runs the same number of queries whether the
document has a handful of lessons and questions or many: no query per row."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizzes.models import Choice, Question, QuestionKind
from tests.quizzes.course import build_course

pytestmark = pytest.mark.django_db

SMALL = {"lessons": 2, "extra_questions": 0}
"""2 lessons of 7 questions (14), a multiple-choice question with 8 options."""

LARGE = {"lessons": 30, "extra_questions": 3}
"""30 lessons of 10 questions (300), a multiple-choice question with 64 options."""


def count_queries(client, url: str, params: dict | None = None) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    return len(queries), response.content.decode()


def course_of(teacher, size: dict, title: str):
    """A course whose multiple-choice questions have their choices, and a question with
    many choices: the largest inline the question form shows."""
    course = build_course(teacher, title=title, open_to_all=False, **size)
    busy = course.questions[course.lessons[0].pk][QuestionKind.MULTIPLE_CHOICE]
    Choice.objects.bulk_create(
        Choice(question=busy, text=f"Option {n}", position=10 + n)
        for n in range(size["lessons"] * 2)
    )
    return course


PAGES = [
    "document list",
    "document change",
    "document add",
    "lesson list",
    "lesson list of a document",
    "lesson change",
    "question list",
    "question list of a document",
    "question list of a lesson",
    "question change",
    "question add",
]


def grow(teacher, other_teacher):
    """A large course for the teacher, and another teacher's large course that the pages
    must not show (it would cost queries, or leak, if they did)."""
    large = course_of(teacher, LARGE, "Large")
    course_of(other_teacher, LARGE, "Theirs")
    return large


def pages(course) -> dict[str, tuple[str, dict]]:
    """Each page of the admin a teacher uses, for one course."""
    lesson = course.lessons[0]
    question = course.questions[lesson.pk][QuestionKind.MULTIPLE_CHOICE]
    return {
        "document list": (reverse("admin:quizzes_document_changelist"), {}),
        "document change": (
            reverse("admin:quizzes_document_change", args=[course.document.pk]),
            {},
        ),
        "document add": (reverse("admin:quizzes_document_add"), {}),
        "lesson list": (reverse("admin:quizzes_lesson_changelist"), {}),
        "lesson list of a document": (
            reverse("admin:quizzes_lesson_changelist"),
            {"document": course.document.pk},
        ),
        "lesson change": (reverse("admin:quizzes_lesson_change", args=[lesson.pk]), {}),
        "question list": (reverse("admin:quizzes_question_changelist"), {}),
        "question list of a document": (
            reverse("admin:quizzes_question_changelist"),
            {"document": course.document.pk},
        ),
        "question list of a lesson": (
            reverse("admin:quizzes_question_changelist"),
            {"lesson": lesson.pk},
        ),
        "question change": (reverse("admin:quizzes_question_change", args=[question.pk]), {}),
        "question add": (reverse("admin:quizzes_question_add"), {}),
    }


@pytest.mark.parametrize("page", PAGES)
def test_each_admin_page_runs_as_many_queries_for_a_large_course_as_a_small_one(
    teacher_client, teacher, other_teacher, page
):
    """Measured once with only a small course, then again after a large course (and
    another teacher's) is added: the add pages and lists see the growth too."""
    small = course_of(teacher, SMALL, "Small")
    small_url, small_params = pages(small)[page]
    teacher_client.get(small_url, small_params)  # warm the caches (content types, ...)
    small_count, _small_html = count_queries(teacher_client, small_url, small_params)

    large_url, large_params = pages(grow(teacher, other_teacher))[page]
    large_count, large_html = count_queries(teacher_client, large_url, large_params)

    assert large_count == small_count, page
    assert "Theirs" not in large_html


def test_the_large_pages_show_every_row(teacher_client, teacher, other_teacher):
    """The counts above compare full pages: the large course really is listed."""
    course_of(teacher, SMALL, "Small")
    large = grow(teacher, other_teacher)
    lesson = large.lessons[0]

    _count, lessons = count_queries(
        teacher_client, reverse("admin:quizzes_lesson_changelist"), {"document": large.document.pk}
    )
    _count, inline = count_queries(
        teacher_client, reverse("admin:quizzes_lesson_change", args=[lesson.pk])
    )
    _count, menu = count_queries(teacher_client, reverse("admin:quizzes_question_add"))

    assert lessons.count('class="field-heading"') == LARGE["lessons"]
    prompts = Question.objects.filter(lesson=lesson).values_list("prompt", flat=True)
    assert len(prompts) == 10 and all(prompt in inline for prompt in prompts)
    assert "Large › River 30" in menu and "Small › River 2" in menu
