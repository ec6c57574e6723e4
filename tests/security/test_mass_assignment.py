"""Writes that smuggle in fields the user may not set (``user``, ``is_staff``,
``is_superuser``, ``score``, ``owner``, ``teacher``, ``correct``) or the ids of other
people's rows leave those untouched: each form and endpoint sets them itself."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts.models import DeviceToken, User
from quizzes.models import (
    Answer,
    Classroom,
    Document,
    Membership,
    Question,
    QuestionKind,
    QuizAttempt,
    ReviewLog,
)
from tests.conftest import PASSWORD
from tests.quizzes import attempt_bodies
from tests.quizzes.api_clients import api_for, pushed_review
from tests.quizzes.course import build_course
from tests.quizzes.documents import document_form

pytestmark = pytest.mark.django_db

PRIVILEGES = {"is_staff": "on", "is_superuser": "on", "is_active": "on"}


@pytest.fixture
def course(teacher):
    return build_course(teacher, lessons=1)


@pytest.fixture
def other_student(db) -> User:
    return User.objects.create_user(username="kim", email="kim@example.org", password=PASSWORD)


# --- Sign-up and log-in -----------------------------------------------------------------


def test_sign_up_ignores_privileges_groups_and_permissions(client):
    teachers = Group.objects.get(name="Teachers")
    response = client.post(
        reverse("signup"),
        {
            "username": "lin",
            "email": "lin@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "groups": [teachers.pk],
            "user_permissions": [Permission.objects.first().pk],
            "id": "1",
            **PRIVILEGES,
        },
    )

    assert response.status_code == 302
    user = User.objects.get(username="lin")
    assert (user.is_staff, user.is_superuser) == (False, False)
    assert not user.groups.exists() and not user.user_permissions.exists()


def test_api_login_gives_a_token_for_the_named_user_and_nothing_more(client, student, teacher):
    body = {
        "username": "sam",
        "password": PASSWORD,
        "device_name": "phone",
        "user": teacher.pk,
        "user_id": teacher.pk,
        "is_staff": True,
        "is_superuser": True,
        "role": "teacher",
    }
    response = client.post("/api/v1/auth/login/", body, content_type="application/json")

    assert response.status_code == 200, response.content
    assert response.json()["user"]["username"] == "sam"
    assert response.json()["user"]["role"] == "student"
    token = DeviceToken.objects.get(user=student)
    assert token.device_name == "phone"
    assert not DeviceToken.objects.filter(user=teacher).exists()
    student.refresh_from_db()
    assert (student.is_staff, student.is_superuser) == (False, False)


# --- API writes -------------------------------------------------------------------------


def test_a_review_push_stores_reviews_as_the_sender_only(student, other_student, course):
    card = course.questions[course.lessons[0].pk][QuestionKind.FLASHCARD]
    api = api_for(student)
    sent = pushed_review(card, user=other_student.pk, user_id=other_student.pk, state="review")

    response = api.post(
        "/api/v1/sync/reviews/",
        {"reviews": [sent], "user": other_student.pk},
        format="json",
    )

    assert response.status_code == 200, response.content
    log = ReviewLog.objects.get(pk=sent["id"])
    assert log.user == student
    assert not ReviewLog.objects.filter(user=other_student).exists()


def test_a_review_push_cannot_overwrite_another_users_review(student, other_student, course):
    card = course.questions[course.lessons[0].pk][QuestionKind.FLASHCARD]
    theirs = pushed_review(card, rating=4)
    assert (
        api_for(other_student)
        .post("/api/v1/sync/reviews/", {"reviews": [theirs]}, format="json")
        .status_code
        == 200
    )

    response = api_for(student).post(
        "/api/v1/sync/reviews/", {"reviews": [{**theirs, "rating": 1}]}, format="json"
    )

    assert response.status_code < 500
    log = ReviewLog.objects.get(pk=theirs["id"])
    assert (log.user, log.rating) == (other_student, 4)
    assert not ReviewLog.objects.filter(user=student).exists()


def _attempt_body(course, **overrides) -> dict:
    """A lesson quiz with a wrong short answer that claims to be right."""
    short = course.questions[course.lessons[0].pk][QuestionKind.SHORT_ANSWER]
    smuggled = {"question": short.pk, "response": "wrong", "correct": True, "score": 1}
    return attempt_bodies.body(course, [smuggled], **overrides)


def test_an_offline_attempt_is_scored_by_the_server_for_the_sender(student, other_student, course):
    body = _attempt_body(
        course, user=other_student.pk, score=100, max_score=1, document=999, feedback="none"
    )

    response = api_for(student).post("/api/v1/attempts/", body, format="json")

    assert response.status_code in (200, 201), response.content
    attempt = QuizAttempt.objects.get(pk=body["id"])
    assert attempt.user == student
    assert attempt.document == course.document
    assert attempt.score == 0
    assert attempt.max_score > 1
    answer = attempt.answers.get(question_id=body["answers"][0]["question"])
    assert (answer.correct, answer.score) == (False, 0)
    assert not QuizAttempt.objects.filter(user=other_student).exists()


def test_an_offline_attempt_cannot_take_over_another_users_attempt(student, other_student, course):
    theirs = _attempt_body(course)
    theirs["answers"][0]["response"] = "the hills above Alder"
    assert api_for(other_student).post("/api/v1/attempts/", theirs, format="json").status_code in (
        200,
        201,
    )
    before = QuizAttempt.objects.get(pk=theirs["id"])
    responses = sorted(before.answers.values_list("question", "response", "correct"))

    response = api_for(student).post(
        "/api/v1/attempts/", _attempt_body(course, id=theirs["id"]), format="json"
    )

    assert response.status_code < 500
    after = QuizAttempt.objects.get(pk=theirs["id"])
    assert (after.user, after.score, after.submitted_at) == (
        other_student,
        before.score,
        before.submitted_at,
    )
    assert sorted(after.answers.values_list("question", "response", "correct")) == responses
    assert not QuizAttempt.objects.filter(user=student).exists()


# --- Student pages ----------------------------------------------------------------------


def test_joining_a_class_adds_only_the_student_to_that_class(
    student_client, student, other_student, teacher, other_teacher
):
    joined = Classroom.objects.create(teacher=teacher, name="7B", join_code="K7QM4XPA")
    other = Classroom.objects.create(teacher=teacher, name="8A", join_code="ZZZZ9999")

    response = student_client.post(
        reverse("my_classes"),
        {
            "code": "K7QM4XPA",
            "teacher": other_teacher.pk,
            "student": other_student.pk,
            "students": [other_student.pk],
            "classroom": other.pk,
            "name": "Renamed",
            "join_code": "AAAA1111",
        },
    )

    assert response.status_code in (200, 302)
    assert list(Membership.objects.values_list("student", "classroom")) == [
        (student.pk, joined.pk)
    ]
    joined.refresh_from_db()
    assert (joined.teacher, joined.name, joined.join_code) == (teacher, "7B", "K7QM4XPA")


def test_a_quiz_answer_post_cannot_mark_itself_right(student_client, student, course):
    lesson = course.lessons[0]
    response = student_client.post(reverse("lesson_quiz", args=[lesson.pk]))
    assert response.status_code == 302
    attempt = QuizAttempt.objects.get(user=student)
    page = student_client.get(response.url).content.decode()
    shown = re.search(r'name="shown" value="([^"]*)"', page)
    current = attempt.answers.filter(answered_at__isnull=True).order_by("position").first()
    wrong = (
        {"choice": next(n for n, o in enumerate(current.choice_order, 1) if not o["correct"])}
        if current.question.kind == QuestionKind.MULTIPLE_CHOICE
        else {"response": "false" if current.question.answer == "true" else "nothing like it"}
    )

    student_client.post(
        response.url,
        {
            **wrong,
            "shown": shown.group(1) if shown else "",
            "correct": "true",
            "score": "1",
            "user": "1",
            "question": current.question_id,
        },
    )

    current.refresh_from_db()
    assert current.answered_at is not None
    assert (current.correct, current.score) == (False, 0)
    assert Answer.objects.filter(correct=True).count() == 0


# --- Admin forms ------------------------------------------------------------------------


def test_a_teacher_cannot_set_a_documents_owner(teacher_client, teacher, other_teacher):
    response = teacher_client.post(
        reverse("admin:quizzes_document_add"),
        document_form(
            title="Mine",
            pasted_text="# Mine\n\n## One\n\nGlaciers carve valleys.",
            owner=other_teacher.pk,
        ),
    )
    assert response.status_code == 302
    document = Document.objects.get(title="Mine")
    assert document.owner == teacher

    response = teacher_client.post(
        reverse("admin:quizzes_document_change", args=[document.pk]),
        document_form(title="Still mine", owner=other_teacher.pk),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    document.refresh_from_db()
    assert (document.title, document.owner) == ("Still mine", teacher)


def _class_form(**overrides) -> dict:
    return {
        "name": "Geography 7B",
        "add_students": "",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        **overrides,
    }


def test_a_teacher_cannot_set_a_classs_teacher_or_join_code(
    teacher_client, teacher, other_teacher
):
    response = teacher_client.post(
        reverse("admin:quizzes_classroom_add"),
        _class_form(teacher=other_teacher.pk, join_code="AAAA1111"),
    )
    assert response.status_code == 302
    classroom = Classroom.objects.get()
    assert classroom.teacher == teacher
    assert classroom.join_code != "AAAA1111"

    code = classroom.join_code
    teacher_client.post(
        reverse("admin:quizzes_classroom_change", args=[classroom.pk]),
        _class_form(name="Renamed", teacher=other_teacher.pk, join_code="AAAA1111"),
    )
    classroom.refresh_from_db()
    assert (classroom.name, classroom.teacher, classroom.join_code) == ("Renamed", teacher, code)


def _question_form(lesson, **overrides) -> dict:
    return {
        "lesson": lesson.pk,
        "kind": "short_answer",
        "status": "published",
        "position": 0,
        "prompt": "Which canton lies at the southern end?",
        "answer": "Ticino",
        "accepted_answers": "[]",
        "choices-TOTAL_FORMS": "0",
        "choices-INITIAL_FORMS": "0",
        **overrides,
    }


def test_a_teacher_cannot_put_a_question_in_another_teachers_lesson(
    teacher_client, teacher, other_teacher
):
    mine = build_course(teacher, lessons=1, title="Mine")
    theirs = build_course(other_teacher, lessons=1, title="Theirs")
    their_lesson = theirs.lessons[0]
    their_count = their_lesson.questions.count()

    response = teacher_client.post(
        reverse("admin:quizzes_question_add"), _question_form(their_lesson)
    )
    assert response.status_code == 400  # the form again, with an error
    assert their_lesson.questions.count() == their_count

    question = mine.questions[mine.lessons[0].pk][QuestionKind.SHORT_ANSWER]
    teacher_client.post(
        reverse("admin:quizzes_question_change", args=[question.pk]),
        _question_form(their_lesson, prompt="Moved?"),
    )
    question.refresh_from_db()
    assert question.lesson == mine.lessons[0]
    assert their_lesson.questions.count() == their_count
    assert not Question.objects.filter(prompt="Moved?", lesson=their_lesson).exists()
