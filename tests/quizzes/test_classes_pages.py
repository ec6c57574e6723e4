"""A student's /classes/ page: the classes they joined, joining with a code, leaving."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizzes.models import Classroom, Membership
from tests.quizzes.course import build_course

pytestmark = pytest.mark.django_db

URL = reverse("my_classes")


@pytest.fixture
def classroom(teacher) -> Classroom:
    teacher.first_name, teacher.last_name = "Ada", "Lovelace"
    teacher.save()
    classroom = Classroom.objects.create(
        teacher=teacher, name="Geography 7B", join_code="K7QM4XPA"
    )
    course = build_course(teacher, title="Rivers of the North", open_to_all=False)
    classroom.documents.add(course.document)
    return classroom


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_nav_links_to_the_classes_page(student_client):
    page = student_client.get(reverse("home")).content.decode()

    assert f'href="{URL}"' in page


def test_a_student_in_no_class_sees_the_join_form(student_client, classroom):
    response = student_client.get(URL)

    page = response.content.decode()
    assert response.status_code == 200
    assert "You are not in any class yet." in page
    assert 'name="code"' in page
    assert "Geography 7B" not in page


def test_a_student_joins_with_the_code_and_sees_the_class(student_client, student, classroom):
    response = student_client.post(URL, {"code": "k7qm-4xpa"}, follow=True)

    page = response.content.decode()
    assert response.redirect_chain == [(URL, 302)]
    assert "You joined “Geography 7B”. Its documents are on your home page." in page
    assert Membership.objects.filter(classroom=classroom, student=student).exists()
    assert f'<h2 id="class-{classroom.pk}">Geography 7B</h2>' in page
    assert "Teacher: Ada Lovelace" in page
    first = classroom.documents.get().lessons.order_by("position").first()
    assert f'<a href="{reverse("lesson_detail", args=[first.pk])}">Rivers of the North</a>' in page
    assert "2 lessons" in page


def test_joining_again_says_so(student_client, student, classroom):
    classroom.students.add(student)

    response = student_client.post(URL, {"code": "K7QM4XPA"}, follow=True)

    assert "You are already in “Geography 7B”." in response.content.decode()
    assert Membership.objects.filter(student=student).count() == 1


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("ZZZZZZZZ", "No class has the code “ZZZZZZZZ”. Check it with your teacher."),
        ("", "This field is required."),
        ("x" * 40, "Ensure this value has at most 32 characters (it has 40)."),
    ],
)
def test_a_bad_code_is_shown_inline_and_joins_nothing(student_client, classroom, code, message):
    response = student_client.post(URL, {"code": code})

    page = response.content.decode()
    assert response.status_code == 400
    assert f'<ul class="errorlist" id="id_code_error"><li>{message}</li></ul>' in page
    assert 'aria-invalid="true"' in page
    assert not Membership.objects.exists()


def test_a_teacher_is_told_they_teach_the_class(teacher_client, classroom):
    response = teacher_client.post(URL, {"code": "K7QM4XPA"})

    page = response.content.decode()
    assert response.status_code == 400
    assert "You teach “Geography 7B”" in page
    assert reverse("admin:quizzes_classroom_changelist") in page


def test_leaving_asks_first_then_leaves(student_client, student, classroom):
    classroom.students.add(student)
    page = student_client.get(URL).content.decode()
    assert f'href="{URL}?leave={classroom.pk}"' in page

    confirm = student_client.get(URL, {"leave": classroom.pk})

    assert confirm.status_code == 200
    assert "Leave “Geography 7B”?" in confirm.content.decode()
    assert Membership.objects.filter(student=student).exists()

    response = student_client.post(URL, {"leave": classroom.pk}, follow=True)

    assert "You left “Geography 7B”." in response.content.decode()
    assert not Membership.objects.filter(student=student).exists()


@pytest.mark.parametrize("leave", ["999999", "abc", ""])
def test_leaving_a_class_one_is_not_in_is_a_404(student_client, student, classroom, leave):
    if leave == "999999":
        leave = str(classroom.pk)  # a real class, but not the student's

    assert student_client.get(URL, {"leave": leave}).status_code == 404
    assert student_client.post(URL, {"leave": leave}).status_code == 404
    assert Classroom.objects.filter(pk=classroom.pk).exists()


def test_the_page_runs_a_fixed_number_of_queries(student_client, student, teacher):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert student_client.get(URL).status_code == 200
        return len(queries)

    first = Classroom.objects.create(teacher=teacher, name="One")
    first.documents.add(build_course(teacher, title="Only", lessons=1).document)
    first.students.add(student)
    few = count()

    for n in range(5):
        classroom = Classroom.objects.create(teacher=teacher, name=f"Class {n}")
        for m in range(3):
            classroom.documents.add(build_course(teacher, title=f"D{n}-{m}", lessons=3).document)
        classroom.students.add(student)

    assert count() == few
