"""Sync bookkeeping: the version counters and the tombstones of deleted content."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from quizzes.models.content import SYNC_VERSION_HELP


class SyncCounter(models.Model):
    """One stream of sync versions: ``"content"`` (lessons, questions, deletions; bumped
    by database triggers) or ``"user:<id>"`` (a student's review logs and card states;
    bumped by ``services.record_reviews``). A writer bumps the row inside its transaction
    and keeps it locked until commit, so versions become visible in increasing order and
    a pull that pages by version never skips a row committed late (see quizzes.sync)."""

    key = models.CharField(max_length=64, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class TombstoneKind(models.TextChoices):
    LESSON = "lesson", _("Lesson")
    QUESTION = "question", _("Question")


class ContentTombstone(models.Model):
    """A deleted lesson or question, written by a database trigger, so that devices that
    pulled it learn it is gone. Kept forever: a device may come back after months."""

    kind = models.CharField(max_length=12, choices=TombstoneKind.choices)
    object_id = models.BigIntegerField()
    sync_version = models.BigIntegerField(db_index=True, help_text=SYNC_VERSION_HELP)
    deleted_at = models.DateTimeField(db_default=Now())

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=TombstoneKind.values), name="tombstone_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} deleted at version {self.sync_version}"
