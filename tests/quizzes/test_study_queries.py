"""The study pages run the same number of queries for a small course and a short history
as for a course of 50 lessons and a student with 5,000 reviews (and a quiz under way,
whose questions are held back from study)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.urls import reverse

from quizzes.models import CardState, Question, QuestionKind, ReviewLog
from quizzes.services import start_attempt
from quizzes.study import study_queue
from tests.quizzes.course import build_course, give_history

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)

SIZES = {
    "2 lessons, 10 reviews": {"lessons": 2, "extra_questions": 0, "reviews": 10},
    "50 lessons of 10 questions, 5,000 reviews": {
        "lessons": 50,
        "extra_questions": 5,
        "reviews": 5000,
    },
}

# The session is read from the database, unless REDIS_URL puts sessions in Redis
# (cached_db), which answers it without a query.
SESSION = 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1
# Session and user (2), the queue (due, new today, new left, the card); a multiple-choice
# card's options are one more (no other kind has any, so none is read for them).
GET_STUDY = SESSION + 5
# Session and user (2), the card, its reviews, the header counts (3); a multiple-choice
# card's options are one more.
POST_REVEAL = SESSION + 6
# Session and user (2), is the card in a quiz under way (1), record_reviews: savepoint,
# stored ids, studyable ids, insert the log, the card's logs, upsert the card state,
# release (7). The answer is a redirect.
POST_REVIEW = SESSION + 11


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)


@pytest.fixture(params=list(SIZES))
def studied(request, teacher, student):
    """A course and a history on half its cards, all of them due now, and the last
    lesson's quiz under way."""
    size = SIZES[request.param]
    course = build_course(
        teacher, lessons=size["lessons"], extra_questions=size["extra_questions"]
    )
    # Every published question of the course, extras included; the first half studied.
    every = list(Question.objects.studyable_by(student).order_by("pk"))
    give_history(
        student, every[: len(every) // 2], reviews=size["reviews"], start=NOW - timedelta(days=400)
    )
    assert ReviewLog.objects.filter(user=student).count() == size["reviews"]
    assert not CardState.objects.filter(user=student, due__gt=NOW).exists()
    assert start_attempt(user=student, lesson=course.lessons[-1], now=NOW).answers.exists()
    return course


def first_due(student, course, kind) -> None:
    """Make a card of ``kind`` the first the queue shows: the most overdue (outside the
    last lesson, whose quiz is under way)."""
    state = (
        CardState.objects.filter(user=student, question__kind=kind)
        .exclude(question__lesson=course.lessons[-1])
        .first()
    )
    CardState.objects.filter(pk=state.pk).update(due=NOW - timedelta(days=1000))
    assert study_queue(student, NOW).card.pk == state.question_id


def token_in(page):
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def options(student) -> int:
    """The queries for the options of the card the queue shows next: 1 for a
    multiple-choice card, 0 for any other kind."""
    return int(study_queue(student, NOW).card.kind == QuestionKind.MULTIPLE_CHOICE)


@pytest.mark.parametrize("kind", [QuestionKind.MULTIPLE_CHOICE, QuestionKind.CLOZE])
def test_the_front_runs_a_fixed_number_of_queries(
    student_client, student, studied, kind, django_assert_num_queries
):
    first_due(student, studied, kind)
    assert options(student) == (kind == QuestionKind.MULTIPLE_CHOICE)

    with django_assert_num_queries(GET_STUDY + options(student)):
        response = student_client.get(reverse("study"))

    assert response.status_code == 200
    assert "Show answer" in response.content.decode()


@pytest.mark.parametrize("kind", [QuestionKind.MULTIPLE_CHOICE, QuestionKind.CLOZE])
def test_reveal_runs_a_fixed_number_of_queries(
    student_client, student, studied, kind, django_assert_num_queries
):
    first_due(student, studied, kind)
    token = token_in(student_client.get(reverse("study")).content.decode())

    with django_assert_num_queries(POST_REVEAL + options(student)):
        response = student_client.post(reverse("study_reveal"), {"token": token})

    assert response.status_code == 200
    assert "How well did you know it?" in response.content.decode()


def test_rating_runs_a_fixed_number_of_queries(
    student_client, student, studied, django_assert_num_queries
):
    token = token_in(student_client.get(reverse("study")).content.decode())
    before = ReviewLog.objects.filter(user=student).count()

    with django_assert_num_queries(POST_REVIEW):
        response = student_client.post(reverse("study"), {"token": token, "rating": 3})

    assert response.status_code == 302
    assert ReviewLog.objects.filter(user=student).count() == before + 1
