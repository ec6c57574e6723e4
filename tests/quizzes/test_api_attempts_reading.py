"""API v1 graded attempts, read back: GET lists and shows one's own finished attempts
(from the app or the browser), and anonymous callers get 401."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.test import APIClient

from accounts.models import User
from quizzes.models import QuizAttempt
from quizzes.services import finish_attempt, start_attempt
from tests.quizzes.attempt_bodies import (
    CLOZE,
    MULTIPLE_CHOICE,
    TRUE_FALSE,
    URL,
    api_for,
    body,
    choice_id,
    nothing_stored,
    quiz,
    right_answers,
)
from tests.quizzes.course import build_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(teacher):
    return build_course(teacher, lessons=2)


@pytest.fixture
def other_student(db) -> User:
    return User.objects.create_user(username="kim", email="kim@example.org", password="x" * 20)


@pytest.fixture
def api(student) -> APIClient:
    return api_for(student)


# --- Reading attempts ------------------------------------------------------------------


def test_the_list_shows_only_the_students_own_finished_attempts_newest_first(
    api, student, other_student, course
):
    now = timezone.now()
    older = body(
        course,
        [],
        started_at=(now - timedelta(days=2)).isoformat(),
        submitted_at=(now - timedelta(days=2)).isoformat(),
    )
    newer = body(course, [], lesson_index=1)
    api.post(URL, older, format="json")
    api.post(URL, newer, format="json")
    api_for(other_student).post(URL, body(course, []), format="json")
    start_attempt(user=student, lesson=course.lessons[0])  # still running in the browser

    response = api.get(URL)

    assert response.status_code == 200
    page = response.json()
    assert page["count"] == 2
    assert [a["id"] for a in page["results"]] == [newer["id"], older["id"]]
    listed = page["results"][0]
    assert set(listed) == {
        "id",
        "lesson",
        "document",
        "started_at",
        "submitted_at",
        "score",
        "max_score",
    }
    assert (listed["lesson"], listed["document"], listed["score"], listed["max_score"]) == (
        course.lessons[1].pk,
        course.document.pk,
        0,
        4,
    )
    assert parse_datetime(listed["started_at"]) == parse_datetime(newer["started_at"])
    assert parse_datetime(listed["submitted_at"]) == parse_datetime(newer["submitted_at"])


def test_the_list_includes_quizzes_finished_in_the_browser(api, student, course):
    attempt = start_attempt(user=student, lesson=course.lessons[0])
    finish_attempt(attempt=attempt)

    results = api.get(URL).json()["results"]

    assert [a["id"] for a in results] == [str(attempt.pk)]


def test_an_attempt_shows_each_answer_with_the_response_and_the_right_answer(api, course):
    questions = quiz(course)
    answers = [
        {"question": questions[CLOZE].pk, "response": "spring"},
        {
            "question": questions[MULTIPLE_CHOICE].pk,
            "response": choice_id(questions[MULTIPLE_CHOICE], "Alder"),
        },
    ]
    sent = body(course, answers)
    api.post(URL, sent, format="json")

    response = api.get(f"{URL}{sent['id']}/")

    assert response.status_code == 200
    attempt = response.json()
    assert (attempt["id"], attempt["lesson"], attempt["score"]) == (
        sent["id"],
        course.lessons[0].pk,
        0,
    )
    by_question = {a["question"]: a for a in attempt["answers"]}
    assert by_question[questions[CLOZE].pk] == {
        "question": questions[CLOZE].pk,
        "response": "spring",
        "choice": None,
        "correct": False,
        "expected": "autumn",
    }
    assert by_question[questions[MULTIPLE_CHOICE].pk] == {
        "question": questions[MULTIPLE_CHOICE].pk,
        "response": "Alder",
        "choice": choice_id(questions[MULTIPLE_CHOICE], "Alder"),
        "correct": False,
        "expected": "Port Wren",
    }
    assert by_question[questions[TRUE_FALSE].pk]["response"] == ""


def test_another_students_attempt_is_not_found(api, other_student, course):
    theirs = body(course, right_answers(course))
    api_for(other_student).post(URL, theirs, format="json")

    response = api.get(f"{URL}{theirs['id']}/")

    assert response.status_code == 404
    assert set(response.json()) == {"detail"}


def test_an_attempt_still_running_in_the_browser_is_not_shown(api, student, course):
    attempt = start_attempt(user=student, lesson=course.lessons[0])

    assert api.get(f"{URL}{attempt.pk}/").status_code == 404


def test_an_id_that_is_not_a_uuid_is_not_found(api):
    response = api.get(f"{URL}not-a-uuid/")

    assert response.status_code == 404
    assert response.json()["detail"]


def test_reading_the_attempts_runs_a_fixed_number_of_queries(
    api, course, django_assert_max_num_queries
):
    for _ in range(5):
        api.post(URL, body(course, right_answers(course)), format="json")
    attempt_id = QuizAttempt.objects.first().pk

    with django_assert_max_num_queries(2):
        api.get(URL)
    with django_assert_max_num_queries(3):
        api.get(f"{URL}{attempt_id}/")


# --- Anonymous callers -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", URL), ("post", URL), ("get", f"{URL}{uuid.uuid4()}/")],
)
def test_anonymous_callers_get_401(course, method, path):
    api = api_for(None)
    if method == "post":
        response = api.post(path, body(course, right_answers(course)), format="json")
    else:
        response = api.get(path)

    assert response.status_code == 401
    assert response.json()["detail"]
    assert nothing_stored()


def test_an_attempt_from_the_app_shows_on_the_web_result_page(api, student, client, course):
    sent = body(course, right_answers(course)[:3])
    api.post(URL, sent, format="json")
    client.force_login(student)

    page = client.get(reverse("attempt_result", args=[sent["id"]]))

    assert page.status_code == 200
    assert "the hills above Alder" in page.content.decode()  # the one left unanswered
