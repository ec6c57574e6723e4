"""A student's own data as one JSON document: what the account page's "Download my data"
sends.

It is written piece by piece (a generator of text chunks) so that a student with a long
history costs neither a long wait before the first byte nor the whole file in memory. Every
list is one query whatever its length (six in all), and every query is filtered on the
requesting user, so nobody else's rows can appear. Device tokens are listed by name and
dates only: neither the token nor its digest leaves the server.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from accounts.models import DeviceToken, User
from quizzes.models import Answer, CardState, Membership, QuizAttempt, ReviewLog

FORMAT = "lectern-data"
VERSION = 1
CHUNK_SIZE = 2000
"""Rows fetched from the database at a time while the file is written."""


def export_filename(user: User) -> str:
    return f"lectern-data-{user.get_username()}.json"


def _dumps(value: Any) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)


def _json_list(rows: Iterable[Any]) -> Iterator[str]:
    """A JSON array, one element per line, without building the list first."""
    yield "["
    separator = "\n"
    for row in rows:
        yield separator + _dumps(row)
        separator = ",\n"
    yield "\n]"


def _account(user: User) -> dict[str, Any]:
    return {
        "username": user.get_username(),
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
    }


def _classes(user: User) -> Iterator[dict[str, Any]]:
    rows = (
        Membership.objects.filter(student=user)
        .order_by("joined_at", "pk")
        .values("classroom__name", "joined_at")
    )
    for row in rows:
        yield {"name": row["classroom__name"], "joined_at": row["joined_at"]}


def _review_logs(user: User) -> Iterator[dict[str, Any]]:
    rows = (
        ReviewLog.objects.filter(user=user)
        .order_by("reviewed_at", "id")
        .values_list(
            "id",
            "question_id",
            "question__prompt",
            "rating",
            "reviewed_at",
            "duration_ms",
            "device",
        )
    )
    for log_id, question_id, prompt, rating, reviewed_at, duration_ms, device in rows.iterator(
        chunk_size=CHUNK_SIZE
    ):
        yield {
            "id": log_id,
            "question_id": question_id,
            "prompt": prompt,
            "rating": rating,
            "reviewed_at": reviewed_at,
            "duration_ms": duration_ms,
            "device": device,
        }


def _card_states(user: User) -> Iterator[dict[str, Any]]:
    rows = (
        CardState.objects.filter(user=user)
        .order_by("question_id")
        .values(
            "question_id",
            "question__prompt",
            "state",
            "step",
            "stability",
            "difficulty",
            "due",
            "last_review",
            "reps",
            "lapses",
        )
    )
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        row["prompt"] = row.pop("question__prompt")
        yield row


def _answer(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "position": row["position"],
        "question_id": row["question_id"],
        "prompt": row["question__prompt"],
        "response": row["response"],
        "correct": row["correct"],
        "score": row["score"],
        "seconds": row["seconds"],
        "answered_at": row["answered_at"],
    }


def _attempts(user: User) -> Iterator[dict[str, Any]]:
    """Each attempt with its answers. Both queries sort by the attempt's (started_at, id),
    so the answers are handed out in step with their attempts: two queries in all."""
    attempts = (
        QuizAttempt.objects.filter(user=user)
        .order_by("started_at", "id")
        .values(
            "id",
            "document__title",
            "lesson__heading",
            "started_at",
            "submitted_at",
            "score",
            "max_score",
        )
    )
    answers = (
        Answer.objects.filter(attempt__user=user)
        .order_by("attempt__started_at", "attempt_id", "position")
        .values(
            "attempt_id",
            "position",
            "question_id",
            "question__prompt",
            "response",
            "correct",
            "score",
            "seconds",
            "answered_at",
        )
        .iterator(chunk_size=CHUNK_SIZE)
    )
    pending = next(answers, None)
    # The attempts are held in memory (a few rows per quiz taken) so that only one cursor
    # is open while the many answers are read.
    for attempt in list(attempts):
        rows = []
        while pending is not None and pending["attempt_id"] == attempt["id"]:
            rows.append(_answer(pending))
            pending = next(answers, None)
        yield {
            "id": attempt["id"],
            "document": attempt["document__title"],
            "lesson": attempt["lesson__heading"],
            "started_at": attempt["started_at"],
            "submitted_at": attempt["submitted_at"],
            "score": attempt["score"],
            "max_score": attempt["max_score"],
            "answers": rows,
        }


def _device_tokens(user: User) -> Iterator[dict[str, Any]]:
    rows = (
        DeviceToken.objects.filter(user=user)
        .order_by("created", "pk")
        .values("device_name", "created", "expiry")
    )
    for row in rows:
        yield {"name": row["device_name"], "created": row["created"], "expiry": row["expiry"]}


def export_user_data(user: User) -> Iterator[str]:
    """The JSON document, in chunks of text; joined, they parse as one object."""
    header = {"format": FORMAT, "version": VERSION, "exported_at": timezone.now()}
    yield _dumps(header)[:-1]  # the object stays open for the sections below
    yield ',\n"account": ' + _dumps(_account(user))
    sections = {
        "classes": _classes,
        "review_logs": _review_logs,
        "card_states": _card_states,
        "quiz_attempts": _attempts,
        "device_tokens": _device_tokens,
    }
    for name, rows in sections.items():
        yield f",\n{_dumps(name)}: "
        yield from _json_list(rows(user))
    yield "\n}\n"
