"""Two-column CSV, term then definition: what Quizlet's import takes.

Writing, each question becomes one row: the prompt (a cloze keeps its blank ``_____``)
and the answer (for true/false, "true" or "false"; for multiple choice, the right
choice). There is no header row, since Quizlet would import it as a card. Texts are
quoted the usual CSV way when they hold a comma, a quote or a line break.

What the format cannot carry: kinds (everything reads back as a flashcard), choices,
accepted alternatives, feedback, explanations and titles.

Reading takes UTF-8 (a byte order mark is fine), skips blank lines and a first row
"term,definition", and wants exactly two non-empty columns on every other row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from quizzes.interop.types import InterchangeError, InterchangeQuestion, Problem, decode_text

_HEADER = ["term", "definition"]


def dump(questions: Iterable[InterchangeQuestion]) -> str:
    """The questions as CSV text (write it as UTF-8)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for question in questions:
        writer.writerow([question.prompt, question.answer])
    return out.getvalue()


def load(data: str | bytes) -> list[InterchangeQuestion]:
    """One flashcard per row, or ``InterchangeError`` naming every bad line (and then
    no cards at all)."""
    reader = csv.reader(io.StringIO(decode_text(data), newline=""), strict=True)
    cards: list[InterchangeQuestion] = []
    problems: list[Problem] = []
    first_row = True
    line = 1
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append((line, f"This line is not valid CSV ({error})."))
            break
        if not any(cell.strip() for cell in row):
            continue
        if first_row and [cell.strip().lower() for cell in row] == _HEADER:
            first_row = False
            continue
        first_row = False
        if len(row) != 2:
            problems.append((line, f"Expected 2 columns (term, definition), found {len(row)}."))
            continue
        term, definition = (cell.strip() for cell in row)
        if not term or not definition:
            missing = "term" if not term else "definition"
            problems.append((line, f"The {missing} is empty."))
            continue
        cards.append(
            InterchangeQuestion(kind="flashcard", prompt=term, answer=definition, line=line)
        )
    if problems:
        raise InterchangeError(problems)
    return cards
