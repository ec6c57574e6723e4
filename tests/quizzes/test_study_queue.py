"""The study queue: due cards first by due time, then new cards in course order, at most
the daily new-card allowance, counted in the configured time zone."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from accounts.models import User
from quizzes.models import QuestionKind, QuestionStatus
from quizzes.services import ReviewInput, record_reviews
from quizzes.study import (
    due_counts_by_document,
    local_day,
    new_cards_left_today,
    next_card,
    queue_counts,
    study_queue,
)
from tests.quizzes.course import build_course

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


@pytest.fixture
def course(teacher):
    return build_course(teacher)


def review(user, question, *, at, rating=3):
    record_reviews(
        user=user,
        reviews=[
            ReviewInput(id=uuid.uuid4(), question_id=question.pk, rating=rating, reviewed_at=at)
        ],
        now=at,
    )


def in_course_order(course):
    kinds = [
        QuestionKind.CLOZE,
        QuestionKind.MULTIPLE_CHOICE,
        QuestionKind.TRUE_FALSE,
        QuestionKind.SHORT_ANSWER,
        QuestionKind.FLASHCARD,
    ]
    return [course.questions[lesson.pk][kind] for lesson in course.lessons for kind in kinds]


def test_new_cards_come_in_course_order(student, course):
    cards = in_course_order(course)

    assert next_card(student, NOW) == cards[0]
    review(student, cards[0], at=NOW - timedelta(hours=2), rating=4)  # easy: due in days

    assert next_card(student, NOW) == cards[1]


def test_documents_are_studied_in_title_order(student, teacher, course):
    earlier = build_course(teacher, title="Alpine Lakes", lessons=1)

    assert next_card(student, NOW) == in_course_order(earlier)[0]


def test_due_cards_come_first_earliest_due_first(student, course):
    cards = in_course_order(course)
    # Good on a new card: due 10 minutes later; Again: due one minute later.
    review(student, cards[5], at=NOW - timedelta(minutes=30))  # due 20 min ago
    review(student, cards[7], at=NOW - timedelta(minutes=50))  # due 40 min ago
    review(student, cards[3], at=NOW - timedelta(minutes=12), rating=1)  # due 11 min ago

    queue = study_queue(student, NOW)

    assert queue.card == cards[7]
    assert queue.counts.due == 3
    review(student, cards[7], at=NOW, rating=4)
    assert next_card(student, NOW) == cards[5]
    review(student, cards[5], at=NOW, rating=4)
    assert next_card(student, NOW) == cards[3]
    review(student, cards[3], at=NOW, rating=4)
    assert next_card(student, NOW) == cards[0]


def test_cards_not_yet_due_wait(student, course):
    cards = in_course_order(course)
    review(student, cards[0], at=NOW - timedelta(minutes=5))  # due in 5 minutes

    queue = study_queue(student, NOW)

    assert queue.card == cards[1]
    assert queue.counts.due == 0


def test_another_students_cards_do_not_count(student, course):
    other = User.objects.create_user(username="kim", password="x")
    review(other, in_course_order(course)[0], at=NOW - timedelta(hours=1))

    assert queue_counts(student, NOW).due == 0
    assert next_card(student, NOW) == in_course_order(course)[0]


def test_withdrawn_questions_leave_the_queue(student, course):
    cards = in_course_order(course)
    review(student, cards[2], at=NOW - timedelta(hours=1))
    cards[2].status = QuestionStatus.RETIRED
    cards[2].save()
    cards[0].status = QuestionStatus.DRAFT
    cards[0].save()

    queue = study_queue(student, NOW)

    assert queue.counts.due == 0
    assert queue.card == cards[1]


def test_new_cards_stop_at_the_daily_limit(student, course, settings):
    settings.LECTERN_NEW_CARDS_PER_DAY = 2
    cards = in_course_order(course)
    assert queue_counts(student, NOW).new == 2

    review(student, cards[0], at=NOW - timedelta(hours=3), rating=4)
    assert queue_counts(student, NOW).new == 1
    review(student, cards[1], at=NOW - timedelta(hours=2), rating=4)

    queue = study_queue(student, NOW)
    assert queue.card is None
    assert queue.counts.new == 0
    assert queue.next_due == local_day(NOW)[1]  # tomorrow's allowance


def test_new_left_is_never_more_than_the_new_cards_there_are(student, course):
    assert queue_counts(student, NOW).new == 10  # two lessons of five cards; limit 20


def test_a_card_reviewed_again_today_is_not_new_today(student, course, settings):
    settings.LECTERN_NEW_CARDS_PER_DAY = 5
    card = in_course_order(course)[0]
    review(student, card, at=NOW - timedelta(days=3), rating=1)
    review(student, card, at=NOW - timedelta(hours=1))

    assert new_cards_left_today(student, NOW) == 5


def test_the_new_card_day_follows_the_configured_time_zone(student, course, settings):
    settings.TIME_ZONE = "America/New_York"  # UTC-5 in early March
    settings.LECTERN_NEW_CARDS_PER_DAY = 3
    cards = in_course_order(course)
    late_evening = datetime(2026, 3, 3, 4, 30, tzinfo=UTC)  # 23:30 on 2 March in New York
    review(student, cards[0], at=late_evening, rating=4)
    review(student, cards[1], at=late_evening, rating=4)

    assert new_cards_left_today(student, late_evening + timedelta(minutes=20)) == 1
    after_midnight = datetime(2026, 3, 3, 5, 10, tzinfo=UTC)  # 00:10 on 3 March there
    assert new_cards_left_today(student, after_midnight) == 3

    settings.TIME_ZONE = "UTC"  # there both times are on 3 March
    assert new_cards_left_today(student, after_midnight) == 1


def test_the_allowance_never_goes_below_zero(student, course, settings):
    settings.LECTERN_NEW_CARDS_PER_DAY = 1
    for card in in_course_order(course)[:3]:
        review(student, card, at=NOW - timedelta(hours=1), rating=4)

    assert new_cards_left_today(student, NOW) == 0


def test_due_counts_cover_the_rest_of_the_local_day_per_document(
    student, teacher, course, settings
):
    settings.TIME_ZONE = "Europe/Paris"  # UTC+1: the day ends at 23:00 UTC
    lakes = build_course(teacher, title="Alpine Lakes", lessons=1)
    rivers = in_course_order(course)
    review(student, rivers[0], at=NOW - timedelta(hours=1))  # due now
    review(student, rivers[1], at=NOW)  # due in 10 minutes: later today
    review(student, in_course_order(lakes)[0], at=NOW)
    review(student, rivers[2], at=NOW, rating=4)  # due in days
    retired = rivers[3]
    review(student, retired, at=NOW - timedelta(hours=1))
    retired.status = QuestionStatus.RETIRED
    retired.save()

    counts = due_counts_by_document(student, NOW)

    assert counts == {course.document.pk: 2, lakes.document.pk: 1}
    assert due_counts_by_document(student, datetime(2026, 3, 2, 22, 50, tzinfo=UTC)) == counts


def test_due_counts_run_one_query(student, course, django_assert_num_queries):
    review(student, in_course_order(course)[0], at=NOW - timedelta(hours=1))

    with django_assert_num_queries(1):
        assert due_counts_by_document(student, NOW) == {course.document.pk: 1}
    with django_assert_num_queries(1):
        assert new_cards_left_today(student, NOW) == 19


def test_an_empty_queue_says_when_the_next_card_is_due(student, course, settings):
    settings.LECTERN_NEW_CARDS_PER_DAY = 0
    card = in_course_order(course)[0]
    review(student, card, at=NOW - timedelta(minutes=4))

    queue = study_queue(student, NOW + timedelta(minutes=1))

    assert queue.card is None
    assert queue.next_due == NOW + timedelta(minutes=6)
