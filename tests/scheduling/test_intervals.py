"""next_intervals and describe_interval: what the flashcard buttons say."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Card, State
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes import scheduling
from quizzes.scheduling import Review, describe_interval, next_intervals, replay

T0 = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("delta", "label"),
    [
        pytest.param(timedelta(0), "1 min", id="zero reads as the shortest step"),
        pytest.param(timedelta(seconds=-5), "1 min", id="negative reads as the shortest step"),
        pytest.param(timedelta(seconds=20), "1 min", id="under a minute"),
        pytest.param(timedelta(minutes=1), "1 min", id="one minute"),
        pytest.param(timedelta(minutes=5, seconds=30), "6 min", id="halves round up"),
        pytest.param(timedelta(minutes=10), "10 min", id="ten minutes"),
        pytest.param(timedelta(minutes=59, seconds=29), "59 min", id="just under an hour"),
        pytest.param(timedelta(minutes=59, seconds=30), "1 h", id="rounds up to an hour"),
        pytest.param(timedelta(hours=1), "1 h", id="one hour"),
        pytest.param(timedelta(hours=23), "23 h", id="23 hours"),
        pytest.param(timedelta(hours=23, minutes=30), "1 d", id="rounds up to a day"),
        pytest.param(timedelta(days=3), "3 d", id="three days"),
        pytest.param(timedelta(days=29), "29 d", id="29 days"),
        pytest.param(timedelta(days=30), "1 mo", id="thirty days is a month"),
        pytest.param(timedelta(days=46), "2 mo", id="46 days"),
        pytest.param(timedelta(days=344), "11 mo", id="eleven months"),
        pytest.param(timedelta(days=345), "1 y", id="twelve months is a year"),
        pytest.param(timedelta(days=365), "1 y", id="one year"),
        pytest.param(timedelta(days=438), "1.2 y", id="a year and a bit"),
        pytest.param(timedelta(days=36500), "100 y", id="the maximum interval"),
    ],
)
def test_describe_interval(delta, label):
    assert describe_interval(delta) == label


def test_new_card_buttons():
    labels = {r: describe_interval(d) for r, d in next_intervals([], card_id=1, now=T0).items()}
    assert labels == {1: "1 min", 2: "6 min", 3: "10 min", 4: "8 d"}


def test_next_intervals_do_not_change_the_card():
    reviews = [Review("a", 3, T0), Review("b", 3, T0 + timedelta(minutes=10))]
    before = replay(reviews, card_id=1, new_due=T0)
    next_intervals(reviews, card_id=1, now=T0 + timedelta(days=2))
    assert replay(reviews, card_id=1, new_due=T0) == before


def test_next_intervals_match_replaying_one_more_review():
    reviews = [Review("a", 4, T0)]
    now = T0 + timedelta(days=9)
    intervals = next_intervals(reviews, card_id=1, now=now)
    for rating, delta in intervals.items():
        extra = Review(str(uuid.uuid4()), rating, now)
        assert replay([*reviews, extra], card_id=1, new_due=T0).due - now == delta


def test_naive_now_is_rejected():
    with pytest.raises(ValueError, match="timezone-aware"):
        next_intervals([], card_id=1, now=datetime(2025, 1, 6, 9, 0))


history = st.lists(
    st.tuples(st.integers(1, 4), st.integers(0, 60 * 24 * 60)), min_size=1, max_size=15
)


@settings(max_examples=200, deadline=None)
@given(history=history, wait_minutes=st.integers(0, 60 * 24 * 400))
def test_intervals_are_monotone_for_a_card_in_review(history, wait_minutes):
    # Review each card at increasing gaps, then graduate it with Easy so it is in review.
    reviews, at = [], T0
    for i, (rating, gap) in enumerate(history):
        at += timedelta(minutes=gap)
        reviews.append(Review(f"{i:04d}", rating, at))
    at += timedelta(minutes=1)
    reviews.append(Review("9999", 4, at))
    assert replay(reviews, card_id=1, new_due=T0).state == "review"
    now = at + timedelta(minutes=wait_minutes)
    i = next_intervals(reviews, card_id=1, now=now)
    assert timedelta(0) < i[1] <= i[2] <= i[3] <= i[4]
    assert i[4] <= timedelta(days=36500)


@settings(max_examples=100, deadline=None)
@given(history=history)
def test_intervals_are_monotone_for_any_card_reviewed_when_due(history):
    reviews, at = [], T0
    for i, (rating, gap) in enumerate(history):
        at += timedelta(minutes=gap)
        reviews.append(Review(f"{i:04d}", rating, at))
    now = max(replay(reviews, card_id=1, new_due=T0).due, at)
    i = next_intervals(reviews, card_id=1, now=now)
    assert i[1] <= i[2] <= i[3] <= i[4]


class TestRetrievability:
    def test_a_card_never_reviewed_is_not_known(self) -> None:
        now = datetime(2026, 1, 1, tzinfo=UTC)
        assert scheduling.retrievability(stability=None, last_review=None, now=now) == 0.0

    def test_recall_is_certain_on_the_day_and_fades_with_time(self) -> None:
        reviewed = datetime(2026, 1, 1, tzinfo=UTC)
        at = [
            scheduling.retrievability(
                stability=10.0, last_review=reviewed, now=reviewed + timedelta(days=days)
            )
            for days in (0, 10, 100)
        ]
        assert at[0] == 1.0
        # FSRS defines stability as the interval at which recall falls to 90 %.
        assert at[1] == pytest.approx(0.9, abs=1e-6)
        assert at[0] > at[1] > at[2] > 0

    @given(
        stability=st.floats(min_value=0.01, max_value=36500),
        hours=st.integers(min_value=-48, max_value=24 * 3650),
    )
    @settings(max_examples=200, deadline=None)
    def test_it_agrees_with_py_fsrs(self, stability: float, hours: int) -> None:
        reviewed = datetime(2026, 1, 1, tzinfo=UTC)
        now = reviewed + timedelta(hours=hours)
        card = Card(card_id=1, state=State.Review, stability=stability, last_review=reviewed)
        expected = scheduling.SCHEDULER.get_card_retrievability(card, now)

        got = scheduling.retrievability(stability=stability, last_review=reviewed, now=now)

        assert got == pytest.approx(expected, rel=1e-12)

    def test_a_naive_now_is_refused(self) -> None:
        with pytest.raises(ValueError, match="timezone-aware"):
            scheduling.retrievability(
                stability=1.0,
                last_review=datetime(2026, 1, 1, tzinfo=UTC),
                now=datetime(2026, 1, 2),
            )
