"""Scheduling: review logs -> card state, with FSRS-6 (the ``fsrs`` package, py-fsrs).

Pure Python, no Django import. ``services`` maps ReviewLog rows onto :class:`Review` and
stores the :class:`CardSnapshot` this module returns as the user's CardState.

Card state is derived, never stored as truth
===========================================
A card's state is the fold of its review logs, ordered by ``(reviewed_at, id)``, through
one scheduler (:func:`replay`). Fuzzing is switched off (py-fsrs fuzz calls the global
``random()``), so the fold is a pure function of the *set* of reviews: two devices that
reviewed offline and synced in any order, in any batching, read the same state.

The scheduler is FSRS-6 with the package's default 21 parameters (the same weights as the
srs-benchmark README), ``desired_retention=0.9``, learning steps 1 min and 10 min,
relearning step 10 min, a maximum interval of 36,500 days, and no fuzz. Changing any of
these changes every card's schedule; ``tests/scheduling/test_golden.py`` pins the output
so that a library upgrade or a configuration change fails loudly instead of silently.

py-fsrs has no "new" state: a card with no reviews is reported here as ``"new"`` with no
step, stability or difficulty, due at the time the caller gives (``new_due``).

Quiz answers feed the schedule
==============================
See :func:`rating_for_quiz_answer`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fsrs import Card, Rating, Scheduler, State

RATINGS: dict[int, str] = {1: "again", 2: "hard", 3: "good", 4: "easy"}

SCHEDULER = Scheduler(
    desired_retention=0.9,
    learning_steps=(timedelta(minutes=1), timedelta(minutes=10)),
    relearning_steps=(timedelta(minutes=10),),
    maximum_interval=36500,
    enable_fuzzing=False,
)
"""The one scheduler every replay goes through (FSRS-6 default parameters, fuzz off)."""

_RATING = {1: Rating.Again, 2: Rating.Hard, 3: Rating.Good, 4: Rating.Easy}
_STATE_NAMES = {State.Learning: "learning", State.Review: "review", State.Relearning: "relearning"}


def _require_aware(value: datetime, name: str) -> datetime:
    """Return ``value`` in UTC (the only zone py-fsrs accepts); reject a naive datetime."""
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value.isoformat()}")
    return value.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Review:
    """One review log as the scheduler sees it.

    ``id`` is the review's UUID as a string (the canonical lowercase form, as the database
    stores it); it only breaks ties between reviews at the same instant.
    """

    id: str
    rating: int
    reviewed_at: datetime

    def __post_init__(self) -> None:
        if (
            not isinstance(self.rating, int)
            or isinstance(self.rating, bool)
            or self.rating not in RATINGS
        ):
            raise ValueError(f"rating must be one of 1, 2, 3, 4, got {self.rating!r}")
        _require_aware(self.reviewed_at, "reviewed_at")


@dataclass(frozen=True, slots=True)
class CardSnapshot:
    """A card's scheduling state after folding its reviews; datetimes are in UTC."""

    state: str
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    reps: int
    lapses: int


def _sorted(reviews: Iterable[Review]) -> list[tuple[datetime, str, int]]:
    """``(reviewed_at, id, rating)`` in replay order. ``rating`` is the last key only so
    that two malformed reviews sharing instant and id still sort the same way whatever
    order they arrive in."""
    return sorted((_require_aware(r.reviewed_at, "reviewed_at"), r.id, r.rating) for r in reviews)


def _apply(
    card: Card, ordered: list[tuple[datetime, str, int]], reps: int, lapses: int
) -> tuple[Card, int, int]:
    review_card = SCHEDULER.review_card
    for reviewed_at, _id, rating in ordered:
        if rating == 1 and card.state == State.Review:
            lapses += 1
        card, _log = review_card(card, _RATING[rating], review_datetime=reviewed_at)
        reps += 1
    return card, reps, lapses


def _fold(reviews: Iterable[Review], card_id: int, new_due: datetime) -> tuple[Card, int, int]:
    """Fold the reviews (sorted by ``(reviewed_at, id)``) into an fsrs Card; count reps/lapses."""
    return _apply(Card(card_id=card_id, due=new_due), _sorted(reviews), 0, 0)


def _snapshot(card: Card, reps: int, lapses: int) -> CardSnapshot:
    return CardSnapshot(
        state=_STATE_NAMES[card.state],
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
        reps=reps,
        lapses=lapses,
    )


def replay(reviews: Iterable[Review], *, card_id: int, new_due: datetime) -> CardSnapshot:
    """The card's state: its reviews folded through :data:`SCHEDULER` in ``(reviewed_at, id)``
    order. The same set of reviews in any order gives the same snapshot.

    ``card_id`` is passed to ``fsrs.Card`` (whose default constructor sleeps 1 ms to make an
    id); it does not affect scheduling. ``new_due`` is the card's due time while it has no
    reviews (its creation or first-seen time); it must be timezone-aware.
    """
    new_due = _require_aware(new_due, "new_due")
    card, reps, lapses = _fold(reviews, card_id, new_due)
    if reps == 0:
        return CardSnapshot(
            state="new",
            step=None,
            stability=None,
            difficulty=None,
            due=new_due,
            last_review=None,
            reps=0,
            lapses=0,
        )
    return _snapshot(card, reps, lapses)


_STATES = {name: state for state, name in _STATE_NAMES.items()}


def continue_replay(
    snapshot: CardSnapshot, reviews: Iterable[Review], *, card_id: int
) -> CardSnapshot | None:
    """The snapshot after ``reviews``, folded on from ``snapshot`` (the state after the
    card's earlier reviews) instead of from the first review: the same result as
    :func:`replay` of all of them, at the cost of the new ones only.

    That holds only when every new review comes after the card's last review (the usual
    case: a device sends what it studied since). Otherwise, or for a card never reviewed,
    the answer is None and the caller replays the whole history.
    """
    if snapshot.state not in _STATES or snapshot.last_review is None:
        return None
    ordered = _sorted(reviews)
    if not ordered or ordered[0][0] <= _require_aware(snapshot.last_review, "last_review"):
        return None
    card = Card(
        card_id=card_id,
        state=_STATES[snapshot.state],
        step=snapshot.step,
        stability=snapshot.stability,
        difficulty=snapshot.difficulty,
        due=_require_aware(snapshot.due, "due"),
        last_review=_require_aware(snapshot.last_review, "last_review"),
    )
    return _snapshot(*_apply(card, ordered, snapshot.reps, snapshot.lapses))


def next_intervals(
    reviews: Iterable[Review], *, card_id: int, now: datetime
) -> dict[int, timedelta]:
    """For each rating 1..4, how long until the card would be due if it were rated so ``now``.

    These are the labels under the flashcard buttons (see :func:`describe_interval`).
    """
    now = _require_aware(now, "now")
    card, _reps, _lapses = _fold(reviews, card_id, now)
    return {
        rating: SCHEDULER.review_card(card, fsrs_rating, review_datetime=now)[0].due - now
        for rating, fsrs_rating in _RATING.items()
    }


DECAY = -SCHEDULER.parameters[20]
FACTOR = 0.9 ** (1 / DECAY) - 1
"""FSRS-6's forgetting curve R(t) = (1 + FACTOR * t / S) ** DECAY, with DECAY the last of the
scheduler's parameters and FACTOR chosen so that R(S) = 0.9 (the curve py-fsrs uses)."""


def retrievability(
    *, stability: float | None, last_review: datetime | None, now: datetime
) -> float:
    """The probability (0..1) that the student recalls the card ``now``: FSRS's forgetting
    curve for :data:`SCHEDULER`, counting whole days since the last review as py-fsrs
    does. A card never reviewed (no stability or last review) is 0. This is what
    "mastery" averages over a lesson's cards; the formula is inlined (a test holds it to
    ``Scheduler.get_card_retrievability``) because a page may sum it over thousands of cards.
    """
    if stability is None or last_review is None:
        return 0.0
    elapsed_days = max(0, (_require_aware(now, "now") - last_review).days)
    return (1 + FACTOR * elapsed_days / stability) ** DECAY


def _round_half_up(value: float) -> int:
    return math.floor(value + 0.5)


def describe_interval(delta: timedelta) -> str:
    """A short label for a button: "1 min", "10 min", "1 h", "3 d", "2 mo", "1.2 y".

    Rounded to the nearest unit (halves up), then the largest unit that keeps the number
    below the next one: minutes below 60, hours below 24, days below 30, months (30 days)
    below 12, then years (365 days, at least 1) with one decimal ("1 y", "1.2 y"). Anything under a
    minute, or negative, reads "1 min" (FSRS never schedules sooner). Translation is the
    caller's job.
    """
    seconds = max(delta.total_seconds(), 0.0)
    minutes = _round_half_up(seconds / 60)
    if minutes < 60:
        return f"{max(minutes, 1)} min"
    hours = _round_half_up(seconds / 3600)
    if hours < 24:
        return f"{hours} h"
    days = _round_half_up(seconds / 86400)
    if days < 30:
        return f"{days} d"
    months = _round_half_up(days / 30)
    if months < 12:
        return f"{months} mo"
    years = max(_round_half_up(days / 36.5), 10) / 10
    return f"{years:g} y"


EXPECTED_SECONDS: dict[str, float] = {
    "true_false": 6.0,
    "multiple_choice": 10.0,
    "flashcard": 10.0,
    "cloze": 12.0,
    "short_answer": 20.0,
}
"""Typical time a student who knows the answer takes to give it, per question kind."""

SLOW_FACTOR = 2.0
"""A correct answer taking more than ``SLOW_FACTOR`` x the expected time is "slow"."""

FAST_FACTOR = 0.5
"""A correct answer taking at most ``FAST_FACTOR`` x the expected time is "fast"."""


def rating_for_quiz_answer(*, correct: bool, seconds: float, kind: str, known: bool) -> int:
    """The FSRS rating a graded quiz answer counts as for the question's card.

    - wrong -> 1 Again: the student did not recall it; that is exactly a lapse.
    - right but slow (more than 2x the expected time for the kind) -> 2 Hard: FSRS's
      "recalled, with serious difficulty". Hesitating over a known answer predicts
      forgetting sooner, so the interval should grow less than for a fluent answer.
    - right -> 3 Good: the default for a correct recall.
    - right and fast (at most half the expected time) *and* ``known`` -> 4 Easy. ``known``
      means the card is in state "review" (it has graduated from learning). Easy is
      withheld from new or learning cards because on them a quick right answer says little
      (a true/false question is a coin toss, multiple choice a 1-in-4 guess), and Easy on
      a learning card graduates it straight to a multi-day interval.

    Expected times (``EXPECTED_SECONDS``): true/false 6 s, multiple choice 10 s,
    flashcard 10 s, cloze 12 s, short answer 20 s; so e.g. a short answer is "slow" after
    40 s and "fast" within 10 s. Relative thresholds keep a long typed answer from always
    counting as slow and a click from always counting as fast. An unknown ``kind`` or a
    negative or non-finite ``seconds`` raises ``ValueError``.
    """
    try:
        expected = EXPECTED_SECONDS[kind]
    except KeyError:
        raise ValueError(f"unknown question kind {kind!r}") from None
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"seconds must be a finite number >= 0, got {seconds!r}")
    if not correct:
        return 1
    if seconds > SLOW_FACTOR * expected:
        return 2
    if known and seconds <= FAST_FACTOR * expected:
        return 4
    return 3
