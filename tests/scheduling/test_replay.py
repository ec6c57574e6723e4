"""replay: the card state is the fold of its reviews in (reviewed_at, id) order."""

import time
import uuid
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.scheduling import CardSnapshot, Review, replay

T0 = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)


def review(rating, minutes, id_=None):
    return Review(
        id=id_ or str(uuid.uuid4()), rating=rating, reviewed_at=T0 + timedelta(minutes=minutes)
    )


def test_a_card_without_reviews_is_new_and_due_when_given():
    assert replay([], card_id=7, new_due=T0) == CardSnapshot(
        state="new",
        step=None,
        stability=None,
        difficulty=None,
        due=T0,
        last_review=None,
        reps=0,
        lapses=0,
    )


def test_snapshot_datetimes_are_utc_whatever_zone_came_in():
    paris = ZoneInfo("Europe/Paris")
    local = [
        Review(id="a", rating=3, reviewed_at=T0.astimezone(paris)),
        Review(id="b", rating=3, reviewed_at=(T0 + timedelta(minutes=10)).astimezone(paris)),
    ]
    utc = [Review(id="a", rating=3, reviewed_at=T0), review(3, 10, "b")]
    snapshot = replay(local, card_id=1, new_due=T0.astimezone(paris))
    assert snapshot == replay(utc, card_id=1, new_due=T0)
    assert snapshot.due.tzinfo == UTC
    assert snapshot.last_review.tzinfo == UTC
    assert replay([], card_id=1, new_due=T0.astimezone(paris)).due.tzinfo == UTC


# (ratings, minutes after T0 for each, reps, lapses, state)
COUNTS = [
    pytest.param([3], [0], 1, 0, "learning", id="one good: learning"),
    pytest.param([1, 1, 1], [0, 1, 2], 3, 0, "learning", id="again while learning: no lapse"),
    pytest.param([4], [0], 1, 0, "review", id="easy graduates at once"),
    pytest.param([4, 1], [0, 60 * 24 * 8], 2, 1, "relearning", id="again in review: a lapse"),
    pytest.param(
        [4, 1, 1],
        [0, 60 * 24 * 8, 60 * 24 * 8 + 10],
        3,
        1,
        "relearning",
        id="again while relearning: no second lapse",
    ),
    pytest.param(
        [4, 1, 3, 1],
        [0, 60 * 24 * 8, 60 * 24 * 8 + 10, 60 * 24 * 10],
        4,
        2,
        "relearning",
        id="two lapses after relearning back to review",
    ),
    pytest.param(
        [4, 2, 3, 4],
        [0, 60 * 24 * 8, 60 * 24 * 20, 60 * 24 * 40],
        4,
        0,
        "review",
        id="hard is not a lapse",
    ),
]


@pytest.mark.parametrize(("ratings", "minutes", "reps", "lapses", "state"), COUNTS)
def test_reps_and_lapses_are_counted(ratings, minutes, reps, lapses, state):
    reviews = [review(r, m) for r, m in zip(ratings, minutes, strict=True)]
    snapshot = replay(reviews, card_id=1, new_due=T0)
    assert (snapshot.reps, snapshot.lapses, snapshot.state) == (reps, lapses, state)
    assert snapshot.last_review == reviews[-1].reviewed_at


def test_reviews_at_the_same_instant_are_ordered_by_id():
    # Again then Easy, or Easy then Again, at the same instant: the id decides.
    again_first = [review(1, 0, "a"), review(4, 0, "b")]
    easy_first = [review(4, 0, "a"), review(1, 0, "b")]
    assert replay(again_first, card_id=1, new_due=T0).state == "review"
    lapsed = replay(easy_first, card_id=1, new_due=T0)
    assert (lapsed.state, lapsed.lapses) == ("relearning", 1)
    assert replay(reversed(again_first), card_id=1, new_due=T0) == replay(
        again_first, card_id=1, new_due=T0
    )


def test_the_same_instant_in_two_zones_is_one_instant():
    # 10:00 Paris == 09:00 UTC: the Paris review does not sort after an 09:30 UTC one.
    paris = Review(
        id="z", rating=1, reviewed_at=datetime(2025, 1, 6, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
    )
    later = review(4, 30, "a")
    assert replay([later, paris], card_id=1, new_due=T0).state == "review"


def test_replay_accepts_any_iterable():
    reviews = [review(3, 0), review(3, 10)]
    assert replay(iter(reviews), card_id=1, new_due=T0) == replay(reviews, card_id=1, new_due=T0)


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(datetime(2025, 1, 6, 9, 0), id="naive"),
        pytest.param(datetime(2025, 1, 6, 9, 0, tzinfo=None), id="explicitly naive"),
    ],
)
def test_naive_datetimes_are_rejected(bad):
    with pytest.raises(ValueError, match="timezone-aware"):
        Review(id="a", rating=3, reviewed_at=bad)
    with pytest.raises(ValueError, match="timezone-aware"):
        replay([], card_id=1, new_due=bad)


def test_a_non_datetime_is_rejected():
    with pytest.raises(TypeError):
        Review(id="a", rating=3, reviewed_at="2025-01-06T09:00:00Z")


@pytest.mark.parametrize("rating", [0, 5, -1, True, 3.0, "3", None])
def test_ratings_outside_1_to_4_are_rejected(rating):
    with pytest.raises(ValueError, match="rating"):
        Review(id="a", rating=rating, reviewed_at=T0)


def test_review_is_frozen():
    r = review(3, 0)
    with pytest.raises(AttributeError):
        r.rating = 4


reviews_strategy = st.lists(
    st.builds(
        Review,
        # a handful of ids and instants, so ties on reviewed_at (and on both) do occur
        id=st.sampled_from([str(uuid.UUID(int=i)) for i in range(6)]) | st.uuids().map(str),
        rating=st.integers(1, 4),
        reviewed_at=st.integers(0, 60 * 24 * 90).map(lambda m: T0 + timedelta(minutes=m))
        | st.sampled_from([T0, T0 + timedelta(days=3)]),
    ),
    max_size=25,
)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), reviews=reviews_strategy)
def test_any_permutation_gives_the_same_snapshot(data, reviews):
    shuffled = data.draw(st.permutations(reviews))
    expected = replay(reviews, card_id=3, new_due=T0)
    assert replay(shuffled, card_id=3, new_due=T0) == expected
    assert expected.reps == len(reviews)
    assert 0 <= expected.lapses <= len(reviews)


@settings(max_examples=50, deadline=None)
@given(reviews=reviews_strategy, offset=st.integers(-12, 14))
def test_the_zone_reviews_arrive_in_does_not_matter(reviews, offset):
    zone = timezone(timedelta(hours=offset))
    moved = [Review(r.id, r.rating, r.reviewed_at.astimezone(zone)) for r in reviews]
    assert replay(moved, card_id=3, new_due=T0) == replay(reviews, card_id=3, new_due=T0)


def test_replay_is_fast():
    # The research measured ~13-29 us per replayed log; allow a wide margin for slow CI.
    reviews = [review(3, 60 * 24 * i) for i in range(2000)]
    start = time.perf_counter()
    replay(reviews, card_id=1, new_due=T0)
    assert time.perf_counter() - start < 1.0
