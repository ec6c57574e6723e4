"""Two devices of one student review the same cards offline, push in any order and
batching (retrying some batches), pull in between: in the end both hold exactly the
server's card states, which are a from-scratch replay of every review."""

import uuid
from collections import defaultdict
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from quizzes import scheduling
from quizzes.api.sync import CardStateSerializer
from quizzes.models import CardState
from tests.quizzes.course import build_course

pytestmark = pytest.mark.django_db

CARDS = 3

reviews_strategy = st.lists(
    st.tuples(
        st.integers(0, 1),  # device
        st.integers(0, CARDS - 1),  # card
        st.integers(1, 4),  # rating
        st.integers(0, 3 * 24 * 60),  # minutes after the start: ties happen
    ),
    min_size=1,
    max_size=14,
)
actions_strategy = st.lists(
    st.tuples(
        st.integers(0, 1),  # device
        st.sampled_from(["push", "pull", "retry"]),
        st.integers(1, 4),  # reviews in a push; page size of a pull
    ),
    max_size=12,
)


class Device:
    def __init__(self, api: APIClient, reviews: list[dict]) -> None:
        self.api = api
        self.unpushed = list(reviews)
        self.last_batch: list[dict] = []
        self.cursor: str | None = None
        self.cards: dict[int, dict] = {}

    def push(self, size: int) -> None:
        batch, self.unpushed = self.unpushed[:size], self.unpushed[size:]
        self._send(batch)
        self.last_batch = batch

    def retry(self) -> None:
        self._send(self.last_batch)

    def _send(self, batch: list[dict]) -> None:
        response = self.api.post("/api/v1/sync/reviews/", {"reviews": batch}, format="json")
        assert response.status_code == 200, response.content
        body = response.json()
        assert set(body["accepted"]) | set(body["duplicates"]) == {r["id"] for r in batch}
        self._apply(body["card_states"])

    def pull(self, limit: int) -> bool:
        params = {"limit": limit} | ({"cursor": self.cursor} if self.cursor else {})
        response = self.api.get("/api/v1/sync/changes/", params)
        assert response.status_code == 200, response.content
        body = response.json()
        self._apply(body["card_states"])
        self.cursor = body["cursor"]
        return body["has_more"]

    def pull_all(self, limit: int) -> None:
        while self.pull(limit):
            pass

    def _apply(self, states: list[dict]) -> None:
        for state in states:
            self.cards[state["question"]] = state


def replayed(reviews: list[dict]) -> dict[int, dict]:
    """Every card's state from scratch, straight from the scheduler."""
    by_card: dict[int, list[scheduling.Review]] = defaultdict(list)
    for review in reviews:
        by_card[review["question"]].append(
            scheduling.Review(id=review["id"], rating=review["rating"], reviewed_at=review["at"])
        )
    states = {}
    for question, logs in by_card.items():
        snapshot = scheduling.replay(
            logs, card_id=question, new_due=min(log.reviewed_at for log in logs)
        )
        state = CardState(
            question_id=question,
            state=snapshot.state,
            step=snapshot.step,
            stability=snapshot.stability,
            difficulty=snapshot.difficulty,
            due=snapshot.due,
            last_review=snapshot.last_review,
            reps=snapshot.reps,
            lapses=snapshot.lapses,
        )
        states[question] = CardStateSerializer(state).data
    return states


@pytest.fixture
def cards(teacher):
    return build_course(teacher, lessons=1).published()[:CARDS]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(reviews=reviews_strategy, actions=actions_strategy)
def test_devices_converge_on_the_servers_replayed_card_states(student, cards, reviews, actions):
    start = timezone.now() - timedelta(days=4)
    made = [
        {
            "id": str(uuid.uuid4()),
            "question": cards[card].pk,
            "rating": rating,
            "reviewed_at": (start + timedelta(minutes=minutes)).isoformat(),
            "at": start + timedelta(minutes=minutes),
            "device": f"device {device}",
            "by": device,
        }
        for device, card, rating, minutes in reviews
    ]
    with transaction.atomic():
        api = APIClient()
        api.force_authenticate(student)
        devices = [
            Device(
                api,
                [
                    {k: v for k, v in r.items() if k not in ("at", "by")}
                    for r in made
                    if r["by"] == n
                ],
            )
            for n in (0, 1)
        ]
        for device, action, size in actions:
            if action == "push":
                devices[device].push(size)
            elif action == "retry":
                devices[device].retry()
            else:
                devices[device].pull(size)
        for device in devices:
            while device.unpushed:
                device.push(3)
        for device in devices:
            device.pull_all(limit=2)

        server = {
            state.question_id: CardStateSerializer(state).data
            for state in CardState.objects.filter(user=student)
        }
        expected = replayed(made)
        assert server == expected
        assert devices[0].cards == devices[1].cards == expected
        transaction.set_rollback(True)
