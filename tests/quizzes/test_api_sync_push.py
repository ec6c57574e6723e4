"""POST /api/v1/sync/reviews/: idempotent, all-or-nothing batches of offline reviews."""

import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connections
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from quizzes.api.sync import (
    CardStateSerializer,
    PushSerializer,
    card_state_rows,
    plain_push,
    serializer_push,
)
from quizzes.models import CardState, QuestionKind, ReviewLog, SyncCounter
from quizzes.services import reviews as review_service
from quizzes.sync import Cursor
from tests.quizzes.api_clients import api_for, concurrent_db, postgresql_only
from tests.quizzes.course import build_course, give_history

pytestmark = pytest.mark.django_db

URL = "/api/v1/sync/reviews/"


@pytest.fixture
def api(student) -> APIClient:
    return api_for(student)


@pytest.fixture
def course(teacher):
    return build_course(teacher)


@pytest.fixture
def cards(course):
    return course.published()


def item(question, minutes_ago=60, rating=3, **fields):
    body = {
        "id": str(uuid.uuid4()),
        "question": question.pk,
        "rating": rating,
        "reviewed_at": (timezone.now() - timedelta(minutes=minutes_ago)).isoformat(),
        "duration_ms": 4200,
        "device": "phone",
    }
    return {**body, **fields}


def push(api, reviews, **body):
    return api.post(URL, {"reviews": reviews, **body}, format="json")


def test_a_batch_is_stored_and_answers_the_touched_cards(api, student, cards):
    batch = [item(cards[0], 90), item(cards[0], 30, rating=1), item(cards[1])]

    response = push(api, batch)

    assert response.status_code == 200
    body = response.json()
    assert body["accepted"] == [r["id"] for r in batch] and body["duplicates"] == []
    assert ReviewLog.objects.filter(user=student).count() == 3
    states = {s["question"]: s for s in body["card_states"]}
    assert set(states) == {cards[0].pk, cards[1].pk}
    assert states[cards[0].pk]["reps"] == 2 and states[cards[0].pk]["lapses"] >= 0
    assert set(states[cards[0].pk]) == {
        "question",
        "state",
        "step",
        "stability",
        "difficulty",
        "due",
        "last_review",
        "reps",
        "lapses",
    }
    stored = CardState.objects.get(user=student, question=cards[0])
    assert (
        states[cards[0].pk]["reps"] == stored.reps and states[cards[0].pk]["state"] == stored.state
    )


def test_the_same_batch_three_times_is_stored_once_with_the_same_answer(api, student, cards):
    batch = [item(cards[0]), item(cards[1], 30)]
    ids = [r["id"] for r in batch]

    answers = [push(api, batch) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 200]
    assert answers[0].json()["accepted"] == ids
    for again in answers[1:]:
        assert again.json()["accepted"] == [] and again.json()["duplicates"] == ids
        assert again.json()["card_states"] == answers[0].json()["card_states"]
    assert ReviewLog.objects.filter(user=student).count() == 2


def test_a_reused_id_with_a_different_body_changes_nothing(api, student, cards):
    first = item(cards[0], rating=3)
    push(api, [first])
    state = CardState.objects.values().get(user=student)

    response = push(api, [{**first, "rating": 1, "question": cards[1].pk}])

    assert response.status_code == 200 and response.json()["duplicates"] == [first["id"]]
    log = ReviewLog.objects.get(pk=first["id"])
    assert log.rating == 3 and log.question_id == cards[0].pk
    assert CardState.objects.values().get(user=student) == state


def test_a_repeated_id_inside_one_batch_is_stored_once(api, cards):
    first = item(cards[0])

    body = push(api, [first, {**first, "rating": 1}]).json()

    assert body["accepted"] == [first["id"]] and body["duplicates"] == [first["id"]]
    assert ReviewLog.objects.count() == 1


def test_a_batch_with_one_invalid_review_stores_nothing(api, cards):
    batch = [item(cards[0]), item(cards[1], rating=5), item(cards[2])]

    response = push(api, batch)

    assert response.status_code == 400
    body = response.json()
    assert body["detail"]
    assert [(e["index"], e["field"]) for e in body["errors"]] == [(1, "rating")]
    assert ReviewLog.objects.count() == 0 and CardState.objects.count() == 0


def test_every_error_the_service_finds_is_answered_with_its_index(api, course, cards):
    draft = course.document.lessons.first().questions.get(status="draft")
    batch = [item(cards[0]), item(cards[1], minutes_ago=-10), item(draft)]

    response = push(api, batch)

    assert response.status_code == 400
    assert {(e["index"], e["field"]) for e in response.json()["errors"]} == {
        (1, "reviewed_at"),
        (2, "question"),
    }
    assert ReviewLog.objects.count() == 0


def test_a_failure_after_the_logs_are_written_leaves_none_of_them(student, cards, monkeypatch):
    done = [
        review_service.ReviewInput(
            id=uuid.uuid4(), question_id=cards[0].pk, rating=3, reviewed_at=timezone.now()
        )
    ]
    review_service.record_reviews(user=student, reviews=done)
    state = CardState.objects.values().get(user=student)
    version = SyncCounter.objects.get(key=f"user:{student.pk}").value

    def fail(*, user, log_ids):
        assert ReviewLog.objects.filter(pk__in=log_ids).count() == len(log_ids) == 4
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(review_service, "after_logs_stored", fail)
    batch = [
        review_service.ReviewInput(
            id=uuid.uuid4(), question_id=card.pk, rating=1, reviewed_at=timezone.now()
        )
        for card in cards[:4]
    ]
    with pytest.raises(RuntimeError):
        review_service.record_reviews(user=student, reviews=batch)

    assert ReviewLog.objects.count() == 1
    assert CardState.objects.values().get(user=student) == state
    assert SyncCounter.objects.get(key=f"user:{student.pk}").value == version


def test_a_question_the_student_may_not_study_is_refused(api, course, cards):
    draft = course.document.lessons.first().questions.get(status="draft")

    response = push(api, [item(cards[0]), item(draft), {**item(cards[1]), "question": 10**9}])

    assert response.status_code == 400
    errors = {(e["index"], e["field"]) for e in response.json()["errors"]}
    assert errors == {(1, "question"), (2, "question")}
    assert ReviewLog.objects.count() == 0


def test_a_question_of_an_archived_lesson_is_refused(api, course):
    lesson = course.lessons[0]
    lesson.archived_at = timezone.now()
    lesson.save()

    response = push(api, [item(course.questions[lesson.pk][QuestionKind.FLASHCARD])])

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "question"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"id": "not-a-uuid"}, "id"),
        ({"rating": 0}, "rating"),
        ({"rating": "good"}, "rating"),
        ({"reviewed_at": "yesterday"}, "reviewed_at"),
        ({"reviewed_at": "2026-03-02T09:00:00"}, "reviewed_at"),
        ({"duration_ms": -1}, "duration_ms"),
        ({"duration_ms": 2**31}, "duration_ms"),
        ({"device": "x" * 101}, "device"),
        ({"question": 2**63}, "question"),
        ({"question": None}, "question"),
    ],
)
def test_a_malformed_review_is_refused_with_its_index_and_field(api, cards, change, field):
    response = push(api, [item(cards[0]), {**item(cards[1]), **change}])

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"index": 1, "field": field, "message": response.json()["errors"][0]["message"]}
    ]
    assert ReviewLog.objects.count() == 0


def test_a_review_more_than_five_minutes_in_the_future_is_refused(api, cards):
    soon, later = item(cards[0], minutes_ago=-4), item(cards[1], minutes_ago=-6)

    response = push(api, [soon, later])

    assert response.status_code == 400
    assert [(e["index"], e["field"]) for e in response.json()["errors"]] == [(1, "reviewed_at")]
    assert push(api, [soon]).status_code == 200


def test_more_than_a_thousand_reviews_are_refused(api, cards):
    batch = [item(cards[n % len(cards)], minutes_ago=n) for n in range(1001)]

    response = push(api, batch)

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "reviews"
    assert ReviewLog.objects.count() == 0


@pytest.mark.parametrize(
    "body", [{}, {"reviews": "all"}, {"reviews": [7]}, [], {"reviews": [], "cursor": 3}]
)
def test_a_body_of_the_wrong_shape_is_a_400_with_errors(api, body):
    response = api.post(URL, body, format="json")

    assert response.status_code == 400
    assert response.json()["detail"] and response.json()["errors"]


def test_an_empty_batch_is_fine(api):
    response = push(api, [])

    assert response.status_code == 200
    assert response.json()["accepted"] == [] and response.json()["card_states"] == []


def test_the_cursor_sent_with_a_push_comes_back_unchanged(api, cards):
    cursor = api.get("/api/v1/sync/changes/").json()["cursor"]

    with_cursor = push(api, [item(cards[0])], cursor=cursor).json()["cursor"]
    without = push(api, [item(cards[1])]).json()["cursor"]

    assert with_cursor == cursor
    assert without == Cursor.beginning().encode()


def test_a_bad_cursor_in_a_push_stores_nothing(api, cards):
    response = push(api, [item(cards[0])], cursor="garbage")

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "cursor"
    assert ReviewLog.objects.count() == 0


def test_an_anonymous_push_is_refused(client, cards):
    response = client.post(URL, {"reviews": []}, content_type="application/json")

    assert response.status_code == 401


@postgresql_only
@concurrent_db
def test_the_same_batch_pushed_eight_times_at_once_is_stored_once(student):
    author = User.objects.create_user(username="author", password="x" * 12, is_staff=True)
    cards = build_course(author).published()
    batch = [item(card, minutes_ago=n) for n, card in enumerate(cards[:5])]
    ids = {r["id"] for r in batch}
    start = threading.Barrier(8)
    answers = []

    def device() -> None:
        try:
            api = APIClient()
            api.force_authenticate(student)
            start.wait()
            answers.append(push(api, batch))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=device) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [a.status_code for a in answers] == [200] * 8
    accepted = [i for a in answers for i in a.json()["accepted"]]
    assert sorted(accepted) == sorted(ids)  # each id accepted by exactly one push
    for answer in answers:
        assert set(answer.json()["accepted"]) | set(answer.json()["duplicates"]) == ids
    assert ReviewLog.objects.filter(user=student).count() == 5
    assert CardState.objects.filter(user=student).count() == 5


def test_the_push_answers_card_states_exactly_as_their_serializer_would(student, teacher):
    cards = build_course(teacher, lessons=2).published()
    give_history(student, cards, reviews=30, start=datetime(2026, 1, 5, 8, 30, tzinfo=UTC))
    states = CardState.objects.filter(user=student).order_by("question_id")

    assert card_state_rows(states) == CardStateSerializer(states, many=True).data


def _item(**changes):
    item = {
        "id": "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
        "question": 12,
        "rating": 3,
        "reviewed_at": "2026-03-02T09:00:00.250000+01:00",
        "duration_ms": 4200,
        "device": "phone",
    }
    item.update(changes)
    return {key: value for key, value in item.items() if value is not ...}


@pytest.mark.parametrize(
    "body",
    [
        {"reviews": [_item()]},
        {"reviews": [_item(), _item(id="3F2504E0-4F89-41D3-9A0C-0305E82C3302", rating=1)]},
        {"reviews": [_item(reviewed_at="2026-03-02T08:00:00Z", duration_ms=None)]},
        {"reviews": [_item(device=..., duration_ms=...)], "cursor": "abc"},
        {"reviews": []},
        {"reviews": [_item(rating="3")]},
        {"reviews": [_item(rating=True)]},
        {"reviews": [_item(rating=5)]},
        {"reviews": [_item(question=0)]},
        {"reviews": [_item(id=12)]},
        {"reviews": [_item(id="3f2504e04f8941d39a0c0305e82c3301")]},
        {"reviews": [_item(reviewed_at="2026-03-02T09:00:00")]},
        {"reviews": [_item(reviewed_at="2026-03-02 09:00:00+00:00")]},
        {"reviews": [_item(reviewed_at="2026-02-30T09:00:00+00:00")]},
        {"reviews": [_item(device="tab\tlet")]},
        {"reviews": [_item(device="x" * 101)]},
        {"reviews": [_item(duration_ms=-1)]},
        {"reviews": [_item(reviewed_at=...)]},
        {"reviews": [_item()], "cursor": ""},
        {"reviews": [_item()], "cursor": 7},
        {"reviews": [_item()], "cursor": None},
        {"reviews": "none"},
        [],
    ],
)
def test_the_quick_reading_of_a_push_agrees_with_its_serializer(body):
    plain = plain_push(body)
    form = PushSerializer(data=body)

    if plain is not None:  # read quickly: the serializer must read the same
        assert form.is_valid(), form.errors
        assert plain == serializer_push(form.validated_data)


def test_a_plain_push_is_read_quickly():
    assert plain_push({"reviews": [_item(), _item(device="")]}) is not None
