"""Home, lesson and progress pages run a fixed number of queries, however many lessons,
questions and review logs there are."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from quizzes.models import CardState, Feedback, QuizAttempt
from tests.quizzes.course import build_course, give_history

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def finish_quiz(user, lesson):
    now = timezone.now()
    QuizAttempt.objects.create(
        user=user,
        document=lesson.document,
        lesson=lesson,
        quiz_key=f"lesson:{lesson.pk}",
        feedback=Feedback.IMMEDIATE,
        seed=1,
        started_at=now - timedelta(minutes=5),
        submitted_at=now,
        score=1,
        max_score=4,
    )


def all_due() -> None:
    """Every card due now: the home page's next step is reviewing for every student (its
    query count depends on the step, never on the amount of data)."""
    CardState.objects.update(due=timezone.now() - timedelta(hours=1))


@pytest.fixture
def small_course(teacher):
    return build_course(teacher, lessons=2)


def with_big_course(teacher, student):
    """A second document of 50 lessons x 10 published questions, with some progress."""
    big = build_course(teacher, title="Big", lessons=50, extra_questions=5)
    give_history(
        student, big.published()[:40], reviews=40, start=timezone.now() - timedelta(days=3)
    )
    for lesson in big.lessons[:3]:
        finish_quiz(student, lesson)
    return big


@pytest.mark.parametrize("page", ["home", "progress"])
def test_a_page_costs_the_same_for_2_lessons_and_for_50(
    page, client, student, teacher, small_course, django_assert_num_queries
):
    client.force_login(student)
    give_history(student, small_course.published()[:2], reviews=2, start=timezone.now())
    finish_quiz(student, small_course.lessons[0])
    all_due()
    small = count_queries(client, reverse(page))

    with_big_course(teacher, student)
    all_due()

    with django_assert_num_queries(small):
        client.get(reverse(page))


def test_the_home_page_suggesting_a_lesson_costs_the_same_for_2_lessons_and_for_50(
    client, student, teacher, small_course, django_assert_num_queries
):
    client.force_login(student)
    finish_quiz(student, small_course.lessons[0])
    small = count_queries(client, reverse("home"))
    assert "Continue with River 2" in client.get(reverse("home")).content.decode()

    with_big_course(teacher, student)
    CardState.objects.update(due=timezone.now() + timedelta(days=1))

    with django_assert_num_queries(small):
        client.get(reverse("home"))


def test_the_lesson_page_costs_the_same_in_a_course_of_50_lessons(
    client, student, teacher, small_course, django_assert_num_queries
):
    client.force_login(student)
    small = count_queries(client, reverse("lesson_detail", args=[small_course.lessons[1].pk]))

    big = with_big_course(teacher, student)

    with django_assert_num_queries(small):
        client.get(reverse("lesson_detail", args=[big.lessons[25].pk]))


@pytest.mark.slow
@pytest.mark.parametrize("page", ["home", "progress", "lesson_detail"])
def test_a_page_costs_the_same_for_10_review_logs_and_for_5000(
    page, client, student, small_course, django_assert_num_queries
):
    veteran = User.objects.create_user(username="vera", password="x")
    cards = small_course.published()
    start = timezone.now() - timedelta(days=800)
    give_history(student, cards, reviews=10, start=timezone.now() - timedelta(days=2))
    give_history(veteran, cards, reviews=5000, start=start)
    # A hundred finished attempts at the first lesson's quiz (the second lesson stays
    # unfinished, so that the home page suggests the same kind of next step to both).
    lesson = small_course.lessons[0]
    QuizAttempt.objects.bulk_create(
        QuizAttempt(
            user=veteran,
            document=small_course.document,
            lesson=lesson,
            quiz_key=f"lesson:{lesson.pk}:{n}",
            feedback=Feedback.IMMEDIATE,
            seed=n,
            started_at=start + timedelta(days=n),
            submitted_at=start + timedelta(days=n, minutes=5),
            score=n % 5,
            max_score=4,
        )
        for n in range(100)
    )
    all_due()
    args = [small_course.lessons[0].pk] if page == "lesson_detail" else []
    url = reverse(page, args=args)
    client.force_login(student)
    small = count_queries(client, url)

    client.force_login(veteran)
    with django_assert_num_queries(small):
        client.get(url)


# The session is read from the database, unless REDIS_URL puts sessions in Redis
# (cached_db), which answers it without a query.
SESSION = 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1
QUERIES = {
    # Session and user (2), the documents, the card figures, the lessons; with every card
    # due, the next step is reviewing and needs no query of its own.
    "home": SESSION + 4,
    # Session and user (2), the lesson, its question counts, the recall of its cards, its
    # neighbours.
    "lesson_detail": SESSION + 5,
    # Session and user (2), reviews per day, the documents, the card figures, the lessons,
    # the forecast, retention, the quiz attempts.
    "progress": SESSION + 8,
}


@pytest.mark.parametrize("page", list(QUERIES))
def test_each_page_runs_the_queries_it_needs_and_no_more(
    page, client, student, teacher, small_course, django_assert_num_queries
):
    """Each query costs a round trip to the database, which on a busy PostgreSQL server
    costs more than the query: every one is accounted for."""
    with_big_course(teacher, student)
    all_due()
    client.force_login(student)
    args = [small_course.lessons[0].pk] if page == "lesson_detail" else []

    with django_assert_num_queries(QUERIES[page]):
        assert client.get(reverse(page, args=args)).status_code == 200
