"""The data set of bench/load.py and what each virtual user needs to act as a student.

The students, the course and the review history are bench/student_pages.py's seed (1,000
students, 20 documents x 10 lessons x 10 questions, 100,000 review logs and their card
states, all written in bulk). On top of it, each student gets what a signed-in browser
and a synced phone hold, written directly rather than earned through the login form
(whose password hashing would cost more CPU than the load itself):

- a session, as ``django.contrib.auth.login`` stores it (user id, backend, the hash of
  the password), so the session cookie alone signs the student in;
- a device token for the API (django-rest-knox, stored hashed);
- a sync cursor at the end of every stream, as a device holds after a full pull: its
  pulls then return what changed since, as a phone's routine sync does.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

from student_pages import STUDENTS, seed

LAST_UUID = "ffffffff-ffff-ffff-ffff-ffffffffffff"


@dataclass(frozen=True)
class Student:
    """What one student's browser and phone hold: plain values, sent to client processes."""

    session: str
    token: str
    cursor: str


@dataclass(frozen=True)
class Course:
    lesson_ids: list[int]
    question_ids: list[int]


def seed_load() -> tuple[list[Student], Course]:
    """Seed the data set; the students (in id order) and the course's ids."""
    from accounts.models import User
    from quizzes.models import Lesson, Question

    started = time.perf_counter()
    data = seed()
    users = list(User.objects.filter(username__startswith="student").order_by("pk"))
    if len(users) != STUDENTS:
        raise SystemExit(f"seeded {len(users)} students, not {STUDENTS}")
    sessions = _sessions(users)
    tokens = _tokens(users)
    cursor = _cursor_at_end(users[0])
    course = Course(
        lesson_ids=sorted(lesson.pk for lesson in data["lessons"]),
        question_ids=list(
            Question.objects.published().order_by("pk").values_list("pk", flat=True)
        ),
    )
    assert len(course.lesson_ids) == Lesson.objects.count()
    print(
        f"seeded {STUDENTS:,} students (with a session, a device token and a sync cursor "
        f"each), {len(course.lesson_ids)} lessons, {len(course.question_ids):,} questions, "
        f"100,000 review logs in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return [
        Student(session=session, token=token, cursor=cursor)
        for session, token in zip(sessions, tokens, strict=True)
    ], course


def _sessions(users: list[Any]) -> list[str]:
    """A signed-in session per student, as ``login()`` stores it, through the configured
    session engine (so the server finds it whatever that engine is); their keys."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.db import transaction

    engine = import_module(settings.SESSION_ENGINE)
    # The backend login() records is the one that checked the password: Django's own
    # (any other listed, such as a lockout check, only refuses).
    backend = next(
        (path for path in settings.AUTHENTICATION_BACKENDS if path.endswith(".ModelBackend")),
        settings.AUTHENTICATION_BACKENDS[-1],
    )
    keys = []
    with transaction.atomic():  # one commit for the thousand
        for user in users:
            store = engine.SessionStore()
            store[SESSION_KEY] = str(user.pk)
            store[BACKEND_SESSION_KEY] = backend
            store[HASH_SESSION_KEY] = user.get_session_auth_hash()
            store.create()
            keys.append(store.session_key)
    return keys


def _tokens(users: list[Any]) -> list[str]:
    """A device token per student (knox makes and hashes each); the tokens."""
    from django.db import transaction

    from accounts.models import DeviceToken

    with transaction.atomic():
        return [DeviceToken.objects.create(user=user, device_name="bench")[1] for user in users]


def _cursor_at_end(student: Any) -> str:
    """A cursor past every row of every stream, good for each seeded student: they all
    see the same documents, and the seed stamps their logs and states version 0 (no
    push yet). Checked: a pull from it finds nothing."""
    from quizzes import sync
    from quizzes.models import Document, SyncCounter

    content = SyncCounter.objects.filter(key="content").values_list("value", flat=True).first()
    top = (content or 0, sync.MAX_INTEGER)
    visible = Document.objects.visible_to(student).order_by("pk").values_list("pk", flat=True)
    cursor = sync.Cursor(
        positions={
            sync.LESSONS: top,
            sync.QUESTIONS: top,
            sync.TOMBSTONES: top,
            sync.REVIEW_LOGS: (0, uuid.UUID(LAST_UUID)),
            sync.CARD_STATES: (0, sync.MAX_INTEGER),
        },
        visibility=sync.visibility_hash(list(visible)),
    )
    changes = sync.changes_since(user=student, cursor=cursor, limit=1)
    found = changes.lessons or changes.questions or changes.review_logs or changes.card_states
    if found or changes.has_more or changes.visible_documents is not None:
        raise SystemExit("the seeded cursor is not at the end of the streams")
    return cursor.encode()
