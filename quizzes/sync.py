"""The pull side of offline sync: what changed since a device's cursor.

Streams and versions
====================
Every row a pull returns carries a ``sync_version`` taken from a counter row
(``SyncCounter``) that its writer bumped inside the writing transaction:

- the *content* stream (counter ``"content"``): lessons, questions (a change to one of
  their choices re-stamps the question) and ``ContentTombstone`` rows for deleted ones.
  Database triggers stamp them on every write, whatever wrote it (see migration 0008);
- a student's stream (counter ``"user:<id>"``): their review logs and card states,
  stamped by ``services.record_reviews``.

The counter row stays locked until the writer commits, so the versions of one counter
become visible in increasing order: once a reader sees version *v*, no transaction can
still commit a row at or below *v*. That is what lets a cursor be a plain keyset.

The cursor
==========
Opaque to clients: URL-safe base64 (no padding) of a small JSON object holding, for each
table, the ``(sync_version, id)`` of the last row returned (``null`` before the first),
and the hash of the documents the user could see (below).
A pull reads lessons, questions, tombstones, review logs and card states in that order,
each after its position and ordered by ``(sync_version, id)``, until ``limit`` items in
all; ``has_more`` says whether any table had more. A row written again moves past the
position and is returned again (its newest state); a row never moves backwards, so
following the cursor until ``has_more`` is false returns every change exactly once,
including changes committed while the device was paging.

What is returned as deleted
===========================
``deleted`` holds ``{type, id}`` for archived lessons, for questions that are not
published or whose lesson is archived, and for deleted lessons and questions
(tombstones). Archiving or restoring a lesson re-stamps its questions, so they leave and
come back with it.

Scope
=====
Content of the documents ``Document.objects.visible_to(user)`` returns; review logs and
card states of this user only. Tombstones name only an id and a kind and are not scoped
(the deleted row's document is gone with it).

When what a user may see changes
================================
Visibility is read at pull time, and it changes without touching the content rows: a
student joins or leaves a class, a teacher adds a document to a class or takes it out,
a document is opened to all or closed again. A document that becomes visible keeps the
versions its rows already had, below the device's cursor, so it would never be pulled;
one that stops being visible would stay on the device.

So the cursor also carries a short hash of the sorted ids of the documents visible when
it was issued. A pull first reads those ids (one query); when their hash differs from
the cursor's, the content positions (lessons, questions, tombstones) go back to the
beginning and that page carries ``visible_documents``, the full list of ids, telling
the device to drop the lessons and questions of any document not in it. The user's own
streams (review logs, card states) go on from where they were: visibility does not
change them. Otherwise ``visible_documents`` is null. A pull without a cursor (or with
one issued before cursors carried the hash) is such a restart too, so a device that
starts over also learns what to drop.

The price is that any change in the set re-sends all of the user's content once, even
when a single document was added (a new document open to all restarts every student's
content); re-stamping the rows of the documents concerned instead would cost a write
per row and per change of a class, and could not tell a device what to drop. Reading the ids before
the streams keeps it safe against a change committed in between: the cursor then
carries the older hash, and the next pull restarts.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import uuid
from dataclasses import dataclass, field
from typing import TypedDict

from django.db.models import F, Prefetch, Q, QuerySet, prefetch_related_objects

from accounts.models import User
from quizzes.models import (
    CardState,
    Choice,
    ContentTombstone,
    Document,
    Lesson,
    Question,
    QuestionStatus,
    ReviewLog,
)

DEFAULT_LIMIT = 500
MAX_LIMIT = 1000
MAX_CURSOR_LENGTH = 1000
MAX_INTEGER = 2**63 - 1

LESSONS = "lessons"
QUESTIONS = "questions"
TOMBSTONES = "tombstones"
REVIEW_LOGS = "review_logs"
CARD_STATES = "card_states"
STREAMS = (LESSONS, QUESTIONS, TOMBSTONES, REVIEW_LOGS, CARD_STATES)
"""Tables in the order a pull reads them."""

CONTENT_STREAMS = (LESSONS, QUESTIONS, TOMBSTONES)
"""What restarts when the user's visible documents change."""

_CURSOR_KEYS = {LESSONS: "l", QUESTIONS: "q", TOMBSTONES: "t", REVIEW_LOGS: "r", CARD_STATES: "c"}
_VISIBILITY_KEY = "d"
_CURSOR_FORMAT = 2
_OLD_CURSOR_FORMAT = 1
"""Cursors from before the visibility hash: still read, as "visibility unknown"."""
_CURSOR_TEXT = re.compile(r"[A-Za-z0-9_-]+")
_VISIBILITY_HASH = re.compile(r"[0-9a-f]{16}")

Position = tuple[int, int | uuid.UUID]
"""The ``(sync_version, id)`` of the last row returned from one table."""


class BadCursor(ValueError):
    """The cursor was not made by this server (or not by this version of it)."""


def visibility_hash(document_ids: list[int]) -> str:
    """A short hash of a set of document ids (given sorted): 64 bits, so two sets one
    user sees in turn do not share one by chance."""
    text = ",".join(map(str, document_ids)).encode("ascii")
    return hashlib.sha256(text).hexdigest()[:16]


@dataclass(frozen=True)
class Cursor:
    positions: dict[str, Position | None] = field(default_factory=lambda: dict.fromkeys(STREAMS))
    visibility: str | None = None
    """:func:`visibility_hash` of the documents visible when it was issued; None when
    unknown (the beginning, or a cursor from before the hash)."""

    @classmethod
    def beginning(cls) -> Cursor:
        return cls()

    def encode(self) -> str:
        data: dict[str, object] = {"v": _CURSOR_FORMAT}
        for stream, key in _CURSOR_KEYS.items():
            position = self.positions.get(stream)
            data[key] = None if position is None else [position[0], _plain(position[1])]
        data[_VISIBILITY_KEY] = self.visibility
        text = json.dumps(data, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(text).rstrip(b"=").decode("ascii")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        """Read a cursor given by a client; :class:`BadCursor` if it is not one of ours."""
        if not text or len(text) > MAX_CURSOR_LENGTH or not _CURSOR_TEXT.fullmatch(text):
            raise BadCursor(text)
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            data = json.loads(raw.decode("utf-8"))
        except (binascii.Error, ValueError, RecursionError) as error:
            raise BadCursor(text) from error
        if not isinstance(data, dict):
            raise BadCursor(text)
        streams = {"v", *_CURSOR_KEYS.values()}
        if data.get("v") == _CURSOR_FORMAT and set(data) == {*streams, _VISIBILITY_KEY}:
            visibility = data[_VISIBILITY_KEY]
            if visibility is not None and not (
                isinstance(visibility, str) and _VISIBILITY_HASH.fullmatch(visibility)
            ):
                raise BadCursor(text)
        elif data.get("v") == _OLD_CURSOR_FORMAT and set(data) == streams:
            visibility = None
        else:
            raise BadCursor(text)
        return cls(
            positions={
                stream: _position(data[key], uuid_ids=stream == REVIEW_LOGS)
                for stream, key in _CURSOR_KEYS.items()
            },
            visibility=visibility,
        )


def _plain(pk: int | uuid.UUID) -> int | str:
    return str(pk) if isinstance(pk, uuid.UUID) else pk


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_INTEGER


def _position(value: object, *, uuid_ids: bool) -> Position | None:
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != 2 or not _is_count(value[0]):
        raise BadCursor(value)
    version, pk = value
    if not uuid_ids:
        if not _is_count(pk):
            raise BadCursor(value)
        return (version, pk)
    if not isinstance(pk, str):
        raise BadCursor(value)
    try:
        return (version, uuid.UUID(pk))
    except ValueError as error:
        raise BadCursor(value) from error


class Deletion(TypedDict):
    type: str
    id: int


@dataclass
class Changes:
    lessons: list[Lesson]
    questions: list[Question]
    deleted: list[Deletion]
    review_logs: list[ReviewLog]
    card_states: list[CardState]
    cursor: Cursor
    has_more: bool
    visible_documents: list[int] | None = None
    """Set when the content streams restarted: the ids of every document the user may
    now see; the device drops the lessons and questions of any other."""


def _streams(user: User, documents: QuerySet[Document]) -> dict[str, QuerySet]:
    """Every row of each table this user may pull, whatever its version."""
    return {
        LESSONS: Lesson.objects.filter(document__in=documents),
        QUESTIONS: Question.objects.filter(lesson__document__in=documents).annotate(
            lesson_archived_at=F("lesson__archived_at")
        ),
        TOMBSTONES: ContentTombstone.objects.all(),
        REVIEW_LOGS: ReviewLog.objects.filter(user=user),
        CARD_STATES: CardState.objects.filter(user=user),
    }


def _after(rows: QuerySet, position: Position | None) -> QuerySet:
    if position is not None:
        version, pk = position
        rows = rows.filter(Q(sync_version__gt=version) | Q(sync_version=version, pk__gt=pk))
    return rows.order_by("sync_version", "pk")


def changes_since(*, user: User, cursor: Cursor, limit: int = DEFAULT_LIMIT) -> Changes:
    """Up to ``limit`` changed rows after ``cursor``, and the cursor that follows them.

    When the documents visible to the user are not those the cursor was issued for, the
    content streams start again from the beginning and ``visible_documents`` lists them
    (see "When what a user may see changes" above).

    A fixed number of queries: the visible documents' ids, one per table (or an
    existence check once the limit is reached), and one for the returned questions'
    choices.
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be 1 to {MAX_LIMIT}, got {limit}")
    documents = Document.objects.visible_to(user)
    # Read before the streams: a change committed in between leaves the older hash in
    # the cursor, and the next pull restarts.
    visible = list(documents.order_by("pk").values_list("pk", flat=True))
    visibility = visibility_hash(visible)
    positions = dict(cursor.positions)
    visible_documents = None
    if cursor.visibility != visibility:
        positions.update(dict.fromkeys(CONTENT_STREAMS))
        visible_documents = visible
    found: dict[str, list] = {}
    budget = limit
    has_more = False
    for stream, rows in _streams(user, documents).items():
        after = _after(rows, positions.get(stream))
        if budget == 0:
            found[stream] = []
            has_more = has_more or after.exists()
            continue
        page = list(after[: budget + 1])
        if len(page) > budget:
            has_more = True
            page = page[:budget]
        if page:
            positions[stream] = (page[-1].sync_version, page[-1].pk)
        budget -= len(page)
        found[stream] = page

    lessons: list[Lesson] = []
    questions: list[Question] = []
    deleted: list[Deletion] = []
    for lesson in found[LESSONS]:
        if lesson.is_archived:
            deleted.append({"type": "lesson", "id": lesson.pk})
        else:
            lessons.append(lesson)
    for question in found[QUESTIONS]:
        if question.status != QuestionStatus.PUBLISHED or question.lesson_archived_at is not None:
            deleted.append({"type": "question", "id": question.pk})
        else:
            questions.append(question)
    prefetch_related_objects(
        questions, Prefetch("choices", queryset=Choice.objects.order_by("position", "id"))
    )
    deleted.extend(
        {"type": tombstone.kind, "id": tombstone.object_id} for tombstone in found[TOMBSTONES]
    )
    return Changes(
        lessons=lessons,
        questions=questions,
        deleted=deleted,
        review_logs=found[REVIEW_LOGS],
        card_states=found[CARD_STATES],
        cursor=Cursor(positions=positions, visibility=visibility),
        has_more=has_more,
        visible_documents=visible_documents,
    )
