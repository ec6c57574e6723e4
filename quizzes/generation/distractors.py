"""Wrong answers of the same type as the right one.

Order of preference: same-type candidates from other sections of the document, then
from the same section, then outside sources: nearby numbers and years, and for places
CLDR's countries that share a continent with the answer. A candidate is refused when it
is in the source sentence, is a substring, superstring or near duplicate (rapidfuzz) of
the answer or of another distractor, shares a word with a name it stands against, or
when the document states it in the same relation (``stated_elsewhere``)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from rapidfuzz import fuzz

from .lexicon import STOPWORDS
from .numbers import MAX_YEAR, Quantity, far_enough, nearby_values, read_quantity, read_year
from .terms import DocSentence, Document, Mention, Term
from .text import contains_words, fold, fold_words, stable_seed

NEAR_DUPLICATE = 80.0
MAX_EXAMINED = 60  # candidates looked at for one answer before giving up
MAX_SCAN = 120  # sentences of a candidate read to check it is not stated in the relation
MAX_COMPARED = 16  # of those, compared word by word with the source sentence
_NAME_KINDS = frozenset({"person", "place", "organisation", "language", "name"})
_PLACE_FAMILIES = {
    "country": ("country",),
    "region": ("region",),
    "continent": ("continent",),
    "city": ("city", "other"),
    "other": ("other", "city"),
}


@lru_cache(maxsize=65536)
def _words(text: str) -> tuple[str, ...]:
    return fold_words(text)


def _content(text: str) -> frozenset[str]:
    return frozenset(word for word in _words(text) if word not in STOPWORDS and len(word) > 2)


def _initials(text: str) -> str:
    words = [w for w in text.replace("-", " ").split() if w[:1].isupper() and w.isalpha()]
    return "".join(word[0] for word in words) if len(words) >= 2 else ""


def distinct(candidate: str, others: list[str], kind: str) -> bool:
    """Not a substring, superstring or near duplicate of any of ``others``; names also
    share no word ("North Korea" / "South Korea") and are not each other's acronym."""
    mine = _words(candidate)
    if not mine:
        return False
    folded = fold(candidate)
    acronym = candidate.replace(".", "").upper() if candidate.replace(".", "").isupper() else ""
    for other in others:
        theirs = _words(other)
        if acronym and acronym == _initials(other):
            return False
        plain = other.replace(".", "")
        if plain.isupper() and plain == _initials(candidate):
            return False
        if contains_words(mine, theirs) or contains_words(theirs, mine):
            return False
        other_folded = fold(other)
        if folded in other_folded or other_folded in folded:
            return False  # "cell" / "cellular respiration"
        if fuzz.ratio(folded, fold(other)) >= NEAR_DUPLICATE:
            return False
        if kind in _NAME_KINDS and _content(candidate) & _content(other):
            return False
    return True


def stated_elsewhere(
    doc: Document, sentence: DocSentence, answer: Term, candidate_key: str, *, strict: bool
) -> bool:
    """True when another sentence says the candidate in the place of the answer: it
    shares a typed term (strict, for true/false) or most of its content words with the
    source sentence."""
    candidate = doc.terms.get(candidate_key)
    if candidate is None:
        return False
    if sentence.id in candidate.sentences:
        return True
    if strict:
        if len(candidate.sentences) > MAX_SCAN:
            return True  # too common to be sure it is never said in this relation
        own_keys = sentence.keys - {answer.key}
        together = doc.cache.setdefault(
            ("with", candidate.key),
            frozenset(key for sid in candidate.sentences for key in doc.sentences[sid].keys),
        )
        if not own_keys.isdisjoint(together):
            return True
    needed = len(sentence.content) / 2
    content = sentence.content
    return bool(content) and any(
        len(content & doc.sentences[sid].content) >= needed
        for sid in candidate.sentences[:MAX_COMPARED]
    )


def _doc_candidates(
    doc: Document, answer: Term, lesson: int, *, same_first: bool = False
) -> Iterator[Term]:
    """Same-type terms of the document: other sections first, then this one (or this
    one first, for a false statement that should stay plausible)."""
    if same_first:
        yield from _same_lesson(doc, answer, lesson)
    pool = _pool(doc, answer)
    for examined, term in enumerate(pool):
        if examined >= MAX_EXAMINED * 4:
            break
        if lesson not in term.lessons:
            yield term
    if not same_first:
        yield from _same_lesson(doc, answer, lesson)


def _same_lesson(doc: Document, answer: Term, lesson: int) -> Iterator[Term]:
    pool = _pool(doc, answer)
    members = doc.cache.setdefault(("keys", id(pool)), frozenset(term.key for term in pool))
    seen: set[str] = set()
    for sid in doc.by_lesson[lesson]:
        for mention in doc.sentences[sid].mentions:
            key = doc.resolve.get(mention.key, mention.key)
            if key in members and key not in seen:
                seen.add(key)
                yield doc.terms[key]


def _pool(doc: Document, answer: Term) -> list[Term]:
    """Same-type terms in order of first appearance, built once per document."""
    families = (answer.subtype,)
    if answer.kind == "place":
        families = _PLACE_FAMILIES.get(answer.subtype, (answer.subtype,))
    cache_key = (answer.kind, families)
    pool = doc.cache.get(cache_key)
    if pool is None:
        if answer.kind == "place":
            pool = [doc.terms[k] for k in doc.pools.get("place", [])]
            pool = [term for term in pool if term.subtype in families]
            pool.sort(key=lambda term: families.index(term.subtype))
        elif answer.kind == "name":
            pool = [doc.terms[k] for k in doc.pools.get("name", [])]
            pool = [term for term in pool if term.subtype == "work"]
        else:
            pool = [doc.terms[k] for k in doc.pools.get(answer.kind, [])]
        doc.cache[cache_key] = pool
    return pool


def _quantity(term: Term) -> Quantity | None:
    if term.quantity is not None:
        return term.quantity
    if term.kind == "year":
        return read_year(term.display)
    return read_quantity(term.display)


def _number_candidates(doc: Document, answer: Term, lesson: int) -> Iterator[tuple[str, str]]:
    """(text, key) of wrong numbers: the document's own first, then nearby values."""
    quantity = _quantity(answer)
    if quantity is None:
        return
    for examined, term in enumerate(_doc_candidates(doc, answer, lesson)):
        if examined >= MAX_EXAMINED:
            break
        other = _quantity(term)
        if (
            other is None
            or other.decade != quantity.decade
            or bool(other.era) != bool(quantity.era)
        ):
            continue
        if quantity.words and not (other.value < 100 and other.value == int(other.value)):
            continue  # "thirty" against "120"
        if answer.kind == "year" and abs(other.value - quantity.value) > 150:
            continue
        if answer.kind == "number" and not (
            quantity.value / 3 <= other.value <= quantity.value * 3
        ):
            continue
        yield quantity.write(other.value), term.key
    latest = max(quantity.value, _latest_year(doc))
    for value in nearby_values(quantity):
        if answer.kind == "year" and value > min(latest, MAX_YEAR):
            continue  # no invented year later than the document's own
        yield quantity.write(value), ""


def _latest_year(doc: Document) -> float:
    latest = doc.cache.get("latest year")
    if latest is None:
        years = [doc.terms[key].quantity for key in doc.pools.get("year", [])]
        latest = max((q.value for q in years if q is not None and not q.era), default=0.0)
        doc.cache["latest year"] = latest
    return float(latest)


def _place_candidates(doc: Document, answer: Term) -> Iterator[tuple[str, str]]:
    """CLDR countries (or regions) near the answer, in a stable pseudo-random order."""
    geo = doc.geo
    if answer.subtype == "country":
        areas = set(geo.areas.get(answer.key, ()))
        near = {
            display
            for key, (display, subtype) in geo.places.items()
            if subtype == "country" and areas & set(geo.areas.get(key, ())) and display.isascii()
        }
        # the better-known countries of the same continent(s), in a stable shuffle
        names = sorted(near, key=lambda name: (-geo.familiarity.get(name, 0), name))[:12]
    elif answer.subtype in {"region", "continent"} and answer.key in geo.places:
        names = sorted(
            {display for display, subtype in geo.places.values() if subtype == answer.subtype}
        )
        names = [name for name in names if len(name.split()) == len(answer.display.split())]
    else:
        return
    names.sort(key=lambda name: stable_seed(answer.key, name))
    for name in names:
        yield name, fold(name)


def find_distractors(
    doc: Document,
    sentence: DocSentence,
    mention: Mention,
    answer: Term,
    answer_text: str,
    *,
    count: int = 3,
    strict: bool = False,
    same_first: bool = False,
) -> list[tuple[str, str]]:
    """Up to ``count`` (text, term key) wrong answers for ``mention`` in ``sentence``.
    ``strict`` (for a false statement) also refuses any candidate that the document
    mentions together with another term of the sentence; ``same_first`` looks in the
    sentence's own section first."""
    lesson = sentence.lesson
    if answer.kind in {"number", "year", "percentage"}:
        source: Iterator[tuple[str, str]] = _number_candidates(doc, answer, lesson)
    else:
        terms = _doc_candidates(doc, answer, lesson, same_first=same_first)
        source = ((term.display, term.key) for term in terms)
        if answer.kind == "place":
            source = _chain(source, _place_candidates(doc, answer))
    sentence_words = _words(sentence.sentence.text)
    forms = [answer_text, answer.display, *answer.forms]
    answer_quantity = (
        _quantity(answer) if answer.kind in {"number", "year", "percentage"} else None
    )
    city_country = doc.geo.country_of_city.get(answer.key, "")
    names_here = [m.text for m in sentence.mentions if m.family == "name"]
    answer_place = doc.geo.places.get(answer.key, ("", ""))[0]
    chosen: list[tuple[str, str]] = []
    seen: set[str] = set()
    for examined, (text, key) in enumerate(source):
        if examined >= MAX_EXAMINED:
            break
        folded = fold(text)
        if folded in seen or key == answer.key:
            continue
        seen.add(folded)
        if contains_words(sentence_words, _words(text)):
            continue
        if answer.kind == "place" and any(
            word.startswith(folded) for word in sentence_words if len(folded) >= 4
        ):
            continue  # "Chile" in a sentence about "Chilean inspectors"
        if answer_quantity is not None:
            quantity = _reread(text, answer)
            if quantity is None or not far_enough(answer_quantity, quantity):
                continue
            previous = [_reread(t, answer) for t, _ in chosen]
            if any(q is None or not far_enough(quantity, q) for q in previous):
                continue
        elif not distinct(text, forms + [t for t, _ in chosen] + names_here, answer.kind):
            continue
        if folded == city_country or doc.geo.country_of_city.get(folded) == answer.key:
            continue
        if answer_place and doc.geo.places.get(folded, ("", ""))[0] == answer_place:
            continue  # "United Kingdom" for "Britain"
        if key and stated_elsewhere(doc, sentence, answer, key, strict=strict):
            continue
        chosen.append((text, key))
        if len(chosen) == count:
            break
    return chosen


def _reread(text: str, answer: Term) -> Quantity | None:
    if answer.kind == "year":
        return read_year(text)
    percent = answer.quantity.percent if answer.quantity else ""
    return read_quantity(text.removesuffix(percent), percent)


def _chain(*sources: Iterator[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    for source in sources:
        yield from source
