"""Question interchange: Moodle GIFT, Moodle XML and Quizlet's two-column CSV, both ways,
and Anki packages, one way.

Pure Python: no Django here. The caller turns questions into ``InterchangeQuestion``
values and calls ``gift.dump`` / ``moodle_xml.dump`` / ``quizlet_csv.dump`` (or
``apkg.dump`` with ``AnkiCard`` values); on the way back it calls ``load``, which either
returns every question (each with the line it starts on) or raises ``InterchangeError``
naming each bad line. Each module's docstring says what its format cannot carry.
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
