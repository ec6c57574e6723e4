"""A student downloads everything Lectern keeps about them as one JSON file: their own
rows only, no token secrets, and the same number of queries for a short history as for a
long one."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import DeviceToken, User
from quizzes.models import Classroom, Question, QuestionKind, QuizAttempt
from quizzes.services import answer_question, finish_attempt, join_class, start_attempt
from tests.conftest import PASSWORD
from tests.quizzes.course import build_course, give_history

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
EXPORT = reverse("account_export")


def download(client) -> dict:
    response = client.get(EXPORT)
    assert response.status_code == 200
    return json.loads(b"".join(response.streaming_content))


@pytest.fixture
def course(teacher):
    return build_course(teacher, lessons=2)


@pytest.fixture
def active_student(student, teacher, course):
    """A student with a class, a history, a finished quiz and a signed-in phone."""
    classroom = Classroom.objects.create(teacher=teacher, name="Geography 7B")
    join_class(student=student, code=classroom.join_code)
    questions = course.published()
    give_history(student, questions[:3], reviews=6, start=NOW - timedelta(days=30))
    attempt = start_attempt(user=student, lesson=course.lessons[0], now=NOW)
    cloze = course.questions[course.lessons[0].pk][QuestionKind.CLOZE]
    answer_question(attempt=attempt, question_id=cloze.pk, response="autumn", now=NOW)
    finish_attempt(attempt=attempt, now=NOW + timedelta(minutes=5))
    DeviceToken.objects.create(user=student, device_name="Sam's phone")
    return student


def test_the_account_page_offers_the_download_and_the_deletion(student_client):
    response = student_client.get(reverse("account"))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{EXPORT}"' in html
    assert f'href="{reverse("delete_account")}"' in html
    assert "Download my data" in html and "Delete my account" in html


def test_the_nav_links_to_the_account_page(student_client):
    html = student_client.get(reverse("home")).content.decode()

    assert f'href="{reverse("account")}"' in html


def test_it_requires_a_login(client):
    for url in (reverse("account"), EXPORT):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_it_is_a_json_attachment_named_after_the_user(student_client):
    response = student_client.get(EXPORT)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == 'attachment; filename="lectern-data-sam.json"'
    assert "no-store" in response["Cache-Control"]


def test_a_username_in_any_letters_names_the_file_too(client):
    user = User.objects.create_user(username="zoë", password=PASSWORD)
    client.force_login(user)

    response = client.get(EXPORT)

    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''lectern-data-zo%C3%AB.json"
    )
    assert json.loads(b"".join(response.streaming_content))["account"]["username"] == "zoë"


def test_it_holds_the_account_and_all_of_its_activity(active_student, course, client):
    active_student.first_name, active_student.last_name = "Sam", "Wren"
    active_student.save()
    client.login(username="sam", password=PASSWORD)

    data = download(client)

    assert data["format"] == "lectern-data"
    account = data["account"]
    assert account["username"] == "sam"
    assert account["email"] == "sam@example.org"
    assert (account["first_name"], account["last_name"]) == ("Sam", "Wren")
    assert account["date_joined"] and account["last_login"]
    assert [c["name"] for c in data["classes"]] == ["Geography 7B"]

    # Six history reviews and the quiz answer (which is also a review).
    logs = data["review_logs"]
    assert len(logs) == 7
    prompts = dict(Question.objects.values_list("pk", "prompt"))
    for log in logs:
        assert set(log) == {
            "id",
            "question_id",
            "prompt",
            "rating",
            "reviewed_at",
            "duration_ms",
            "device",
        }
        assert log["prompt"] == prompts[log["question_id"]]
    assert {c["question_id"] for c in data["card_states"]} >= {
        q.pk for q in course.published()[:3]
    }

    [attempt] = data["quiz_attempts"]
    stored = QuizAttempt.objects.get(user=active_student)
    assert attempt["id"] == str(stored.pk)
    assert attempt["lesson"] == course.lessons[0].heading
    assert attempt["submitted_at"] is not None
    assert len(attempt["answers"]) == stored.answers.count()
    [first] = [a for a in attempt["answers"] if a["response"]]
    assert first["question_id"] == course.questions[course.lessons[0].pk][QuestionKind.CLOZE].pk
    assert first["response"] == "autumn"
    assert first["correct"] is True
    assert first["prompt"] == prompts[first["question_id"]]
    assert first["answered_at"] is not None

    [device] = data["device_tokens"]
    assert set(device) == {"name", "created", "expiry"}
    assert device["name"] == "Sam's phone"


def test_it_never_holds_a_token_or_its_digest(active_student, client):
    _, token = DeviceToken.objects.create(user=active_student, device_name="Tablet")
    stored = DeviceToken.objects.get(device_name="Tablet")
    client.force_login(active_student)

    body = b"".join(client.get(EXPORT).streaming_content).decode()

    assert token not in body
    assert stored.digest not in body
    assert stored.token_key not in body


def test_it_holds_nothing_of_another_student(active_student, course, client):
    other = User.objects.create_user(username="kim", email="kim@example.org", password=PASSWORD)
    give_history(other, course.published()[3:5], reviews=4, start=NOW - timedelta(days=9))
    start_attempt(user=other, lesson=course.lessons[1], now=NOW)
    DeviceToken.objects.create(user=other, device_name="Kim's laptop")
    client.force_login(other)

    data = download(client)

    assert data["account"]["username"] == "kim"
    assert data["classes"] == []
    assert len(data["review_logs"]) == 4
    own_questions = {q.pk for q in course.published()[3:5]}
    assert {log["question_id"] for log in data["review_logs"]} == own_questions
    assert {c["question_id"] for c in data["card_states"]} == own_questions
    [attempt] = data["quiz_attempts"]
    assert attempt["lesson"] == course.lessons[1].heading
    assert all(a["response"] == "" for a in attempt["answers"])
    assert [d["name"] for d in data["device_tokens"]] == ["Kim's laptop"]
    assert "Sam's phone" not in json.dumps(data)


def test_a_new_account_exports_empty_lists(student_client):
    data = download(student_client)

    for section in ("classes", "review_logs", "card_states", "quiz_attempts", "device_tokens"):
        assert data[section] == []


def test_answers_stay_with_their_own_attempt(student, course, client):
    """Two attempts started at the same moment: the answers are matched by attempt."""
    first = start_attempt(user=student, lesson=course.lessons[0], now=NOW)
    second = start_attempt(user=student, lesson=course.lessons[1], now=NOW)
    client.force_login(student)

    data = download(client)

    by_id = {a["id"]: a for a in data["quiz_attempts"]}
    for attempt in (first, second):
        exported = by_id[str(attempt.pk)]
        assert [a["question_id"] for a in exported["answers"]] == list(
            attempt.answers.order_by("position").values_list("question_id", flat=True)
        )


@pytest.mark.parametrize("reviews", [10, 1000])
def test_it_takes_the_same_number_of_queries_whatever_the_history(
    reviews, student, course, client, django_assert_num_queries
):
    give_history(student, course.published(), reviews=reviews, start=NOW - timedelta(days=900))
    for lesson in course.lessons:
        start_attempt(user=student, lesson=lesson, now=NOW)
    client.force_login(student)

    # Session and user (2); classes, review logs, card states, attempts, answers and
    # device tokens (6). With REDIS_URL set, sessions are read from Redis (cached_db)
    # without a query.
    session = 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1
    with django_assert_num_queries(session + 7):
        data = download(client)

    assert len(data["review_logs"]) == reviews
