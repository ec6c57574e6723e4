"""Names in a sentence: runs of capitalised words ("Vladimir V. Putin", "North Korea",
"Committee of Public Safety", "NATO"), with the cues around them that say whether a
name is a person, a place, an organisation or a language. Typing itself is
document-wide (``terms.py`` adds the votes of every mention up)."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field

from .geography import Geography
from .lexicon import (
    CAPITALISED_STOPWORDS,
    CELESTIAL,
    DEMONYM_SUFFIX_RE,
    MONTHS,
    NAME_CONNECTORS,
    ORG_NOUNS,
    ORG_WORDS,
    PERSON_TITLES,
    PERSON_VERBS,
    PLACE_NOUNS,
    PLACE_PREPOSITIONS,
    PLACE_WORDS,
    ROLE_NOUNS,
    ROMAN_RE,
    WEEKDAYS,
)
from .text import fold

TOKEN_RE = re.compile(
    r"(?P<acro>(?:[A-Z]\.){2,})"
    r"|(?P<abbr>(?:Dr|Mr|Mrs|Ms|St|Prof|Gen|Col|Capt|Sen|Gov|Rev|Lt|Sgt|Rep|Mt|Jr|Sr)\.)"
    r"|(?P<initial>[A-Z]\.)(?=\s+[A-Z])"
    r"|(?P<word>[^\W\d_]+(?:['’-][^\W\d_]+)*)"
    r"|(?P<num>\d[\d,.]*\d|\d)"
    r"|(?P<punct>\S)"
)
NON_ORG_ACRONYMS = frozenset(
    "DNA RNA ATP GDP CPU USB TV PC AI UV HIV AIDS CEO GPS PDF HTML ID OK CE BC BCE AD "
    "AM PM CO2 IQ DVD CD".split()
)
_MONTHS = frozenset(MONTHS)
PLACE_SUBTYPES = {
    **dict.fromkeys(
        "village town city capital port metropolis settlement borough".split(), "city"
    ),
    **dict.fromkeys("country nation kingdom republic empire colony".split(), "country"),
    **dict.fromkeys("region province state county district territory".split(), "region"),
}
_ERAS = frozenset({"CE", "BC", "BCE", "AD", "AM", "PM"})
_OF_HEADS = (
    ORG_WORDS
    | PLACE_WORDS
    | frozenset(
        "Kingdom Republic Empire Duchy State States Isle Province Ministry Department Gulf Bay "
        "Sea Lake Cape Strait Straits Island Islands City".split()
    )
)


@dataclass(slots=True)
class Token:
    text: str
    start: int
    end: int
    kind: str  # acro, abbr, initial, word, num, punct
    possessive: bool = False

    @property
    def capitalised(self) -> bool:
        if self.kind in {"acro", "initial"}:
            return True
        return self.kind in {"word", "abbr"} and self.text[:1].isupper()


@dataclass(slots=True)
class NameMention:
    start: int  # in the sentence's display text
    end: int
    text: str
    votes: dict[str, float] = field(default_factory=dict)
    at_start: bool = False  # the sentence's subject position (after titles, "The")
    work: bool = False  # an italic title


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    for match in TOKEN_RE.finditer(text):
        kind = match.lastgroup or "punct"
        token = Token(match.group(), match.start(), match.end(), kind)
        if kind == "word" and token.text.endswith(("’s", "'s")) and len(token.text) > 2:
            token.text = token.text[:-2]
            token.end -= 2
            token.possessive = True
        tokens.append(token)
    return tokens


def is_acronym(text: str) -> bool:
    letters = text.replace(".", "")
    return len(letters) >= 2 and letters.isupper() and letters.isalpha()


def is_demonym(word: str, geo: Geography) -> bool:
    """ "Russian", "German", "Venetian", "Buddhist": adjectives of origin or belief."""
    folded = fold(word)
    if folded in geo.places:
        return False
    return folded in geo.languages or (
        len(word) >= 4 and DEMONYM_SUFFIX_RE.search(word) is not None and "-" not in word
    )


def _starts_name(token: Token) -> bool:
    if not token.capitalised or token.text in CAPITALISED_STOPWORDS:
        return False
    if token.text in _MONTHS or token.text in WEEKDAYS:
        return False
    return token.text not in _ERAS


def _lower_tail(token: Token) -> bool:
    """ "Jong-un", "Russian-made", "Ninety-five": a hyphenated word with a lower-case end."""
    _head, _, tail = token.text.partition("-")
    return token.kind == "word" and bool(tail) and tail[:1].islower()


def _continues_name(token: Token) -> bool:
    return (
        token.capitalised
        and token.text not in CAPITALISED_STOPWORDS
        and token.text not in _MONTHS
        and token.text not in WEEKDAYS
    )


def _runs(tokens: list[Token]) -> list[tuple[int, int]]:
    """[first, last] token index pairs of capitalised runs."""
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        if not _starts_name(tokens[i]) or (
            _lower_tail(tokens[i]) and not (i + 1 < len(tokens) and _continues_name(tokens[i + 1]))
        ):
            i += 1
            continue
        j = i
        while not tokens[j].possessive and j + 1 < len(tokens):
            following = tokens[j + 1]
            if _continues_name(following):
                j += 1
            elif (following.text == "and" and _org_after_and(tokens, i, j)) or (
                following.text in NAME_CONNECTORS
                and j + 2 < len(tokens)
                and _starts_name(tokens[j + 2])
                and (following.text != "of" or tokens[j].text in _OF_HEADS)
            ):
                j += 2
            else:
                break
        runs.append((i, j))
        i = j + 1
    return runs


def _org_after_and(tokens: list[Token], first: int, last: int) -> bool:
    """ "National Aeronautics and Space Administration": "and" inside an organisation's
    name, when the capitalised words after it end in a word like "Administration"."""
    if last - first < 1 or last + 2 >= len(tokens):
        return False
    k = last + 2
    while k + 1 < len(tokens) and _continues_name(tokens[k + 1]) and not tokens[k].possessive:
        k += 1
    return _starts_name(tokens[last + 2]) and tokens[k].text in ORG_WORDS


def _appositive(tokens: list[Token], after: int) -> list[str]:
    """Words of ", a Chinese craftsman," right after a name (lower-cased), or []."""
    if after + 2 >= len(tokens) or tokens[after].text != ",":
        return []
    if tokens[after + 1].text.lower() not in {"a", "an", "the"}:
        return []
    words: list[str] = []
    for token in tokens[after + 2 : after + 8]:
        if token.kind == "punct":
            break
        words.append(token.text.lower())
    return words


def _cue_votes(
    tokens: list[Token], first: int, last: int, name: str, geo: Geography
) -> dict[str, float]:
    votes: dict[str, float] = {}

    def vote(kind: str, weight: float) -> None:
        votes[kind] = votes.get(kind, 0.0) + weight

    words = name.split()
    folded = fold(name)
    if name in CELESTIAL:
        return {"name": 5.0}
    place = geo.places.get(folded)
    if place:
        vote("place", 4.0)
    if folded in geo.organisations:
        vote("organisation", 4.0)
    if words[-1] in PLACE_WORDS or words[0] in {"Mount", "Mt.", "Lake", "Cape", "Fort"}:
        vote("place", 3.0)
        head = words[-1] if words[-1] in PLACE_WORDS else words[0]
        vote("@feature:" + head.lower().rstrip(".s"), 1.0)
    if any(word in ORG_WORDS for word in words) and words[0] not in PLACE_WORDS:
        vote("organisation", 3.0)
    if len(words) == 1 and is_acronym(name) and name.replace(".", "") not in NON_ORG_ACRONYMS:
        vote("organisation", 2.0 if len(name.replace(".", "")) >= 3 else 1.0)
    if len(words) >= 2 and any(re.fullmatch(r"[A-Z]\.", word) for word in words[1:-1]):
        vote("person", 2.0)
    if len(words) == 1 and folded in geo.languages:
        vote("language", 1.5)
    previous = tokens[first - 1] if first > 0 else None
    before = tokens[first - 2] if first > 1 else None
    if previous is not None:
        lowered = previous.text.lower()
        if lowered in ROLE_NOUNS and previous.text.islower():
            vote("person", 2.5)
        elif lowered == "named":
            vote("person", 1.5)
        elif lowered in ORG_NOUNS and previous.text.islower():
            vote("organisation", 2.5)  # "the company AlpTransit Gotthard"
        elif lowered in PLACE_PREPOSITIONS:
            vote("language" if folded in geo.languages else "place", 1.0)
        elif (
            lowered == "of"
            and before is not None
            and before.text.lower() in PLACE_NOUNS
            and before.text.islower()
        ):
            vote("place", 3.0)
            vote("@" + PLACE_SUBTYPES.get(before.text.lower(), "other"), 1.0)
        elif previous.possessive and previous.capitalised:
            vote("person", 1.0)
    appositive = _appositive(tokens, last + 1)
    if appositive:
        if any(word in ROLE_NOUNS for word in appositive):
            vote("person", 3.0)
        elif any(word in PLACE_NOUNS for word in appositive):
            vote("place", 3.0)
            noun = next(word for word in appositive if word in PLACE_NOUNS)
            vote("@" + PLACE_SUBTYPES.get(noun, "other"), 1.0)
        elif any(word in ORG_NOUNS for word in appositive):
            vote("organisation", 3.0)
    following = [token.text for token in tokens[last + 1 : last + 4]]
    if following[:2] == [",", "who"] or following[:1] == ["who"]:
        vote("person", 2.0)
    subject = previous is None or previous.text.lower() not in {"the", "a", "an"}
    if following[:1] and following[0] in PERSON_VERBS and subject:
        plain = 2 <= len(words) <= 3 and not any(w in ORG_WORDS or w in PLACE_WORDS for w in words)
        vote("person", 1.0 if plain else 0.75)
    if following[:2] in (["was", "born"], ["were", "born"], ["was", "skilled"]):
        vote("person", 2.0)
    return votes


def find_names(
    text: str,
    italics: Collection[tuple[int, int]],
    *,
    known_caps: Collection[str],
    lower_words: Collection[str],
    geo: Geography,
    tokens: list[Token] | None = None,
) -> list[NameMention]:
    """Names in a sentence's display text. ``known_caps`` are folded words seen
    capitalised inside sentences of the document, ``lower_words`` words seen in lower
    case: together they tell a sentence-initial "Analysts" from a name."""
    tokens = tokens if tokens is not None else tokenize(text)
    mentions: list[NameMention] = []
    for start, end in italics:
        inner = text[start:end]
        if inner[:1].isupper() and len(inner.split()) <= 12:
            mention = NameMention(start, end, inner, {"name": 2.0}, work=True)
            mentions.append(mention)
    first_word = next((i for i, t in enumerate(tokens) if t.kind != "punct"), 0)
    for first, last in _runs(tokens):
        if any(s <= tokens[first].start < e for s, e in italics):
            continue
        person_cue = 0.0
        while first < last and (
            tokens[first].text in PERSON_TITLES
            or (
                (is_demonym(tokens[first].text, geo) or fold(tokens[first].text) in geo.places)
                and tokens[first + 1].text in PERSON_TITLES
            )
        ):
            person_cue += 3.0 if tokens[first].text in PERSON_TITLES else 0.0
            first += 1
        run = tokens[first : last + 1]
        name = text[run[0].start : run[-1].end]
        if first == last:
            token = run[0]
            following = tokens[last + 1] if last + 1 < len(tokens) else None
            modifier = (
                following is not None
                and following.kind == "word"
                and following.text[:1].islower()
                and not token.possessive
            )
            if (is_demonym(token.text, geo) or fold(token.text) in geo.languages) and (
                modifier or "-" in token.text
            ):
                continue  # "Russian help", "German city", "Russian-made"
            if token.text in PERSON_TITLES or (ROMAN_RE.match(token.text) and len(token.text) < 3):
                continue
            if "-" in token.text and all(
                fold(part) in known_caps for part in token.text.split("-")
            ):
                continue  # "Putin-Kim alliance"
        at_sentence_start = first == first_word or (
            first > 0 and tokens[first - 1].text in {"“", '"', "(", "‘"}
        )
        if at_sentence_start and first == last:
            folded = fold(name)
            known = (
                folded in known_caps
                or folded in geo.places
                or folded in geo.organisations
                or is_acronym(name)
                or (bool(_appositive(tokens, last + 1)) and folded not in lower_words)
            )
            if not known or folded in lower_words:
                continue
        elif (
            at_sentence_start
            and fold(run[0].text) in lower_words
            and fold(run[0].text) not in known_caps
        ):
            run = run[1:]
            first += 1
            name = text[run[0].start : run[-1].end]
        votes = _cue_votes(tokens, first, last, name, geo)
        if person_cue:
            votes["person"] = votes.get("person", 0.0) + person_cue
        prefix = text[: run[0].start].strip()
        at_start = not prefix or all(
            word in PERSON_TITLES or word in {"The", "A", "An"} or is_demonym(word, geo)
            for word in prefix.split()
        )
        mentions.append(NameMention(run[0].start, run[-1].end, name, votes, at_start=at_start))
    mentions.sort(key=lambda mention: mention.start)
    return mentions
