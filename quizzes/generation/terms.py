"""Candidate answers, typed, for the whole document at once.

Every sentence of every lesson is read once: names (``names.py``), numbers, years,
dates and percentages, and key terms (the subject of a definition, "X is a …", or the
word after "called" / "known as"). Votes from all mentions of a name decide its type,
and a surname alone joins the full name it belongs to ("Putin" → "Vladimir V. Putin").
The result, ``Document``, also holds the pools that distractors are drawn from.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .geography import Geography, geography
from .lexicon import STOPWORDS
from .mentions import Mention, content_words, number_mentions, phrase_mention, term_mentions
from .names import Token, find_names, tokenize
from .numbers import Quantity
from .sentences import Sentence, split_sentences, word_count
from .text import fold, fold_words

TYPE_THRESHOLD = 1.0


@dataclass(slots=True)
class Term:
    key: str
    display: str
    kind: str  # answer type: person, place, organisation, language, name, number, ...
    subtype: str = ""  # country / region / city / other for places; work for titles
    lessons: list[int] = field(default_factory=list)
    sentences: list[int] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)
    quantity: Quantity | None = None
    the: bool = False  # written "the X" in the document


@dataclass(slots=True)
class DocSentence:
    id: int
    lesson: int  # index of the lesson in the caller's sequence
    sentence: Sentence
    mentions: list[Mention]
    keys: frozenset[str] = frozenset()  # term keys of its mentions (after alias resolution)
    _content: frozenset[str] | None = None

    @property
    def content(self) -> frozenset[str]:
        """Its folded content words (computed when first needed)."""
        if self._content is None:
            self._content = content_words(self.sentence.text)
        return self._content


@dataclass(slots=True)
class Document:
    headings: list[str]
    bodies: list[str]
    words: list[int]
    sentences: list[DocSentence]
    by_lesson: list[list[int]]
    terms: dict[str, Term]
    resolve: dict[str, str]  # mention key → term key
    pools: dict[str, list[str]]  # answer type → term keys, in order of first appearance
    geo: Geography
    cache: dict[object, Any] = field(default_factory=dict)  # pools, co-occurrences

    def term_of(self, mention: Mention) -> Term:
        return self.terms[self.resolve.get(mention.key, mention.key)]


def _choose_type(votes: dict[str, float]) -> str:
    ranked = sorted(
        ((kind, weight) for kind, weight in votes.items() if not kind.startswith("@")),
        key=lambda item: (-item[1], item[0]),
    )
    if not ranked or ranked[0][1] < TYPE_THRESHOLD:
        return "name"
    if len(ranked) > 1 and ranked[0][1] < 1.5 * ranked[1][1]:
        return "name"
    return ranked[0][0]


def _person_like(key: str, votes: dict[str, float]) -> bool:
    person = votes.get("person", 0.0)
    other = max((v for k, v in votes.items() if k != "person"), default=0.0)
    return person > other or (not votes and 2 <= len(key.split()) <= 3)


def _resolve_names(mentions: list[Mention]) -> dict[str, str]:
    """Mention key → group key: "putin" → "vladimir v. putin", "kim" → "kim jong-un"."""
    votes: dict[str, dict[str, float]] = {}
    for mention in mentions:
        bucket = votes.setdefault(mention.key, {})
        for kind, weight in mention.votes.items():
            bucket[kind] = bucket.get(kind, 0.0) + weight
    claims: dict[str, list[str]] = {}
    weak_claims: dict[str, list[str]] = {}
    for key in sorted(votes, key=lambda k: (-len(k.split()), k)):
        parts = [part for part in key.split() if len(part.rstrip(".")) > 1]
        if len(key.split()) >= 2 and _person_like(key, votes[key]) and parts:
            target = claims if votes[key].get("person", 0.0) > 0 else weak_claims
            for token in dict.fromkeys((parts[0], parts[-1])):
                target.setdefault(token, []).append(key)
    for token, keys in weak_claims.items():
        claims.setdefault(token, keys)
    resolve: dict[str, str] = {}
    for key in votes:
        words = key.split()
        if len(words) == 1 and len(claims.get(key, [])) == 1:
            resolve[key] = claims[key][0]
        elif len(words) >= 2:
            longer = [
                other
                for other in claims.get(words[-1], [])
                if other != key and other.split()[0] == words[0] and len(other) > len(key)
            ]
            if len(longer) == 1:
                resolve[key] = longer[0]
    return resolve


def build_document(lessons: Sequence[tuple[str, str]], geo: Geography | None = None) -> Document:
    """Read every (heading, body) pair once and type every candidate answer."""
    geo = geo or geography()
    split = [split_sentences(body) for _, body in lessons]
    known_caps: set[str] = set()
    lower_words: set[str] = set()
    tokenized: dict[tuple[int, int], list[Token]] = {}
    for lesson, sentences in enumerate(split):
        for sentence in sentences:
            tokens = tokenize(sentence.text)
            tokenized[lesson, sentence.index] = tokens
            words = [t for t in tokens if t.kind != "punct"]
            for token in words[1:]:
                (known_caps if token.capitalised else lower_words).add(fold(token.text))
    repeated: list[set[str]] = []
    for sentences in split:
        counts: dict[str, int] = {}
        for sentence in sentences:
            for word in fold_words(sentence.text):
                counts[word] = counts.get(word, 0) + 1
        repeated.append({word for word, n in counts.items() if n > 1 and word not in STOPWORDS})
    doc_sentences: list[DocSentence] = []
    by_lesson: list[list[int]] = []
    for lesson, sentences in enumerate(split):
        ids: list[int] = []
        for sentence in sentences:
            sid = len(doc_sentences)
            mentions: list[Mention] = []
            taken: list[tuple[int, int]] = []
            for name in find_names(
                sentence.text,
                sentence.italics,
                known_caps=known_caps,
                lower_words=lower_words,
                geo=geo,
                tokens=tokenized.pop((lesson, sentence.index)),
            ):
                mention = Mention(sid, name.start, name.end, name.text, fold(name.text), "name")
                mention.votes, mention.at_start, mention.work = (
                    name.votes,
                    name.at_start,
                    name.work,
                )
                mentions.append(mention)
                taken.append((name.start, name.end))
            mentions.extend(number_mentions(sid, sentence.text, taken))
            for term in term_mentions(sid, sentence.text, known_caps):
                if all(term.end <= m.start or term.start >= m.end for m in mentions):
                    mentions.append(term)
            doc_sentences.append(DocSentence(sid, lesson, sentence, mentions))
            ids.append(sid)
        by_lesson.append(ids)
    _second_pass(doc_sentences, repeated)
    return _index(lessons, doc_sentences, by_lesson, geo)


def _modified(term: str, following: str) -> bool:
    """A one-word term followed by another noun-like word is a modifier."""
    word = following.strip(",.;:()")
    return (
        " " not in term
        and word == following
        and word.isalpha()
        and word.islower()
        and word not in STOPWORDS
        and not word.endswith(("ed", "ing"))
    )


def _second_pass(doc_sentences: list[DocSentence], repeated: list[set[str]]) -> None:
    """In sentences that may carry a question: the document's key terms where they are
    used again ("Climate change is making the water cycle more intense"), then, where
    nothing else is free, a noun phrase."""
    defined = sorted(
        {m.text.lower() for s in doc_sentences for m in s.mentions if m.family == "term"},
        key=lambda term: (-len(term), term),
    )
    pattern = (
        re.compile(r"\b(?:" + "|".join(re.escape(term) for term in defined) + r")\b", re.I)
        if defined
        else None
    )
    for doc_sentence in doc_sentences:
        sentence, mentions = doc_sentence.sentence, doc_sentence.mentions
        if not sentence.eligible:
            continue
        if pattern is not None:
            known = {m.key for m in mentions}
            for match in pattern.finditer(sentence.text):
                start, end, text = match.start(), match.end(), match.group()
                key = "term:" + fold(text)
                if key in known or any(not (end <= m.start or start >= m.end) for m in mentions):
                    continue
                rest = sentence.text[end:]
                following = rest.split(" ", 2)[1:2] if rest.startswith(" ") else []
                if following and _modified(text, following[0]):
                    continue  # "cell wall", "Cloud droplets": part of a longer name
                mention = Mention(doc_sentence.id, start, end, text, key, "term", reused=True)
                mentions.append(mention)
                known.add(key)
        spans = [(m.start, m.end) for m in mentions]
        phrase = phrase_mention(
            doc_sentence.id, sentence.text, spans, repeated[doc_sentence.lesson]
        )
        if phrase is not None:
            mentions.append(phrase)
        mentions.sort(key=lambda m: m.start)


def _index(
    lessons: Sequence[tuple[str, str]],
    doc_sentences: list[DocSentence],
    by_lesson: list[list[int]],
    geo: Geography,
) -> Document:
    names = [m for s in doc_sentences for m in s.mentions if m.family == "name"]
    resolve = _resolve_names(names)
    group_votes: dict[str, dict[str, float]] = {}
    for mention in names:
        bucket = group_votes.setdefault(resolve.get(mention.key, mention.key), {})
        for kind, weight in mention.votes.items():
            bucket[kind] = bucket.get(kind, 0.0) + weight
    terms: dict[str, Term] = {}
    for doc_sentence in doc_sentences:
        doc_sentence.keys = frozenset(resolve.get(m.key, m.key) for m in doc_sentence.mentions)
        text = doc_sentence.sentence.text
        for mention in doc_sentence.mentions:
            key = resolve.get(mention.key, mention.key)
            term = terms.get(key)
            if term is None:
                term = Term(
                    key=key, display=mention.text, kind=_kind_of(mention, key, group_votes)
                )
                term.quantity = mention.quantity
                if term.kind == "place":
                    term.subtype = _place_subtype(key, group_votes.get(key, {}), geo)
                elif mention.work:
                    term.subtype = "work"
                terms[key] = term
            if doc_sentence.lesson not in term.lessons:
                term.lessons.append(doc_sentence.lesson)
            if doc_sentence.id not in term.sentences:
                term.sentences.append(doc_sentence.id)
            if mention.text not in term.forms:
                term.forms.append(mention.text)
            if text[max(0, mention.start - 4) : mention.start] in {"the ", "The "}:
                term.the = True
    for term in terms.values():
        if term.kind == "person":
            term.display = max(term.forms, key=lambda form: (len(form.split()), len(form)))
        if term.kind in {"place", "person", "organisation"} and term.key in resolve.values():
            term.display = max(term.forms, key=lambda form: (len(form.split()), len(form)))
    pools: dict[str, list[str]] = {}
    for key, term in terms.items():
        pools.setdefault(term.kind, []).append(key)
    return Document(
        headings=[heading for heading, _ in lessons],
        bodies=[body for _, body in lessons],
        words=[word_count(body) for _, body in lessons],
        sentences=doc_sentences,
        by_lesson=by_lesson,
        terms=terms,
        resolve=resolve,
        pools=pools,
        geo=geo,
    )


def _place_subtype(key: str, votes: dict[str, float], geo: Geography) -> str:
    """country / continent / region / city from CLDR, else from the cues ("the city of
    Mainz", "a village in …", "… River"), else "other"."""
    known = geo.places.get(key)
    if known:
        return known[1]
    if any(
        name.endswith(" " + key) for name, (_, kind) in geo.places.items() if kind == "country"
    ):
        return "country"  # "Korea"
    cues = sorted(
        ((kind[1:], weight) for kind, weight in votes.items() if kind.startswith("@")),
        key=lambda item: (-item[1], item[0]),
    )
    return cues[0][0] if cues else "other"


def _kind_of(mention: Mention, key: str, group_votes: dict[str, dict[str, float]]) -> str:
    if mention.family in {"term", "phrase"}:
        return mention.family
    if mention.family == "number":
        prefix = key.split(":", 1)[0]
        return {"decade": "year", "pct": "percentage", "num": "number"}.get(prefix, prefix)
    return _choose_type(group_votes.get(key, {}))
