"""services.record_reviews: all-or-nothing batches, duplicates, and derived card states."""

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from quizzes.models import CardState, Question, QuestionKind, QuestionStatus, ReviewLog
from quizzes.services import (
    ReviewBatchError,
    ReviewInput,
    import_document,
    read_document,
    record_reviews,
)
from tests.quizzes.documents import ARTICLE
from tests.quizzes.factories import QuestionFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def cards(teacher):
    document = import_document(
        owner=teacher,
        parsed=read_document(ARTICLE.encode(), filename="t.txt"),
        generate=False,
        open_to_all=True,
    ).document
    lesson = document.lessons.get(position=1)
    return [
        QuestionFactory(lesson=lesson, kind=QuestionKind.FLASHCARD, prompt=f"Front {n}")
        for n in range(3)
    ]


def review(question, rating, minutes, review_id=None):
    return ReviewInput(
        id=review_id or uuid.uuid4(),
        question_id=question.pk,
        rating=rating,
        reviewed_at=T0 + timedelta(minutes=minutes),
        device="phone",
    )


def state_of(user, question):
    return CardState.objects.values(
        "state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses"
    ).get(user=user, question=question)


def test_it_stores_reviews_and_derives_the_card_state(student, cards):
    batch = [review(cards[0], 3, 0), review(cards[0], 3, 15), review(cards[1], 1, 1)]

    result = record_reviews(user=student, reviews=batch, now=T0 + timedelta(hours=1))

    assert result.accepted == [r.id for r in batch] and result.duplicates == []
    assert ReviewLog.objects.filter(user=student).count() == 3
    first = state_of(student, cards[0])
    assert first["reps"] == 2 and first["last_review"] == T0 + timedelta(minutes=15)
    assert first["due"] > T0 + timedelta(minutes=15)
    assert state_of(student, cards[1])["reps"] == 1
    assert {s.question_id for s in result.card_states} == {cards[0].pk, cards[1].pk}


def test_the_same_batch_three_times_is_stored_once(student, cards):
    batch = [review(cards[0], 3, 0), review(cards[1], 2, 5)]
    record_reviews(user=student, reviews=batch, now=T0)
    state = state_of(student, cards[0])

    for _ in range(2):
        again = record_reviews(user=student, reviews=batch, now=T0)
        assert again.accepted == [] and again.duplicates == [r.id for r in batch]

    assert ReviewLog.objects.count() == 2
    assert state_of(student, cards[0]) == state


def test_a_reused_id_with_a_different_body_changes_nothing(student, cards):
    first = review(cards[0], 3, 0)
    record_reviews(user=student, reviews=[first], now=T0)

    result = record_reviews(
        user=student,
        reviews=[review(cards[0], 1, 30, review_id=first.id)],
        now=T0 + timedelta(hours=1),
    )

    assert result.duplicates == [first.id]
    stored = ReviewLog.objects.get(pk=first.id)
    assert (stored.rating, stored.reviewed_at) == (3, T0)


def test_order_and_batching_do_not_change_the_state(student, cards):
    reviews = [
        review(cards[0], rating, minutes)
        for rating, minutes in [(3, 0), (1, 20), (3, 40), (4, 600)]
    ]
    record_reviews(user=student, reviews=reviews, now=T0 + timedelta(days=1))
    one_batch = state_of(student, cards[0])
    CardState.objects.all().delete()
    ReviewLog.objects.all().delete()

    for part in ([reviews[3]], [reviews[1], reviews[0]], [reviews[2]]):
        record_reviews(user=student, reviews=part, now=T0 + timedelta(days=1))

    assert state_of(student, cards[0]) == one_batch


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"rating": 5}, "rating"),
        ({"rating": 0}, "rating"),
        ({"reviewed_at": T0 + timedelta(minutes=6)}, "reviewed_at"),
        ({"reviewed_at": datetime(2026, 3, 2, 9, 0)}, "reviewed_at"),
        ({"question_id": 999_999}, "question"),
    ],
    ids=["rating-5", "rating-0", "future", "naive-time", "unknown-question"],
)
def test_one_bad_review_refuses_the_whole_batch(student, cards, change, field):
    good = review(cards[0], 3, 0)
    bad = replace(review(cards[1], 3, 0), **change)

    with pytest.raises(ReviewBatchError) as raised:
        record_reviews(user=student, reviews=[good, bad], now=T0)

    assert raised.value.errors == [
        {"index": 1, "field": field, "message": raised.value.errors[0]["message"]}
    ]
    assert not ReviewLog.objects.exists() and not CardState.objects.exists()


def test_unpublished_questions_cannot_be_reviewed(student, cards):
    Question.objects.filter(pk=cards[0].pk).update(status=QuestionStatus.DRAFT)

    with pytest.raises(ReviewBatchError, match="question"):
        record_reviews(user=student, reviews=[review(cards[0], 3, 0)], now=T0)


def test_more_than_a_thousand_reviews_are_refused(student, cards):
    batch = [review(cards[0], 3, n) for n in range(1001)]

    with pytest.raises(ReviewBatchError, match="At most 1000"):
        record_reviews(user=student, reviews=batch, now=T0 + timedelta(days=1))
    assert not ReviewLog.objects.exists()


def test_due_for_lists_a_students_due_cards_soonest_first(student, cards):
    record_reviews(
        user=student,
        reviews=[review(cards[0], 1, 0), review(cards[1], 4, 0), review(cards[2], 3, 0)],
        now=T0,
    )

    due = list(CardState.objects.due_for(student, T0 + timedelta(hours=1)))

    assert [state.question_id for state in due] == [cards[0].pk, cards[2].pk]


def test_a_retried_batch_goes_through_after_its_question_was_retired(student, cards):
    batch = [review(cards[0], 3, 0)]
    record_reviews(user=student, reviews=batch, now=T0)
    Question.objects.filter(pk=cards[0].pk).update(status=QuestionStatus.RETIRED)

    again = record_reviews(user=student, reviews=batch, now=T0)

    assert again.duplicates == [batch[0].id] and again.accepted == []


def test_a_reviewed_question_cannot_be_deleted_only_retired(student, cards, teacher_client):
    from django.urls import reverse

    record_reviews(user=student, reviews=[review(cards[0], 3, 0)], now=T0)

    response = teacher_client.post(
        reverse("admin:quizzes_question_delete", args=[cards[0].pk]), {"post": "yes"}
    )

    assert response.status_code == 200  # the admin explains what protects it
    assert "review log" in response.content.decode().lower()
    assert Question.objects.filter(pk=cards[0].pk).exists()
    assert ReviewLog.objects.count() == 1


def test_regeneration_keeps_a_withdrawn_draft_that_students_studied(student, cards):
    from quizzes.services import generate_questions

    record_reviews(user=student, reviews=[review(cards[0], 3, 0)], now=T0)
    Question.objects.filter(pk=cards[0].pk).update(status=QuestionStatus.DRAFT)

    generate_questions(lessons=[cards[0].lesson])

    assert Question.objects.filter(pk=cards[0].pk).exists()
