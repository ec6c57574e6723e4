"""The documents the generation tests run on: the importer's fixtures, the demo course,
this package's own fixtures, and a real article of the reader's own when
LECTERN_SEED_DOCUMENT names one (a plain-text file; the tests that need it skip otherwise)."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import pytest

from quizzes.generation import LessonText, QuestionDraft, generate_questions
from quizzes.ingest import parse

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
_SEED = os.environ.get("LECTERN_SEED_DOCUMENT", "")
SEED = Path(_SEED) if _SEED else None
DOCUMENTS = sorted(
    path
    for path in [
        *(ROOT / "tests" / "ingest" / "fixtures").iterdir(),
        *(ROOT / "quizzes" / "demo").glob("*.txt"),
        *(ROOT / "quizzes" / "demo").glob("*.md"),
        *(HERE / "fixtures").iterdir(),
    ]
    if not path.name.startswith("README")
)


@cache
def lessons_of(path: Path) -> tuple[LessonText, ...]:
    parsed = parse(path.read_bytes(), filename=path.name)
    return tuple(
        LessonText(key=n, heading=section.heading, body=section.body)
        for n, section in enumerate(parsed.sections)
    )


def lessons_from_text(text: str, filename: str = "doc.txt") -> tuple[LessonText, ...]:
    parsed = parse(text.encode(), filename=filename)
    return tuple(
        LessonText(key=n, heading=section.heading, body=section.body)
        for n, section in enumerate(parsed.sections)
    )


@cache
def questions_of(path: Path) -> dict[int, list[QuestionDraft]]:
    return generate_questions(lessons_of(path))


def seed_path() -> Path:
    if SEED is None or not SEED.is_file():
        pytest.skip("no real article given: set LECTERN_SEED_DOCUMENT to a plain-text file")
    return SEED


def all_documents() -> list[Path]:
    """Every fixture, plus the seed when it is present."""
    return [*DOCUMENTS, SEED] if SEED is not None and SEED.is_file() else list(DOCUMENTS)
