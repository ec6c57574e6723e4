"""The entry point: lessons in, the best question drafts of each lesson out.

The whole document is read once (``terms.build_document``: sentences, typed candidate
answers, distractor pools). Then, for each requested lesson, its best sentences give
candidates of every kind, and ``scoring.select`` keeps the best ``per_lesson``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace

from .items import (
    Candidate,
    accepted_forms,
    cloze,
    count_question,
    definition_question,
    distractors_for,
    flashcard,
    multiple_choice,
    short_answer,
    subject_question,
    true_false,
)
from .lexicon import GENERIC_HEADINGS
from .scoring import TYPE_WEIGHT, score, select
from .terms import DocSentence, Document, Mention, Term, build_document
from .text import capitalise, fold
from .types import LessonText, QuestionDraft

EXTRA_SENTENCES = 3  # sentences read beyond one per question wanted
MENTIONS_PER_SENTENCE = 3


def generate_questions(
    lessons: Sequence[LessonText],
    *,
    per_lesson: int = 8,
    only: Collection[int] | None = None,
    avoid: Mapping[int, Sequence[tuple[str, str]]] | None = None,
) -> dict[int, list[QuestionDraft]]:
    """Question drafts for each lesson (or each lesson whose key is in ``only``), best
    first. Every lesson feeds the distractor pools. ``avoid`` gives, per lesson key, the
    (prompt, answer) of questions that already exist: no near-duplicate of them is
    proposed, and they count toward nothing. The same input gives the same output."""
    wanted = set(only) if only is not None else None
    doc = build_document([(lesson.heading, lesson.body) for lesson in lessons])
    result: dict[int, list[QuestionDraft]] = {}
    for position, lesson in enumerate(lessons):
        if wanted is not None and lesson.key not in wanted:
            continue
        candidates = lesson_candidates(doc, position, per_lesson)
        existing = list((avoid or {}).get(lesson.key, ()))
        drafts = select(candidates, limit=per_lesson, words=doc.words[position], avoid=existing)
        result.setdefault(lesson.key, []).extend(drafts)
    if wanted is not None:
        for key in sorted(wanted):
            result.setdefault(key, [])
    return result


def _best_sentences(doc: Document, position: int, per_lesson: int) -> list[DocSentence]:
    eligible = [
        doc.sentences[sid]
        for sid in doc.by_lesson[position]
        if doc.sentences[sid].sentence.eligible and doc.sentences[sid].mentions
    ]
    eligible.sort(key=lambda s: (-s.sentence.quality, s.id))
    return eligible[: per_lesson + EXTRA_SENTENCES]


def _mention_order(doc: Document, sentence: DocSentence) -> list[Mention]:
    """The sentence's best answers first: typed terms and definitions, and terms that
    are not the subject of every section."""

    def rank(mention: Mention) -> tuple[float, int]:
        term = doc.term_of(mention)
        weight = TYPE_WEIGHT.get(term.kind, -1.0) - _spread_penalty(doc, term)
        return (-(weight + (0.5 if mention.definition else 0.0)), mention.start)

    return sorted(sentence.mentions, key=rank)[:MENTIONS_PER_SENTENCE]


def lesson_candidates(doc: Document, position: int, per_lesson: int) -> list[Candidate]:
    candidates: list[Candidate] = []
    sentences = _best_sentences(doc, position, per_lesson)
    for sentence in sentences:
        for mention in _mention_order(doc, sentence):
            candidates.extend(_mention_candidates(doc, sentence, mention))
    heading_card = _heading_card(doc, position, sentences)
    if heading_card is not None:  # a weak card: only to reach a long lesson's floor
        candidates.append(replace(heading_card, fallback=True))
    return candidates


def _spread_penalty(doc: Document, term: Term) -> float:
    """The document's main subject (named in most sections) is the answer a student
    guesses: the more sections name a term, the less it is worth asking for."""
    spread = len(term.lessons) - 1 if len(doc.bodies) > 2 else 0
    return min(0.45, 0.15 * spread)


def _mention_candidates(doc: Document, sentence: DocSentence, mention: Mention) -> list[Candidate]:
    term = doc.term_of(mention)
    quality = sentence.sentence.quality - _spread_penalty(doc, term)
    kind = term.kind
    made = cloze(doc, sentence, mention, score(quality, kind, "cloze"))
    if made is None:
        return []
    cloze_candidate, answer, _accepted = made
    if mention.family == "phrase":
        return [replace(cloze_candidate, fallback=True)]
    out = [cloze_candidate]
    question = subject_question(doc, sentence, mention) if mention.family == "name" else None
    prompt = (
        question[0]
        if question
        else definition_question(mention) or count_question(doc, sentence, mention)
    )
    if question:
        short_text = mention.text
    elif mention.definition:
        short_text = term.display
    else:
        short_text = answer
    if prompt:
        short = short_answer(
            sentence,
            prompt,
            short_text,
            [*accepted_forms(doc, term, short_text), answer],
            kind,
            term.key,
            score(quality, kind, "short_answer"),
        )
        if short is not None:
            out.append(short)
    if prompt and short_text != mention.text:
        stem, stem_answer = prompt, short_text
    else:
        stem, stem_answer = cloze_candidate.draft.prompt, answer
    found = distractors_for(doc, sentence, mention)
    choice = multiple_choice(
        doc,
        sentence,
        mention,
        found,
        stem,
        stem_answer,
        [*accepted_forms(doc, term, stem_answer), answer],
        score(quality, kind, "multiple_choice"),
    )
    if choice is not None:
        out.append(choice)
    statements = true_false(doc, sentence, mention, found, score(quality, kind, "true_false"))
    if statements is not None:
        true, false = statements
        out.append(true)
        if false is not None:
            out.append(false)
    card = _card(doc, sentence, mention, question)
    if card is not None:
        out.append(card)
    return out


def _card(
    doc: Document,
    sentence: DocSentence,
    mention: Mention,
    question: tuple[str, str, str] | None,
) -> Candidate | None:
    term = doc.term_of(mention)
    quality = sentence.sentence.quality
    if mention.definition:
        front = capitalise(mention.text)
        return flashcard(
            sentence,
            front=front,
            back=mention.definition,
            answer_type="term",
            key=term.key,
            score=score(quality, "term", "flashcard", 0.15),
        )
    if mention.family == "term" and not mention.reused:
        return flashcard(
            sentence,
            front=capitalise(mention.text),
            back=sentence.sentence.text,
            answer_type="term",
            key=term.key,
            score=score(quality, "term", "flashcard", 0.05),
        )
    if question is None:
        return None
    _, appositive, predicate = question
    if appositive:
        joiner = " who " if term.kind == "person" else " that "
        back = appositive + joiner + predicate
        extra = 0.05
    else:
        back = predicate
        extra = -0.1
    return flashcard(
        sentence,
        front=term.display,
        back=back,
        answer_type=term.kind,
        key=term.key,
        score=score(quality, term.kind, "flashcard", extra),
    )


def _heading_card(doc: Document, position: int, sentences: list[DocSentence]) -> Candidate | None:
    heading = doc.headings[position].strip()
    if (
        not heading
        or fold(heading) in GENERIC_HEADINGS
        or heading.endswith("…")
        or heading.lower().startswith("part ")
        or len(heading.split()) < 2
        or not sentences
    ):
        return None
    best = sentences[0]
    return flashcard(
        best,
        front=heading,
        back=best.sentence.text,
        answer_type="",
        key="",
        score=score(best.sentence.quality, "", "flashcard", -0.35),
    )
