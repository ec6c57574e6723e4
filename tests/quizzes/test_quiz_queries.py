"""Every quiz page runs the same number of queries for a 2-lesson course and a student
with 10 reviews as for a 50-lesson course (10 questions a lesson) and 5,000 reviews."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from quizzes.models import QuestionKind
from quizzes.services import answer_question, finish_attempt, start_attempt
from tests.quizzes.course import build_course, give_history

pytestmark = pytest.mark.django_db

HISTORY_START = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def worlds(teacher, student):
    """(user, course) for the small world, then for the big one."""
    small = build_course(teacher, title="Small", lessons=2)
    give_history(student, small.published(), reviews=10, start=HISTORY_START)
    big = build_course(teacher, title="Big", lessons=50, extra_questions=5)
    heavy = User.objects.create_user(username="heavy", password="x")
    give_history(heavy, big.published(), reviews=5000, start=HISTORY_START)
    return [(student, small), (heavy, big)]


@pytest.fixture
def same_for_both(client, django_assert_num_queries):
    """Given (user, method, url, data, extra) for each world, make the small world's
    request and count its queries, then assert the big world's makes exactly as many."""

    def send(user, method, url, data=None, extra=None):
        client.force_login(user)
        return lambda: getattr(client, method)(url, data or {}, **(extra or {}))

    def check(requests):
        small = send(*requests[0])
        with CaptureQueriesContext(connection) as captured:
            response = small()
        assert response.status_code in (200, 302), response.content[:300]
        big = send(*requests[1])
        with django_assert_num_queries(len(captured)):
            response = big()
        assert response.status_code in (200, 302), response.content[:300]

    return check


def first_true_false(attempt):
    return (
        attempt.answers.filter(question__kind=QuestionKind.TRUE_FALSE).order_by("position").first()
    )


@pytest.mark.parametrize("page", ["lesson_quiz", "document_test"])
def test_the_start_page(worlds, same_for_both, page):
    requests = []
    for user, course in worlds:
        finish_attempt(attempt=start_attempt(user=user, lesson=course.lessons[0]))
        finish_attempt(attempt=start_attempt(user=user, document=course.document))
        target = course.lessons[0].pk if page == "lesson_quiz" else course.document.pk
        requests.append((user, "get", reverse(page, args=[target])))
    same_for_both(requests)


def test_starting_a_quiz(worlds, same_for_both):
    # A lesson quiz always holds a multiple-choice question, so both worlds read options.
    # (A test reads them only if its random draw holds one: one query more or less.)
    same_for_both(
        [
            (user, "post", reverse("lesson_quiz", args=[course.lessons[0].pk]))
            for user, course in worlds
        ]
    )


@pytest.mark.parametrize("extra", [{}, HTMX])
def test_the_attempt_page(worlds, same_for_both, extra):
    requests = []
    for user, course in worlds:
        attempt = start_attempt(user=user, document=course.document, seed=11)
        requests.append((user, "get", reverse("attempt", args=[attempt.pk]), None, extra))
    same_for_both(requests)


@pytest.mark.parametrize("extra", [{}, HTMX])
def test_answering_a_question(worlds, same_for_both, extra):
    requests = []
    for user, course in worlds:
        attempt = start_attempt(user=user, document=course.document, seed=11)
        answer = first_true_false(attempt)
        data = {"question": answer.question_id, "response": "true"}
        requests.append((user, "post", reverse("attempt", args=[attempt.pk]), data, extra))
    same_for_both(requests)


def test_the_feedback_page(worlds, same_for_both):
    requests = []
    for user, course in worlds:
        attempt = start_attempt(user=user, document=course.document, seed=11)
        answer = first_true_false(attempt)
        answer_question(attempt=attempt, question_id=answer.question_id, response="false")
        url = f"{reverse('attempt', args=[attempt.pk])}?feedback={answer.position}"
        requests.append((user, "get", url))
    same_for_both(requests)


def test_the_result_page(worlds, same_for_both):
    requests = []
    for user, course in worlds:
        attempt = start_attempt(user=user, document=course.document, seed=11)
        answer = first_true_false(attempt)
        answer_question(attempt=attempt, question_id=answer.question_id, response="false")
        finish_attempt(attempt=attempt)
        requests.append((user, "get", reverse("attempt_result", args=[attempt.pk])))
    same_for_both(requests)


def test_finishing_early(worlds, same_for_both):
    requests = []
    for user, course in worlds:
        attempt = start_attempt(user=user, document=course.document, seed=11)
        requests.append((user, "post", reverse("attempt_finish", args=[attempt.pk])))
    same_for_both(requests)
