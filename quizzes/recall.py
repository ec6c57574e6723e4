"""FSRS recall probability summed by the database: mastery over many cards in one query.

:func:`quizzes.scheduling.retrievability` is the reference (a card's probability of being
recalled now). A page that shows the mastery of hundreds of lessons would read every
card's stability and last review back and evaluate it in Python; the same forgetting
curve as a database expression lets the database sum it per lesson instead, which costs
a fraction of the time. ``tests/scheduling/test_recall_sql.py`` holds the two to the same
figures on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Aggregate, DateTimeField, F, FloatField, Func, IntegerField, Value

from quizzes.scheduling import DECAY, FACTOR


class DaysSince(Func):
    """Whole days from a datetime column to ``now``, never negative: py-fsrs counts
    ``(now - last_review).days``. SQLite has no interval type: the difference of Julian
    days is taken to the millisecond (its precision) before whole days are counted."""

    output_field = IntegerField()
    arity = 2

    def __init__(self, column: str, now: datetime) -> None:
        super().__init__(Value(now, output_field=DateTimeField()), F(column))

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        return self.as_sql(
            compiler,
            connection,
            template=(
                "MAX(0, CAST(ROUND((julianday(%(expressions)s)) * 86400000) AS INTEGER)"
                " / 86400000)"
            ),
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        return self.as_sql(
            compiler,
            connection,
            template=(
                "GREATEST(0, FLOOR(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400))::integer"
            ),
            arg_joiner=" - ",
            **extra,
        )


class _RecallSum(Aggregate):
    """SUM over cards of (1 + FACTOR * days / stability) ** DECAY, written as one SQL
    template (a tree of Django expressions costs more to build than to run). A card
    never reviewed has no stability or last review: its term is NULL, which SUM skips."""

    template = (
        f"COALESCE(SUM(POWER(1.0 + {FACTOR!r} * CAST(%(expressions)s AS DOUBLE PRECISION),"
        f" {DECAY!r})), 0.0)"
    )
    arg_joiner = " AS DOUBLE PRECISION) / CAST("
    output_field = FloatField()


def recall(now: datetime) -> Aggregate:
    """The sum, over the rows of a CardState queryset, of each card's recall probability
    at ``now``. Cards never reviewed (no stability) add nothing, as in the reference."""
    return _RecallSum(DaysSince("last_review", now), F("stability"))
