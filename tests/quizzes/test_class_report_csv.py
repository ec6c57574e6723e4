"""The class report as CSV: one table a file (students, lessons, leeches), one header
row, UTF-8 with a byte order mark, and no cell a spreadsheet would run as a formula."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from quizzes.models import QuestionKind
from tests.quizzes.course import build_course
from tests.quizzes.test_class_report import NOW, card, make_class, quiz

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def download(client, classroom, **params):
    response = client.get(reverse("class_report_csv", args=[classroom.pk]), params)
    assert response.status_code == 200, response.content.decode()[:500]
    return response


def table(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.fixture
def course(teacher):
    return build_course(teacher, lessons=2, open_to_all=False)


@pytest.fixture
def classroom(teacher, course, student):
    return make_class(teacher, course.document, students=[student], name="Year 9: history")


def test_the_students_file_has_one_header_row_and_a_row_per_student(
    teacher_client, classroom, course, student
):
    first = course.lessons[0]
    quiz(student, first, score=3, max_score=4, finished=NOW - timedelta(hours=3))
    card(student, course.questions[first.pk][QuestionKind.CLOZE], due=NOW - timedelta(days=1))
    kim = User.objects.create_user(
        username="kim", first_name="Kim", last_name="Nakamura", email="kim@example.org"
    )
    classroom.memberships.create(student=kim)

    response = download(teacher_client, classroom)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="year-9-history-students.csv"'
    )
    assert table(response) == [
        [
            "Username",
            "Name",
            "Email",
            "Lessons completed",
            "Quiz average (%)",
            "Cards due",
            "Last active",
        ],
        ["kim", "Kim Nakamura", "kim@example.org", "0", "", "0", ""],
        ["sam", "sam", "sam@example.org", "1", "75.0", "1", "2026-03-10 12:00"],
    ]


def test_the_lessons_file_gives_each_lessons_mastery_and_completions(
    teacher_client, classroom, course, student
):
    first = course.lessons[0]
    for question in list(course.questions[first.pk].values())[:2]:
        card(student, question)
    quiz(student, first)

    rows = table(download(teacher_client, classroom, table="lessons"))

    assert rows == [
        [
            "Document",
            "Position",
            "Lesson",
            "Cards",
            "Average mastery (%)",
            "Students who completed it",
            "Students in the class",
        ],
        ["Rivers of the North", "1", "River 1", "5", "40.0", "1", "1"],
        ["Rivers of the North", "2", "River 2", "5", "0.0", "0", "1"],
    ]


def test_the_leeches_file_lists_each_leech(teacher_client, classroom, course, student):
    question = course.questions[course.lessons[1].pk][QuestionKind.SHORT_ANSWER]
    card(student, question, lapses=9)

    rows = table(download(teacher_client, classroom, table="leeches"))

    assert rows == [
        ["Username", "Name", "Question", "Lapses", "Document", "Lesson"],
        ["sam", "sam", question.prompt, "9", "Rivers of the North", "River 2"],
    ]


@pytest.mark.parametrize(
    "dangerous", ['=HYPERLINK("http://x.example")', "+1+2", "-2+3", "@SUM(A1)", "\t=1"]
)
def test_no_cell_starts_a_formula(teacher_client, teacher, course, dangerous):
    course.lessons[0].heading = dangerous
    course.lessons[0].save()
    mallory = User.objects.create_user(username="mallory", first_name=dangerous)
    classroom = make_class(teacher, course.document, students=[mallory])

    students = table(download(teacher_client, classroom))
    lessons = table(download(teacher_client, classroom, table="lessons"))

    assert lessons[1][2] == "'" + dangerous
    assert lessons[2][2] == "River 2"
    assert students[1][1] == "'" + dangerous.strip()  # a name is trimmed
    for cell in [*students[1], *lessons[1]]:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_a_username_that_looks_like_a_formula_is_quoted_too(teacher_client, teacher, course):
    classroom = make_class(
        teacher, course.document, students=[User.objects.create_user(username="@admin")]
    )

    assert table(download(teacher_client, classroom))[1][:2] == ["'@admin", "'@admin"]


def test_an_unknown_table_is_refused_with_the_tables_there_are(teacher_client, classroom):
    response = teacher_client.get(
        reverse("class_report_csv", args=[classroom.pk]), {"table": "grades"}
    )

    assert response.status_code == 400
    assert "students, lessons, leeches" in response.content.decode()


def test_a_class_whose_name_makes_no_file_name_is_named_by_its_id(teacher_client, teacher):
    classroom = make_class(teacher, name="…")

    response = download(teacher_client, classroom)

    assert f'filename="class-{classroom.pk}-students.csv"' in response["Content-Disposition"]
    assert len(table(response)) == 1
