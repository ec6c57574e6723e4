"""Structural invariants of every generated question, on every document we have."""

from __future__ import annotations

from pathlib import Path

import pytest
from rapidfuzz import fuzz

from quizzes.generation import KINDS, QuestionDraft
from quizzes.generation.geography import geography
from quizzes.generation.numbers import read_quantity, read_year
from quizzes.generation.terms import Document, build_document
from quizzes.generation.text import BLANK, fold, mentions_any

from .documents import DOCUMENTS, lessons_of, questions_of, seed_path

NUMERIC = {"number", "year", "percentage", "date"}
ANSWER_TYPES = {
    "person",
    "place",
    "organisation",
    "language",
    "name",
    "number",
    "year",
    "date",
    "percentage",
    "term",
    "phrase",
    "",
}


def option_type(doc: Document, text: str, answer_type: str) -> str:
    """The type of a multiple-choice option: from the document, else what it parses as."""
    bare = text.removeprefix("the ")
    key = fold(bare)
    key = doc.resolve.get(key, key)
    if key in doc.terms:
        return doc.terms[key].kind
    for term in doc.terms.values():
        if fold(bare) in (fold(form) for form in term.forms) or fold(bare) == fold(
            term.display.split()[-1]
        ):
            return term.kind
    if answer_type == "year":
        read_year(bare)  # raises if it is not a year
        return "year"
    if answer_type in {"number", "percentage"}:
        percent = next((p for p in ("%", " percent", " per cent") if bare.endswith(p)), "")
        quantity = read_quantity(bare.removesuffix(percent).lower(), percent)
        assert quantity is not None, text
        return "percentage" if percent else "number"
    if key in geography().places:
        return "place"
    return "unknown"


def check_question(q: QuestionDraft, body: str, doc: Document) -> None:
    assert q.kind in KINDS
    assert q.answer_type in ANSWER_TYPES, q.answer_type
    assert body[q.source_start : q.source_end] == q.source_sentence
    assert q.source_sentence.strip() == q.source_sentence
    assert isinstance(q.score, float)
    assert q.prompt and q.answer and q.explanation
    folded_answer = " ".join(q.answer.casefold().split())
    assert all(" ".join(a.casefold().split()) != folded_answer for a in q.accepted_answers)
    if q.kind == "true_false":
        assert q.answer in {"true", "false"}
        assert not mentions_any(q.prompt, ["true", "false"])
        assert q.explanation.startswith("True: " if q.answer == "true" else "False: ")
        assert q.choices == ()
        return
    assert not mentions_any(q.prompt, [q.answer, *q.accepted_answers]), (q.prompt, q.answer)
    if q.kind == "cloze":
        assert q.prompt.count(BLANK) == 1
    if q.kind == "flashcard":
        assert q.choices == ()
        return
    if q.kind == "multiple_choice":
        assert len(q.choices) == 4
        assert sum(choice.is_correct for choice in q.choices) == 1
        assert len({fold(choice.text) for choice in q.choices}) == 4
        correct = next(choice for choice in q.choices if choice.is_correct)
        assert correct.text == q.answer
        for choice in q.choices:
            if not choice.is_correct:
                assert option_type(doc, choice.text, q.answer_type) == q.answer_type, choice
                assert not mentions_any(q.prompt, [choice.text])
                if q.answer_type in NUMERIC:
                    continue  # numbers are told apart by value (test_distractors)
                assert fuzz.ratio(fold(choice.text), fold(q.answer)) < 80
                assert fold(choice.text) not in fold(q.answer)
                assert fold(q.answer) not in fold(choice.text)
    else:
        assert q.choices == ()


def check_lesson(questions: list[QuestionDraft]) -> None:
    true = sum(q.kind == "true_false" and q.answer == "true" for q in questions)
    false = sum(q.kind == "true_false" and q.answer == "false" for q in questions)
    assert abs(true - false) <= 1
    assert [q.score for q in questions] == sorted((q.score for q in questions), reverse=True)
    for i, a in enumerate(questions):
        for b in questions[i + 1 :]:
            if (a.kind == "flashcard") == (
                b.kind == "flashcard"
            ) and a.source_start != b.source_start:
                combined = fuzz.ratio(
                    f"{fold(a.prompt)} | {fold(a.answer)}", f"{fold(b.prompt)} | {fold(b.answer)}"
                )
                assert combined < 85, (a.prompt, b.prompt)
            assert (fold(a.prompt), fold(a.answer)) != (fold(b.prompt), fold(b.answer))


def check_document(path: Path) -> int:
    lessons = lessons_of(path)
    doc = build_document([(lesson.heading, lesson.body) for lesson in lessons])
    generated = questions_of(path)
    assert sorted(generated) == [lesson.key for lesson in lessons]
    count = 0
    for lesson in lessons:
        questions = generated[lesson.key]
        assert len(questions) <= 8
        check_lesson(questions)
        for question in questions:
            check_question(question, lesson.body, doc)
            count += 1
    return count


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda path: path.name)
def test_every_question_of_every_fixture_holds_the_invariants(path):
    assert check_document(path) > 0


def test_every_question_of_the_seed_article_holds_the_invariants():
    assert check_document(seed_path()) >= 10


def test_false_statements_differ_from_their_sentence_by_one_term():
    for path in DOCUMENTS:
        for questions in questions_of(path).values():
            for q in questions:
                if q.kind == "true_false" and q.answer == "false":
                    source = q.explanation.split("“", 1)[1].rsplit("”", 1)[0]
                    assert q.prompt != source
                    a, b = q.prompt.split(), source.split()
                    start = next(i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y)
                    tail = 0
                    while tail < min(len(a), len(b)) - start and a[-1 - tail] == b[-1 - tail]:
                        tail += 1
                    assert len(a) - start - tail <= 4 and len(b) - start - tail <= 4, q.prompt
