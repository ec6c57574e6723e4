"""API v1 graded attempts: POST /api/v1/attempts/ grades a whole offline lesson quiz on the
server, idempotent by the client's id; GET lists and shows one's own finished attempts."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from quizzes.models import Answer, Feedback, QuestionKind, QuizAttempt, Rating, ReviewLog
from quizzes.services.attempts import REVIEW_NAMESPACE
from tests.quizzes.attempt_bodies import (
    CLOZE,
    MULTIPLE_CHOICE,
    SHORT_ANSWER,
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


# --- Grading ---------------------------------------------------------------------------


def test_a_quiz_with_every_answer_right_scores_full_marks(api, course):
    questions = quiz(course)
    sent = body(course, right_answers(course))

    response = api.post(URL, sent, format="json")

    assert response.status_code == 201
    result = response.json()
    assert result["id"] == sent["id"]
    assert (result["score"], result["max_score"]) == (4, 4)
    assert {a["question"]: (a["correct"], a["expected"]) for a in result["answers"]} == {
        questions[CLOZE].pk: (True, "autumn"),
        questions[MULTIPLE_CHOICE].pk: (True, "Port Wren"),
        questions[TRUE_FALSE].pk: (True, "true"),
        questions[SHORT_ANSWER].pk: (True, "the hills above Alder"),
    }


@pytest.mark.parametrize(
    ("kind", "response", "correct"),
    [
        (CLOZE, "Autumn", True),
        (CLOZE, "fall", True),  # an accepted alternative
        (CLOZE, "autum", True),  # one typo forgiven, as in the web quiz
        (CLOZE, "spring", False),
        (MULTIPLE_CHOICE, "Port Wren", True),
        (MULTIPLE_CHOICE, "Alder", False),
        (TRUE_FALSE, "TRUE", True),
        (TRUE_FALSE, "false", False),
        (SHORT_ANSWER, "Alder", True),
        (SHORT_ANSWER, "the sea", False),
    ],
)
def test_each_kind_of_question_is_graded_like_the_web_quiz(api, course, kind, response, correct):
    question = quiz(course)[kind]
    if kind == MULTIPLE_CHOICE:
        response = str(choice_id(question, response))  # an option id as text is fine too

    result = api.post(
        URL, body(course, [{"question": question.pk, "response": response}]), format="json"
    ).json()

    graded = {a["question"]: a["correct"] for a in result["answers"]}
    assert graded[question.pk] is correct
    assert result["score"] == (1 if correct else 0)
    assert result["max_score"] == 4


def test_unanswered_questions_count_as_wrong(api, course):
    questions = quiz(course)
    answers = [
        {"question": questions[CLOZE].pk, "response": "autumn"},
        {"question": questions[TRUE_FALSE].pk, "response": ""},
    ]

    result = api.post(URL, body(course, answers), format="json").json()

    assert (result["score"], result["max_score"]) == (1, 4)
    assert [a["correct"] for a in result["answers"]].count(False) == 3


def test_the_attempt_is_stored_finished_under_the_client_id(api, student, course):
    sent = body(course, right_answers(course)[:2])

    api.post(URL, sent, format="json")

    attempt = QuizAttempt.objects.get()
    lesson = course.lessons[0]
    assert str(attempt.pk) == sent["id"]
    assert (attempt.user, attempt.lesson, attempt.document) == (student, lesson, course.document)
    assert attempt.quiz_key == f"lesson:{lesson.pk}"
    assert attempt.feedback == Feedback.DEFERRED
    assert attempt.started_at.isoformat() == sent["started_at"]
    assert attempt.submitted_at.isoformat() == sent["submitted_at"]
    assert (attempt.score, attempt.max_score) == (2, 4)
    answers = list(attempt.answers.order_by("position"))
    assert [a.position for a in answers] == [1, 2, 3, 4]
    assert sum(a.is_answered for a in answers) == 2
    multiple_choice = next(a for a in answers if a.question.kind == MULTIPLE_CHOICE)
    assert multiple_choice.response == "Port Wren"
    assert [option["text"] for option in multiple_choice.choice_order] == [
        "Port Wren",
        "Alder",
        "Kestrel Bay",
        "Easthaven",
    ]


def test_a_submission_a_little_ahead_of_the_server_clock_is_stored_at_the_server_time(api, course):
    before = timezone.now()
    ahead = (before + timedelta(minutes=3)).isoformat()

    response = api.post(
        URL, body(course, right_answers(course), submitted_at=ahead), format="json"
    )

    assert response.status_code == 201
    attempt = QuizAttempt.objects.get()
    assert before <= attempt.submitted_at <= timezone.now()
    assert attempt.started_at <= attempt.submitted_at


# --- The schedule ----------------------------------------------------------------------


def test_each_answer_is_logged_once_as_a_review(api, student, course):
    questions = quiz(course)
    answers = [
        {"question": questions[CLOZE].pk, "response": "autumn"},
        {"question": questions[TRUE_FALSE].pk, "response": "false"},
    ]
    sent = body(course, answers)

    api.post(URL, sent, format="json")
    api.post(URL, sent, format="json")

    logs = {log.question_id: log for log in ReviewLog.objects.filter(user=student)}
    assert set(logs) == {questions[CLOZE].pk, questions[TRUE_FALSE].pk}
    assert logs[questions[CLOZE].pk].rating == Rating.GOOD
    assert logs[questions[TRUE_FALSE].pk].rating == Rating.AGAIN
    assert logs[questions[CLOZE].pk].pk == uuid.uuid5(
        REVIEW_NAMESPACE, f"{sent['id']}:{questions[CLOZE].pk}"
    )
    assert logs[questions[CLOZE].pk].reviewed_at == QuizAttempt.objects.get().submitted_at
    assert student.card_states.count() == 2


# --- Idempotence and other students' ids -----------------------------------------------


def test_sending_the_same_attempt_again_returns_the_stored_result(api, course):
    sent = body(course, right_answers(course))
    first = api.post(URL, sent, format="json")

    changed = {**sent, "answers": [], "submitted_at": "2000-01-01T00:00:00+00:00"}
    again = api.post(URL, changed, format="json")

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json() == first.json()
    assert QuizAttempt.objects.count() == 1
    assert Answer.objects.count() == 4
    assert ReviewLog.objects.count() == 4


def test_an_id_already_used_by_another_student_is_refused_and_shows_nothing(
    api, other_student, course
):
    theirs = body(course, right_answers(course))
    api_for(other_student).post(URL, theirs, format="json")

    response = api.post(URL, {**theirs, "answers": []}, format="json")

    assert response.status_code == 409
    assert set(response.json()) == {"detail"}
    assert QuizAttempt.objects.get().user == other_student
    assert Answer.objects.count() == 4


# --- Refused attempts -------------------------------------------------------------------


def test_a_question_that_does_not_exist_is_refused_by_index(api, course):
    answers = [*right_answers(course)[:2], {"question": 999_999, "response": "x"}]

    response = api.post(URL, body(course, answers), format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "index": 2,
            "field": "question",
            "message": "This question is not part of this lesson's quiz.",
        }
    ]
    assert nothing_stored()


def test_a_question_of_another_lesson_is_refused_by_index(api, course):
    elsewhere = quiz(course, lesson_index=1)[CLOZE]
    answers = [{"question": elsewhere.pk, "response": "autumn"}, *right_answers(course)]

    response = api.post(URL, body(course, answers), format="json")

    assert response.status_code == 400
    assert [(e["index"], e["field"]) for e in response.json()["errors"]] == [(0, "question")]
    assert nothing_stored()


def test_draft_and_flashcard_questions_are_not_part_of_the_quiz(api, course):
    lesson = course.lessons[0]
    draft = lesson.questions.get(status="draft")
    flashcard = course.questions[lesson.pk][QuestionKind.FLASHCARD]
    answers = [
        {"question": draft.pk, "response": "hidden"},
        {"question": flashcard.pk, "response": "42 kilometres"},
    ]

    response = api.post(URL, body(course, answers), format="json")

    assert response.status_code == 400
    assert [(e["index"], e["field"]) for e in response.json()["errors"]] == [
        (0, "question"),
        (1, "question"),
    ]


@pytest.mark.parametrize(
    ("kind", "response"),
    [(MULTIPLE_CHOICE, "not an id"), (MULTIPLE_CHOICE, 999_999), (TRUE_FALSE, "maybe")],
)
def test_a_response_that_cannot_be_an_answer_is_refused_by_index(api, course, kind, response):
    answers = [right_answers(course)[0], {"question": quiz(course)[kind].pk, "response": response}]

    result = api.post(URL, body(course, answers), format="json")

    assert result.status_code == 400
    assert [(e["index"], e["field"]) for e in result.json()["errors"]] == [(1, "response")]
    assert nothing_stored()


def test_the_same_question_answered_twice_is_refused(api, course):
    answer = right_answers(course)[0]

    response = api.post(URL, body(course, [answer, answer]), format="json")

    assert response.status_code == 400
    assert [(e["index"], e["field"]) for e in response.json()["errors"]] == [(1, "question")]


def test_a_submission_time_more_than_five_minutes_ahead_is_refused(api, course):
    future = (timezone.now() + timedelta(minutes=6)).isoformat()

    response = api.post(
        URL, body(course, right_answers(course), submitted_at=future), format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"index": None, "field": "submitted_at", "message": "This time is in the future."}
    ]
    assert nothing_stored()


def test_an_attempt_submitted_before_it_started_is_refused(api, course):
    now = timezone.now()
    sent = body(
        course,
        right_answers(course),
        started_at=(now - timedelta(minutes=5)).isoformat(),
        submitted_at=(now - timedelta(minutes=6)).isoformat(),
    )

    response = api.post(URL, sent, format="json")

    assert response.status_code == 400
    assert [(e["index"], e["field"]) for e in response.json()["errors"]] == [
        (None, "submitted_at")
    ]
    assert nothing_stored()


def test_a_time_without_utc_offset_is_refused(api, course):
    sent = body(course, right_answers(course), started_at="2026-03-02T09:00:00")

    response = api.post(URL, sent, format="json")

    assert response.status_code == 400
    assert [(e["index"], e["field"]) for e in response.json()["errors"]] == [(None, "started_at")]


def test_a_lesson_the_student_may_not_study_is_refused_like_one_that_does_not_exist(api, course):
    lesson = course.lessons[0]
    lesson.archived_at = timezone.now()
    lesson.save()

    archived = api.post(URL, body(course, []), format="json")
    missing = api.post(URL, body(course, [], lesson=999_999), format="json")

    assert archived.status_code == missing.status_code == 400
    assert archived.json() == missing.json()
    assert archived.json()["errors"] == [
        {"index": None, "field": "lesson", "message": "No such lesson to study."}
    ]
    assert nothing_stored()


def test_no_attempt_is_stored_once_the_attempts_limit_is_reached(api, teacher):
    course = build_course(teacher, quiz_max_attempts=1)
    assert api.post(URL, body(course, []), format="json").status_code == 201

    response = api.post(URL, body(course, []), format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "lesson"
    assert QuizAttempt.objects.count() == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"id": "not-a-uuid"},
        {"lesson": "one"},
        {"lesson": 2**70},
        {"answers": {"question": 1}},
        {"answers": [{"question": 2**70}]},
        {"answers": [{"question": 1, "response": {"text": "x"}}]},
        {"answers": [{"question": 1, "response": True}]},
        {"answers": [{"question": 1, "response": "nul\x00byte"}]},
        {"answers": ["autumn"]},
        {"submitted_at": "yesterday"},
        {"started_at": "0001-01-01T00:00:00+05:00"},
    ],
)
def test_malformed_fields_get_a_json_message_and_store_nothing(api, course, changes):
    response = api.post(URL, {**body(course, []), **changes}, format="json")

    assert response.status_code == 400
    result = response.json()
    assert result["detail"]
    assert result["errors"]
    assert all(error["message"] for error in result["errors"])
    assert nothing_stored()


def test_a_malformed_answer_is_refused_by_index(api, course):
    answers = [right_answers(course)[0], {"question": "first"}, {"response": "autumn"}]

    response = api.post(URL, body(course, answers), format="json")

    assert response.status_code == 400
    assert [(e["index"], e["field"]) for e in response.json()["errors"]] == [
        (1, "question"),
        (2, "question"),
    ]


def test_a_body_that_is_not_an_object_is_refused(api):
    response = api.post(URL, ["not", "an", "object"], format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["message"]
