"""Question interchange: Moodle GIFT and Quizlet's two-column CSV, both ways.

Pure Python: no Django here. The caller turns questions into ``InterchangeQuestion``
values, calls ``gift.dump`` / ``quizlet_csv.dump``, and on the way back calls ``load``,
which either returns every question or raises ``InterchangeError`` naming each bad line.
"""

from quizzes.interop.types import (
    BLANK,
    KINDS,
    InterchangeChoice,
    InterchangeError,
    InterchangeQuestion,
    Problem,
)

__all__ = [
    "BLANK",
    "KINDS",
    "InterchangeChoice",
    "InterchangeError",
    "InterchangeQuestion",
    "Problem",
]
