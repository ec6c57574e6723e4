"""What the generator takes and returns. Plain frozen dataclasses: no Django here."""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("cloze", "multiple_choice", "true_false", "short_answer", "flashcard")
QUIZ_KINDS = frozenset({"cloze", "multiple_choice", "true_false", "short_answer"})


@dataclass(frozen=True, slots=True)
class LessonText:
    key: int  # the caller's id for the lesson (its position or primary key)
    heading: str
    body: str


@dataclass(frozen=True, slots=True)
class ChoiceDraft:
    text: str
    is_correct: bool


@dataclass(frozen=True, slots=True)
class QuestionDraft:
    """One proposed question. ``body[source_start:source_end] == source_sentence``.

    cloze / multiple_choice: ``prompt`` is the sentence with the term replaced by
    ``_____`` (or a question) and ``answer`` the term; true_false: ``prompt`` is the
    statement and ``answer`` "true" or "false"; short_answer: a question and a short
    term; flashcard: front and back."""

    kind: str
    prompt: str
    answer: str
    accepted_answers: tuple[str, ...]
    choices: tuple[ChoiceDraft, ...]
    explanation: str
    source_sentence: str
    source_start: int
    source_end: int
    answer_type: str
    score: float
