"""Fault points: named places in a write path where a test may make the process fail.

The product installs no hook: ``hook`` stays None, and a point costs one check of that
module attribute. The worker-kill test installs one in the WSGI module it runs under
gunicorn (tests/quizzes/fault_app.py), to kill its own worker half-way through a push
and show that the device's retry stores the batch exactly once. Settings and
environment variables cannot turn a hook on.

The points of a push (``services.record_reviews``), in order:

- ``PUSH_WRITTEN``: the batch's review logs, card states and sync version are written,
  and the transaction has not committed;
- ``PUSH_COMMITTED``: the transaction has committed, and the view has not answered.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Protocol

from django.db import transaction

PUSH_WRITTEN = "push-written"
PUSH_COMMITTED = "push-committed"


class Hook(Protocol):
    def __call__(self, point: str, *, user_id: int, review_ids: Sequence[uuid.UUID]) -> None:
        """Called at each fault point with what the write is about."""


hook: Hook | None = None


def push_written(*, user_id: int, review_ids: Sequence[uuid.UUID]) -> None:
    """Run the hook at ``PUSH_WRITTEN`` now, and at ``PUSH_COMMITTED`` once the current
    transaction commits. Call it only when ``hook`` is set."""
    installed = hook
    if installed is None:
        return
    installed(PUSH_WRITTEN, user_id=user_id, review_ids=review_ids)
    transaction.on_commit(
        lambda: installed(PUSH_COMMITTED, user_id=user_id, review_ids=review_ids)
    )
