"""continue_replay: folding on from a stored snapshot equals replaying the whole history."""

import uuid
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.scheduling import Review, continue_replay, replay

T0 = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)

histories = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=4), st.integers(min_value=0, max_value=60 * 24 * 90)
    ),
    min_size=1,
    max_size=12,
)


def reviews(pairs: list[tuple[int, int]]) -> list[Review]:
    return [
        Review(id=str(uuid.uuid4()), rating=rating, reviewed_at=T0 + timedelta(minutes=minutes))
        for rating, minutes in pairs
    ]


@given(earlier=histories, later=histories, gap=st.integers(min_value=1, max_value=60 * 24 * 400))
@settings(max_examples=300, deadline=None)
def test_new_reviews_after_the_last_give_the_same_card_as_a_full_replay(earlier, later, gap):
    first = reviews(earlier)
    last_minute = max(minutes for _rating, minutes in earlier)
    then = reviews([(rating, last_minute + gap + minutes) for rating, minutes in later])
    stored = replay(first, card_id=3, new_due=T0)

    assert continue_replay(stored, then, card_id=3) == replay(first + then, card_id=3, new_due=T0)


def test_a_review_at_or_before_the_last_one_needs_a_full_replay():
    first = reviews([(3, 0), (3, 10)])
    stored = replay(first, card_id=3, new_due=T0)

    assert continue_replay(stored, reviews([(4, 10)]), card_id=3) is None
    assert continue_replay(stored, reviews([(4, 5), (3, 20)]), card_id=3) is None


def test_a_card_never_reviewed_needs_a_full_replay():
    assert continue_replay(replay([], card_id=3, new_due=T0), reviews([(3, 1)]), card_id=3) is None
