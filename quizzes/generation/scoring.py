"""Scores, duplicates and the cut: keep the best N of a lesson with variety of kinds.

* A candidate's score is its sentence's quality plus weights for the answer's type and
  the question's kind (``score``).
* Two questions ask the same thing (``same_question``) when their prompt+answer match
  closely (rapidfuzz), when one is the other reversed (a flashcard and a short answer
  on one definition), or when they share an answer and most of their prompt words.
* ``select`` keeps at most one quiz question and one flashcard per sentence and one
  quiz question per answer, keeps true and false statements balanced (|T − F| ≤ 1),
  seeds the selection with the best question of each of the three best kinds, then
  fills by score with a penalty for repeating a kind. A lesson of 80+ words that is
  still short of four questions or three kinds gets a second, relaxed pass.
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz

from .items import Candidate
from .text import fold
from .types import KINDS, QUIZ_KINDS, QuestionDraft

TYPE_WEIGHT = {
    "term": 0.55,
    "person": 0.5,
    "place": 0.45,
    "organisation": 0.45,
    "year": 0.45,
    "date": 0.45,
    "percentage": 0.4,
    "number": 0.35,
    "language": 0.3,
    "name": 0.2,
}
KIND_WEIGHT = {
    "multiple_choice": 0.4,
    "short_answer": 0.35,
    "cloze": 0.3,
    "flashcard": 0.3,
    "true_false": 0.25,
}
SAME_TEXT = 85.0
SAME_PROMPT = 80.0
KIND_REPEAT_PENALTY = 0.3
FLOOR_WORDS = 70  # "about 80 words": a little below, to be safe
FLOOR_QUESTIONS = 4
FLOOR_KINDS = 3


def score(sentence_quality: float, answer_type: str, kind: str, extra: float = 0.0) -> float:
    return sentence_quality + TYPE_WEIGHT.get(answer_type, 0.2) + KIND_WEIGHT[kind] + extra


def _folded(draft: QuestionDraft) -> tuple[str, str]:
    return fold(draft.prompt), fold(draft.answer)


def same_question(a: tuple[str, str], b: tuple[str, str], *, cross: bool = False) -> bool:
    """``a`` and ``b`` are folded (prompt, answer) pairs; ``cross`` when one is a
    flashcard and the other a quiz question (they are studied apart, so only a reversal
    or a shared answer on a like prompt makes them the same)."""
    if not cross and fuzz.ratio(a[0] + " | " + a[1], b[0] + " | " + b[1]) >= SAME_TEXT:
        return True
    if (
        fuzz.token_set_ratio(a[0], b[1]) >= SAME_PROMPT
        and fuzz.token_set_ratio(a[1], b[0]) >= SAME_PROMPT
    ):
        return True  # one is the other reversed (a card and a question on one fact)
    return a[1] == b[1] and fuzz.token_set_ratio(a[0], b[0]) >= SAME_PROMPT


class _Selection:
    def __init__(self, avoid: Sequence[tuple[str, str]]) -> None:
        self.chosen: list[Candidate] = []
        self.taken: set[int] = set()
        self.avoid: list[tuple[str, str]] = [(fold(p), fold(a)) for p, a in avoid]
        self.folded: dict[int, tuple[str, str]] = {}
        self.checked: dict[tuple[int, bool], int] = {}
        self.duplicates: set[tuple[int, bool]] = set()
        self.kinds: dict[str, int] = {}
        self.quiz_per_sentence: dict[int, int] = {}
        self.cards_per_sentence: dict[int, int] = {}
        self.quiz_answers: dict[str, int] = {}
        self.fronts: set[str] = set()
        self.true = 0
        self.false = 0

    def admissible(self, candidate: Candidate, *, relaxed: bool, fallback: bool = False) -> bool:
        draft = candidate.draft
        if candidate.fallback and not fallback:
            return False
        if draft.kind in QUIZ_KINDS:
            if self.quiz_per_sentence.get(candidate.sentence, 0) >= (2 if relaxed else 1):
                return False
            if candidate.answer_key and self.quiz_answers.get(candidate.answer_key, 0) >= (
                2 if relaxed else 1
            ):
                return False
        elif (
            self.cards_per_sentence.get(candidate.sentence, 0) >= 1
            or fold(draft.prompt) in self.fronts
        ):
            return False
        if candidate.tf == "true" and self.true > self.false:
            return False
        if candidate.tf == "false" and self.false > self.true:
            return False
        if relaxed and draft.kind in QUIZ_KINDS and candidate.answer_key:
            # a second question on one sentence must not ask for the same term
            for other in self.chosen:
                if (
                    other.sentence == candidate.sentence
                    and other.draft.kind in QUIZ_KINDS
                    and (other.answer_key == candidate.answer_key or other.tf or candidate.tf)
                ):
                    return False
        return not self._duplicate(candidate, relaxed=relaxed)

    def _folded(self, candidate: Candidate) -> tuple[str, str]:
        key = id(candidate)
        if key not in self.folded:
            self.folded[key] = _folded(candidate.draft)
        return self.folded[key]

    def _duplicate(self, candidate: Candidate, *, relaxed: bool) -> bool:
        """Compared with each chosen question once (results are kept per mode)."""
        key = (id(candidate), relaxed)
        if key in self.duplicates:
            return True
        mine = self._folded(candidate)
        start = self.checked.get(key)
        if start is None:
            if any(same_question(mine, other) for other in self.avoid):
                self.duplicates.add(key)
                return True
            start = 0
        card = candidate.draft.kind == "flashcard"
        for other in self.chosen[start:]:
            if (  # two blanks in one sentence: the per-sentence rule decides
                relaxed
                and other.sentence == candidate.sentence
                and other.answer_key != candidate.answer_key
                and candidate.draft.kind in QUIZ_KINDS
                and other.draft.kind in QUIZ_KINDS
            ):
                continue
            cross = card != (other.draft.kind == "flashcard")
            if same_question(mine, self._folded(other), cross=cross):
                self.duplicates.add(key)
                return True
        self.checked[key] = len(self.chosen)
        return False

    def add(self, candidate: Candidate) -> None:
        draft = candidate.draft
        self.chosen.append(candidate)
        self.taken.add(id(candidate))
        self.kinds[draft.kind] = self.kinds.get(draft.kind, 0) + 1
        if draft.kind in QUIZ_KINDS:
            self.quiz_per_sentence[candidate.sentence] = (
                self.quiz_per_sentence.get(candidate.sentence, 0) + 1
            )
            if candidate.answer_key:
                self.quiz_answers[candidate.answer_key] = (
                    self.quiz_answers.get(candidate.answer_key, 0) + 1
                )
        else:
            self.cards_per_sentence[candidate.sentence] = 1
            self.fronts.add(fold(draft.prompt))
        self.true += candidate.tf == "true"
        self.false += candidate.tf == "false"

    def fill(
        self, ranked: list[Candidate], limit: int, *, relaxed: bool, fallback: bool = False
    ) -> None:
        while len(self.chosen) < limit:
            best: Candidate | None = None
            best_value = 0.0
            for candidate in ranked:
                if id(candidate) in self.taken or not self.admissible(
                    candidate, relaxed=relaxed, fallback=fallback
                ):
                    continue
                value = candidate.draft.score - KIND_REPEAT_PENALTY * self.kinds.get(
                    candidate.draft.kind, 0
                )
                if best is None or value > best_value:
                    best, best_value = candidate, value
            if best is None:
                return
            self.add(best)


def _rank_key(candidate: Candidate) -> tuple[float, int, int, str, str]:
    draft = candidate.draft
    return (-draft.score, candidate.sentence, KINDS.index(draft.kind), draft.prompt, draft.answer)


def select(
    candidates: Sequence[Candidate],
    *,
    limit: int,
    words: int,
    avoid: Sequence[tuple[str, str]] = (),
) -> list[QuestionDraft]:
    """The best ``limit`` drafts of one lesson, best first."""
    if limit <= 0:
        return []
    ranked = sorted(candidates, key=_rank_key)
    selection = _Selection(avoid)
    best_of_kind: dict[str, Candidate] = {}
    for candidate in ranked:
        best_of_kind.setdefault(candidate.draft.kind, candidate)
    for kind in sorted(best_of_kind, key=lambda k: _rank_key(best_of_kind[k]))[:FLOOR_KINDS]:
        if len(selection.chosen) >= limit:
            break
        for candidate in ranked:
            if candidate.draft.kind == kind and selection.admissible(candidate, relaxed=False):
                selection.add(candidate)
                break
    selection.fill(ranked, limit, relaxed=False)
    for fallback in (False, True):
        short = len(selection.chosen) < FLOOR_QUESTIONS or len(selection.kinds) < FLOOR_KINDS
        if words < FLOOR_WORDS or not short:
            break
        for kind in KINDS:
            if kind in selection.kinds or len(selection.chosen) >= limit:
                continue
            for candidate in ranked:
                if candidate.draft.kind == kind and selection.admissible(
                    candidate, relaxed=True, fallback=fallback
                ):
                    selection.add(candidate)
                    break
        target = min(limit, max(FLOOR_QUESTIONS, len(selection.chosen)))
        selection.fill(ranked, target, relaxed=True, fallback=fallback)
    chosen = sorted(selection.chosen, key=_rank_key)
    return [candidate.draft for candidate in chosen]
