"""Golden values: the schedule for a fixed rating sequence, pinned to fsrs 6.3.2's output.

The numbers below were observed once from fsrs 6.3.2 (FSRS-6 default parameters,
desired retention 0.9, steps 1 min/10 min, relearning 10 min, fuzz off) and are written out
by hand. If an upgrade of ``fsrs`` or a change of scheduler configuration moves any of them,
these tests fail: re-check the change, then update the values on purpose.
"""

from datetime import UTC, datetime, timedelta

import fsrs
import pytest

from quizzes.scheduling import SCHEDULER, Review, next_intervals, replay


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


CARD_ID = 1
CREATED = utc(2025, 1, 6, 9, 0)

# (reviewed_at, rating, state, step, stability, difficulty, due) - each review is made
# exactly when the card falls due.
GOLDEN = [
    (utc(2025, 1, 6, 9, 0), 3, "learning", 1, 2.3065, 2.118103970459016, utc(2025, 1, 6, 9, 10)),
    (utc(2025, 1, 6, 9, 10), 3, "review", None, 2.3065, 2.111214235785395, utc(2025, 1, 8, 9, 10)),
    (
        utc(2025, 1, 8, 9, 10),
        1,
        "relearning",
        0,
        0.6077016626638644,
        7.392238132342694,
        utc(2025, 1, 8, 9, 20),
    ),
    (
        utc(2025, 1, 8, 9, 20),
        2,
        "relearning",
        0,
        0.6077016626638644,
        8.254074519842886,
        utc(2025, 1, 8, 9, 35),
    ),
    (
        utc(2025, 1, 8, 9, 35),
        3,
        "review",
        None,
        0.6597976257475758,
        8.24104881461988,
        utc(2025, 1, 9, 9, 35),
    ),
    (
        utc(2025, 1, 9, 9, 35),
        4,
        "review",
        None,
        3.2712138720774293,
        7.638517664887921,
        utc(2025, 1, 12, 9, 35),
    ),
]
RATING_NAMES = ["good", "good", "again", "hard", "good", "easy"]
REVIEWS = [
    Review(id=f"00000000-0000-4000-8000-00000000000{i}", rating=rating, reviewed_at=at)
    for i, (at, rating, *_rest) in enumerate(GOLDEN)
]
FSRS_STATES = {
    "learning": fsrs.State.Learning,
    "review": fsrs.State.Review,
    "relearning": fsrs.State.Relearning,
}


@pytest.mark.parametrize("n", range(1, len(GOLDEN) + 1), ids=lambda n: "+".join(RATING_NAMES[:n]))
def test_replay_matches_the_pinned_schedule(n):
    _at, _rating, state, step, stability, difficulty, due = GOLDEN[n - 1]
    snapshot = replay(REVIEWS[:n], card_id=CARD_ID, new_due=CREATED)
    assert snapshot.state == state
    assert snapshot.step == step
    assert snapshot.stability == pytest.approx(stability, rel=1e-12)
    assert snapshot.difficulty == pytest.approx(difficulty, rel=1e-12)
    assert snapshot.due == due
    assert snapshot.last_review == GOLDEN[n - 1][0]
    assert snapshot.reps == n
    assert snapshot.lapses == (1 if n >= 3 else 0)


def test_driving_fsrs_directly_gives_the_pinned_schedule():
    """A scheduler built from fsrs's own defaults (not ours) must reproduce the table: if
    this fails and the test above passes, our configuration drifted from the reference; if
    both fail, the library changed its behaviour."""
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    card = fsrs.Card(card_id=CARD_ID, due=CREATED)
    for at, rating, state, step, stability, difficulty, due in GOLDEN:
        card, log = scheduler.review_card(card, fsrs.Rating(rating), review_datetime=at)
        assert log.rating == rating
        assert card.state == FSRS_STATES[state]
        assert card.step == step
        assert card.stability == pytest.approx(stability, rel=1e-12)
        assert card.difficulty == pytest.approx(difficulty, rel=1e-12)
        assert card.due == due


def test_our_scheduler_is_fsrs6_defaults_with_fuzz_off():
    reference = fsrs.Scheduler()
    assert SCHEDULER.parameters == reference.parameters
    assert len(SCHEDULER.parameters) == 21
    assert SCHEDULER.parameters[:4] == (0.212, 1.2931, 2.3065, 8.2956)
    assert SCHEDULER.parameters[20] == 0.1542
    assert SCHEDULER.desired_retention == 0.9
    assert SCHEDULER.learning_steps == (timedelta(minutes=1), timedelta(minutes=10))
    assert SCHEDULER.relearning_steps == (timedelta(minutes=10),)
    assert SCHEDULER.maximum_interval == 36500
    assert SCHEDULER.enable_fuzzing is False


@pytest.mark.parametrize(
    ("n_reviews", "now", "expected"),
    [
        pytest.param(
            0,
            CREATED,
            {
                1: timedelta(minutes=1),
                2: timedelta(minutes=5, seconds=30),
                3: timedelta(minutes=10),
                4: timedelta(days=8),
            },
            id="new card",
        ),
        pytest.param(
            2,
            utc(2025, 1, 8, 9, 10),
            {
                1: timedelta(minutes=10),
                2: timedelta(days=8),
                3: timedelta(days=11),
                4: timedelta(days=19),
            },
            id="graduated card, on its due date",
        ),
        pytest.param(
            2,
            utc(2025, 3, 8, 9, 10),
            {
                1: timedelta(minutes=10),
                2: timedelta(days=28),
                3: timedelta(days=46),
                4: timedelta(days=83),
            },
            id="graduated card, two months overdue",
        ),
    ],
)
def test_next_intervals_are_pinned(n_reviews, now, expected):
    assert next_intervals(REVIEWS[:n_reviews], card_id=CARD_ID, now=now) == expected
