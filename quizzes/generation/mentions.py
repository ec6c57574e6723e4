"""What can be asked about in one sentence: numbers, years, dates and percentages;
defined terms ("X is a …", "… called X", "on X, a …"); and, for lessons short of
questions, a noun phrase. Names are found by ``names.py``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .lexicon import CAPITALISED_STOPWORDS, MONTH_INDEX, STOPWORDS, looks_like_verb
from .numbers import NUMBER_RE, YEAR_RE, Quantity, read_quantity, read_year
from .text import fold, fold_words

_MONTH = "|".join(MONTH_INDEX)
DATE_RE = re.compile(
    rf"\b(?:(?P<m1>{_MONTH})\s(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:,\s(?P<y1>\d{{4}}))?"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s(?P<m2>{_MONTH})(?:\s(?P<y2>\d{{4}}))?"
    rf"|(?P<m3>{_MONTH})\s(?P<y3>\d{{4}}))\b"
)
_NUMBER_STEMS = (
    "two three four five six seven eight nine ten eleven twelve teen twenty thirty forty "
    "fifty sixty seventy eighty ninety"
).split()
_DIGIT_RE = re.compile(r"\d")
_POINTING_BACK_RE = re.compile(r"\b(?:the|these|those|both|all)\s$", re.IGNORECASE)
_FRACTION_RE = re.compile(r"\s(?:halves|thirds|quarters|fifths|sixths|sevenths|eighths|tenths)\b")
DEFINITION_RE = re.compile(
    r"^(?P<article>(?:The|A|An)\s)?(?P<term>[A-Za-z][\w’'-]*(?:\s[a-z][\w’'-]*){0,3}?)"
    r"(?:,\s(?:also\s)?(?:called|known\sas)\s(?:an?\s|the\s)?(?P<alias>[a-z][\w’'-]*(?:\s[a-z][\w’'-]*)?),)?"
    r"\s(?:is|are|refers\sto|means)\s(?P<definition>(?:a|an|the|any|one)\s.{12,})\.$"
)
CALLED_RE = re.compile(
    r"\b(?:called|known\sas|termed|the\sword|the\sterm)\s"
    r"(?P<article>an?\s|the\s)?(?P<term>[a-z][\w’'-]*(?:\s[a-z][\w’'-]*){0,2})"
)
APPOSITIVE_RE = re.compile(
    r"\b(?:on|of|in|with|from|into|as|and|or)\s(?P<term>[a-z][a-z-]{2,}),\s"
    r"(?P<definition>(?:a|an)\s[a-z][^,.;()]{10,})\.$"
)
_DESCRIPTION_STOP = STOPWORDS - {"a", "an", "the"}


@dataclass(slots=True)
class Mention:
    sentence: int  # id in Document.sentences
    start: int  # span in the sentence's display text
    end: int
    text: str
    key: str
    family: str  # "name" | "number" | "term"
    quantity: Quantity | None = None
    definition: str = ""  # "X is <definition>"
    description: str = ""  # "<description> called X"
    alias: str = ""  # "X, also called <alias>, is …"
    at_start: bool = False  # the sentence's subject
    votes: dict[str, float] = field(default_factory=dict)
    work: bool = False
    reused: bool = False  # a key term met again after the sentence that defined it


def number_mentions(sid: int, text: str, taken: list[tuple[int, int]]) -> list[Mention]:
    found: list[Mention] = []
    has_digit = _DIGIT_RE.search(text) is not None
    if not has_digit:
        lowered = text.lower()
        if not any(word in lowered for word in _NUMBER_STEMS):
            return found

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    has_month = any(month in text for month in MONTH_INDEX)
    for match in DATE_RE.finditer(text) if has_month else ():
        if match.group("m1") == "May" and match.group("y1") is None:
            continue  # "May 5" is a date, "may 5" a verb; "May 5 …" too often "May" the verb
        key = "date:" + fold(match.group())
        found.append(Mention(sid, match.start(), match.end(), match.group(), key, "number"))
        taken.append((match.start(), match.end()))
    for match in YEAR_RE.finditer(text) if has_digit else ():
        start, end = match.span("value")
        value = match.group("value")
        after = text[end : end + 14].split()
        plural_noun = (
            bool(after)
            and after[0].isalpha()
            and after[0].islower()
            and (after[0].endswith("s") and after[0] not in STOPWORDS)
        )
        before = text[max(0, start - 2) : start]
        if not free(start, end) or plural_noun or "$" in before or "£" in before:
            continue
        quantity = read_year(value)
        prefix = "decade:" if quantity.decade else "year:"
        key = prefix + str(int(quantity.value)) + (" " + quantity.era if quantity.era else "")
        found.append(Mention(sid, start, end, value, key, "number", quantity))
        taken.append((start, end))
    for match in NUMBER_RE.finditer(text):
        start, end = match.span()
        value = match.group("value")
        if not free(start, end) or (value[:1].isupper() and start > 0):
            continue
        if _POINTING_BACK_RE.search(text[max(0, start - 7) : start]):
            continue  # "the two governments": a count that points back
        words_before = text[:start].split()
        if (
            words_before
            and words_before[-1][:1].isupper()
            and words_before[-1] not in CAPITALISED_STOPWORDS
        ):
            continue  # "Apollo 11", "Chapter 3"
        if _FRACTION_RE.match(text, end):
            continue  # "two thirds"
        quantity = read_quantity(value.lower(), match.group("percent") or "")
        if quantity is None or quantity.value <= 1:
            continue
        kind = "pct:" if quantity.percent else "num:"
        key = kind + f"{quantity.value:g}"
        found.append(Mention(sid, start, end, match.group(), key, "number", quantity))
        taken.append((start, end))
    return found


def _description(lead: str) -> str:
    """The noun phrase before "called": "in a writing room" → "a writing room"."""
    words = lead.strip().rstrip(",").split()
    picked: list[str] = []
    for word in reversed(words[-7:]):
        bare = word.strip(",;:()").lower()
        if bare in {"a", "an", "the"}:
            picked.append(bare)
            break
        if bare in _DESCRIPTION_STOP or (not bare.isalpha() and "-" not in bare):
            break
        picked.append(word.strip(",;:()"))
    phrase = " ".join(reversed(picked))
    return phrase if len(picked) >= 2 else ""


def term_mentions(sid: int, text: str, known_caps: set[str]) -> list[Mention]:
    found: list[Mention] = []
    definition = DEFINITION_RE.match(text)
    if definition:
        term = definition.group("term")
        words = term.split()
        if (
            all(word.lower() not in STOPWORDS for word in words)
            and not any(word[:1].isupper() for word in words[1:])
            and not any(_SUPERLATIVE_RE.match(word.lower()) for word in words)
        ):
            start, end = definition.span("term")
            if fold(words[0]) not in known_caps:
                term = term[:1].lower() + term[1:]
            mention = Mention(sid, start, end, term, "term:" + fold(term), "term")
            mention.definition = definition.group("definition")
            mention.alias = definition.group("alias") or ""
            mention.at_start = True
            found.append(mention)
    appositive = APPOSITIVE_RE.search(text)
    if appositive and appositive.group("term") not in STOPWORDS:
        term = appositive.group("term")
        start, end = appositive.span("term")
        mention = Mention(sid, start, end, term, "term:" + fold(term), "term")
        mention.definition = appositive.group("definition")
        found.append(mention)
    for match in CALLED_RE.finditer(text):
        words: list[str] = []
        for word in match.group("term").split():
            if word.lower() in STOPWORDS:
                break
            words.append(word)
        if not words or any(mention.key == "term:" + fold(" ".join(words)) for mention in found):
            continue
        term = " ".join(words)
        start = match.start("term")
        mention = Mention(sid, start, start + len(term), term, "term:" + fold(term), "term")
        mention.description = _description(text[max(0, match.start() - 80) : match.start()])
        found.append(mention)
    return found


_SUPERLATIVE_RE = re.compile(
    r"^(?!(?:for|inter|harv|requ|cont|prot|conqu|manif|inqu|hon|mod|int|w|n|b|r|t|v|ch|gu)est$)"
    r"[a-z]{2,}est$|^(?:most|least|first|last|only|main)$"
)
_ADJECTIVE_RE = re.compile(r"(?:al|ic|ous|ive|ful|less|ary|ent|ant|ar|ile|able|ible|ian|ern)$")
_PHRASE_WORD_RE = re.compile(r"[A-Za-z][a-z]*(?:-[a-z]+)*|\S")


def _phrase_word(word: str) -> bool:
    return (word.isalpha() or ("-" in word and word.replace("-", "").isalpha())) and (
        word.islower()
        and len(word) >= 3
        and word not in STOPWORDS
        and not word.endswith(("ly", "ing"))
        and not looks_like_verb(word)
    )


def phrase_mention(
    sid: int, text: str, taken: list[tuple[int, int]], repeated: set[str]
) -> Mention | None:
    """A noun phrase after "the"/"a"/"an" ("the tidal bulge"), for when a lesson has too
    few names and numbers: lower-case content words up to a function word, a verb or
    punctuation. Two-word phrases first, then three, then a single word that the lesson
    uses more than once."""
    tokens = list(_PHRASE_WORD_RE.finditer(text))
    found: list[tuple[int, int, int]] = []  # (preference, start, end)
    for i, token in enumerate(tokens):
        if token.group().lower() not in {"the", "a", "an"}:
            continue
        j = i + 1
        while j < len(tokens) and j - i <= 3 and _phrase_word(tokens[j].group()):
            j += 1
        size = j - i - 1
        if not size or size > 3 or (j < len(tokens) and _phrase_word(tokens[j].group())):
            continue
        start, end = tokens[i + 1].start(), tokens[j - 1].end()
        if any(not (end <= s or start >= e) for s, e in taken):
            continue
        words = [token.group() for token in tokens[i + 1 : j]]
        if size == 1 and (fold(words[0]) not in repeated or len(words[0]) < 5):
            continue
        if size > 1 and not _ADJECTIVE_RE.search(words[0]):
            continue  # "tidal bulge", "royal debt"; not "sea rise"
        found.append(({2: 0, 3: 1, 1: 2}[size], start, end))
    if not found:
        return None
    _, start, end = min(found)
    phrase = text[start:end]
    return Mention(sid, start, end, phrase, "phrase:" + fold(phrase), "phrase")


def content_words(text: str) -> frozenset[str]:
    return frozenset(word for word in fold_words(text) if word not in STOPWORDS and len(word) > 2)
