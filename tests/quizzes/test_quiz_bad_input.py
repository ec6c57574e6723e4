"""Odd input on the quiz pages is a clear 400 (or is ignored), never a server error and
never half-written: NUL characters, numbers too big for the database, over-long answers,
and accepted answers that are not a list of text."""

import pytest
from django.urls import reverse

from quizzes.models import Question, QuestionKind, ReviewLog
from quizzes.services import answer_question, start_attempt
from tests.quizzes.course import build_course

pytestmark = pytest.mark.django_db

HUGE = "9" * 30


@pytest.fixture
def course(teacher):
    return build_course(teacher, lessons=1)


@pytest.fixture
def questions(course):
    return course.questions[course.lessons[0].pk]


@pytest.fixture
def attempt(student, course):
    return start_attempt(user=student, lesson=course.lessons[0], seed=1)


def post(client, attempt, data):
    return client.post(reverse("attempt", args=[attempt.pk]), data)


def nothing_answered(attempt):
    return not attempt.answers.filter(answered_at__isnull=False).exists()


def test_a_nul_character_in_a_typed_answer_is_a_400(student_client, attempt, questions):
    cloze = questions[QuestionKind.CLOZE]

    response = post(student_client, attempt, {"question": cloze.pk, "response": "autumn\x00"})

    assert response.status_code == 400
    assert "null character" in response.content.decode()
    assert nothing_answered(attempt) and not ReviewLog.objects.exists()


@pytest.mark.parametrize(
    ("field", "message"),
    [("question", "This question is not part of this quiz."), ("choice", "Choose one of")],
)
def test_numbers_too_big_for_the_database_are_a_400(
    student_client, attempt, questions, field, message
):
    data = {"question": questions[QuestionKind.MULTIPLE_CHOICE].pk, field: HUGE}

    response = post(student_client, attempt, data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert nothing_answered(attempt)


@pytest.mark.parametrize("value", ["abc", "-1", "0", "1.5"])
def test_a_question_that_is_not_an_id_is_a_400(student_client, attempt, value):
    response = post(student_client, attempt, {"question": value, "response": "x"})

    assert response.status_code == 400
    assert "This question is not part of this quiz." in response.content.decode()


def test_an_over_long_answer_is_a_400_that_says_the_limit(student_client, attempt, questions):
    data = {"question": questions[QuestionKind.SHORT_ANSWER].pk, "response": "x" * 5000}

    response = post(student_client, attempt, data)

    assert response.status_code == 400
    assert "Keep your answer under 500 characters." in response.content.decode()
    assert nothing_answered(attempt)


@pytest.mark.parametrize("value", [HUGE, "-3", "x", ""])
def test_an_odd_feedback_position_shows_the_question(student_client, attempt, value):
    response = student_client.get(reverse("attempt", args=[attempt.pk]) + "?feedback=" + value)

    assert response.status_code == 200
    assert 'name="question"' in response.content.decode()


@pytest.mark.parametrize(
    ("accepted", "correct"),
    [("fall", True), (["fall", 3, None], True), ({"fall": 1}, False), (7, False)],
)
def test_accepted_answers_that_are_not_a_list_of_text_grade_only_the_text(
    attempt, questions, accepted, correct
):
    cloze = questions[QuestionKind.CLOZE]
    Question.objects.filter(pk=cloze.pk).update(accepted_answers=accepted)

    graded = answer_question(attempt=attempt, question_id=cloze.pk, response="fall")

    assert graded.correct is correct


def test_odd_accepted_answers_are_not_a_500_on_the_page(student_client, attempt, questions):
    cloze = questions[QuestionKind.CLOZE]
    Question.objects.filter(pk=cloze.pk).update(accepted_answers={"fall": 1})

    response = post(student_client, attempt, {"question": cloze.pk, "response": "autumn"})

    assert response.status_code == 302
    assert attempt.answers.get(question=cloze).correct is True
