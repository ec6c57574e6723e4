"""A quiz the student is still taking keeps its questions out of flashcard study: the
back of a card would give a quiz answer away. They come back once the quiz is finished."""

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from accounts.models import User
from quizzes.models import QuestionKind, ReviewLog
from quizzes.services import ReviewInput, finish_attempt, record_reviews, start_attempt
from quizzes.study import (
    due_counts_by_document,
    in_running_quiz,
    queue_counts,
    study_queue,
    studyable_card,
)
from quizzes.views.study import read_token
from tests.quizzes.course import build_course

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)


@pytest.fixture
def course(teacher):
    return build_course(teacher, quiz_time_limit=10, quiz_feedback="deferred")


def review(user, question, *, at, rating=1):
    record_reviews(
        user=user,
        reviews=[
            ReviewInput(id=uuid.uuid4(), question_id=question.pk, rating=rating, reviewed_at=at)
        ],
        now=at,
    )


def lesson_cards(course, lesson=0):
    return list(course.questions[course.lessons[lesson].pk].values())


def quizzed(attempt):
    return {answer.question for answer in attempt.answers.select_related("question")}


def token_in(page):
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def test_the_queue_leaves_out_new_cards_of_a_quiz_the_student_is_taking(student, course):
    before = queue_counts(student, NOW)
    attempt = start_attempt(user=student, lesson=course.lessons[0], now=NOW)
    held_back = quizzed(attempt)

    queue = study_queue(student, NOW)

    assert held_back
    assert queue.card not in held_back
    assert queue.card.kind == QuestionKind.FLASHCARD  # the one card a quiz never asks
    assert queue.counts.new == before.new - len(held_back)


def test_the_queue_leaves_out_due_cards_of_a_quiz_the_student_is_taking(student, course):
    for card in lesson_cards(course, 0) + lesson_cards(course, 1):
        review(student, card, at=NOW - timedelta(hours=1))  # all due now
    assert queue_counts(student, NOW).due == 10

    attempt = start_attempt(user=student, lesson=course.lessons[1], now=NOW)
    held_back = quizzed(attempt)
    queue = study_queue(student, NOW)

    assert queue.counts.due == 10 - len(held_back)
    assert queue.card not in held_back
    assert due_counts_by_document(student, NOW) == {course.document.pk: 10 - len(held_back)}


def test_finishing_the_quiz_brings_its_cards_back(student, course):
    attempt = start_attempt(user=student, lesson=course.lessons[0], now=NOW)
    card = next(iter(quizzed(attempt)))
    assert studyable_card(student, card.pk) is None
    assert in_running_quiz(student, card.pk)

    finish_attempt(attempt=attempt, now=NOW)

    assert studyable_card(student, card.pk) == card
    assert not in_running_quiz(student, card.pk)
    assert study_queue(student, NOW).card == lesson_cards(course)[0]


def test_another_students_quiz_holds_nothing_back(student, course):
    other = User.objects.create_user(username="kim", password="x")
    attempt = start_attempt(user=other, lesson=course.lessons[0], now=NOW)
    card = next(iter(quizzed(attempt)))

    assert studyable_card(student, card.pk) == card
    assert not in_running_quiz(student, card.pk)


def test_the_study_page_deals_and_reveals_no_quiz_question(student_client, student, course):
    attempt = start_attempt(user=student, lesson=course.lessons[0], now=NOW)
    held_back = {card.pk for card in quizzed(attempt)}
    revealed = set()
    for _ in range(8):
        page = student_client.get(reverse("study")).content.decode()
        if 'name="token"' not in page:
            break
        token = token_in(page)
        back = student_client.post(reverse("study_reveal"), {"token": token})
        assert back.status_code == 200
        revealed.add(read_token(token, user=student).question_id)
        student_client.post(reverse("study"), {"token": token, "rating": 4})

    assert len(revealed) == 6  # the lesson's flashcard and the second lesson's five cards
    assert not revealed & held_back


def test_a_card_dealt_before_the_quiz_started_is_not_revealed(student_client, student, course):
    token = token_in(student_client.get(reverse("study")).content.decode())
    card = lesson_cards(course)[0]
    attempt = start_attempt(user=student, lesson=course.lessons[0], now=NOW)
    assert card in quizzed(attempt)

    response = student_client.post(reverse("study_reveal"), {"token": token})

    assert response.status_code == 302
    page = student_client.get(reverse("study")).content.decode()
    assert "part of a quiz you have not finished" in page
    assert card.answer not in page


def test_a_card_dealt_before_the_quiz_started_is_not_rated(student_client, student, course):
    token = token_in(student_client.get(reverse("study")).content.decode())
    start_attempt(user=student, lesson=course.lessons[0], now=NOW)

    response = student_client.post(reverse("study"), {"token": token, "rating": 3}, **HX)

    assert response.status_code == 200
    assert not ReviewLog.objects.filter(user=student).exists()
    assert "so your rating was not stored" in response.content.decode()
