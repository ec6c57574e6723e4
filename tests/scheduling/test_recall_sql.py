"""The database's sum of recall probabilities matches scheduling.retrievability, card by card."""

from datetime import UTC, datetime, timedelta

import pytest

from quizzes.models import CardState
from quizzes.recall import recall
from quizzes.scheduling import retrievability
from tests.quizzes.course import build_course

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 5, 10, 14, 30, 15, 250_000, tzinfo=UTC)

ELAPSED = [
    timedelta(0),
    timedelta(hours=23, minutes=59, seconds=59),
    timedelta(days=1),
    timedelta(days=1, microseconds=1_000),
    timedelta(days=7),
    timedelta(days=6, hours=23, minutes=59, seconds=59, microseconds=990_000),
    timedelta(days=30, hours=5),
    timedelta(days=400),
    timedelta(days=3650, minutes=1),
    -timedelta(hours=5),  # a review stamped after "now" (a clock ahead): no negative days
]
STABILITIES = [0.2, 1.0, 3.3, 47.0, 900.0]


@pytest.fixture
def cards(teacher, student):
    questions = build_course(teacher, lessons=10, extra_questions=0).published()
    states = []
    for n, (question, elapsed) in enumerate(zip(questions, ELAPSED * 5, strict=False)):
        states.append(
            CardState(
                user=student,
                question=question,
                state="review",
                stability=STABILITIES[n % len(STABILITIES)],
                difficulty=5.0,
                due=NOW,
                last_review=NOW - elapsed,
                reps=3,
            )
        )
    return CardState.objects.bulk_create(states)


def test_each_card_recalls_as_the_reference_says(cards):
    for card in cards:
        expected = retrievability(stability=card.stability, last_review=card.last_review, now=NOW)

        got = CardState.objects.filter(pk=card.pk).aggregate(r=recall(NOW))["r"]

        assert got == pytest.approx(expected, rel=1e-9), (card.last_review, card.stability)


def test_the_sum_by_lesson_matches_the_reference(cards, student):
    expected: dict[int, float] = {}
    for card in cards:
        lesson = card.question.lesson_id
        expected[lesson] = expected.get(lesson, 0.0) + retrievability(
            stability=card.stability, last_review=card.last_review, now=NOW
        )

    got = dict(
        CardState.objects.filter(user=student)
        .values("question__lesson_id")
        .annotate(r=recall(NOW))
        .values_list("question__lesson_id", "r")
    )

    assert got == pytest.approx(expected, rel=1e-9)


def test_cards_never_reviewed_add_nothing(teacher, student):
    question = build_course(teacher, lessons=1).published()[0]
    CardState.objects.create(user=student, question=question, state="new", due=NOW)

    assert CardState.objects.aggregate(r=recall(NOW))["r"] == 0.0
