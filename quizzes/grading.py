"""Grading of typed answers: how a student's response is compared with the expected answer.

This module is what decides "correct" or "wrong" for a typed answer (a quiz question with a
free-text answer, or the back of a flashcard). It is pure Python with no Django import, so
the same rules can be run anywhere. When a student disputes a grade, the rules below are
the whole story.

Comparing text
==============
The response and each expected answer (the answer and every accepted alternative) go
through the same pipeline, :func:`normalise`:

1. Apostrophes of every kind (' ’ ‘ ‛ ` ´ ′ ʼ) are removed, so "O’Brien", "O'Brien" and
   "OBrien" read alike, and so do "don’t" and "don't".
2. Unicode NFKC: composed and decomposed accents (NFC/NFD) become the same characters;
   full-width letters, ligatures (ﬁ) and non-breaking spaces become their plain forms.
3. Dotted abbreviations lose their dots: "U.S.A." reads "USA", "D.C." reads "DC".
4. "&" reads "and". Every other punctuation mark or symbol (quotes “ ” « », hyphens and
   dashes, full stops, commas, brackets, slashes …) becomes a space, except "+" and "#"
   which name things ("C++", "C#"). So "Kim Jong-un", "kim jong un" and "Kim Jong Un"
   are the same, and a trailing full stop does not matter.
5. Letter case is ignored.
6. Unless the question is accent-sensitive, accents are ignored ("Pyŏngyang" =
   "Pyongyang", "café" = "cafe") and ß, æ, œ, ø, đ, ð, þ, ł are read as ss, ae, oe, o, d,
   d, th, l. Only the common Latin/Greek/Cyrillic combining accents (U+0300–U+036F) are
   removed; marks that change a letter in other scripts (Japanese dakuten, Indic vowel
   signs) are kept. Cyrillic "й" does read "и" here, "ё" "е": a Russian teacher who
   wants them told apart makes the question accent-sensitive.
7. Runs of whitespace become one space, and one leading "the", "a" or "an" is dropped when
   something follows it ("The Sun" = "Sun", "An Inspector Calls" = "Inspector Calls").
8. For the comparison itself spaces are ignored too: "Jong-un", "Jong un" and "Jongun"
   read alike.

If the two normalised texts are equal, the response is correct and *exact*.

Typos
=====
Otherwise a response can still be correct with a few typos. A typo is one inserted,
deleted or replaced character, or two neighbouring characters swapped (optimal string
alignment distance, computed by rapidfuzz). How many are forgiven depends on the length
of the normalised expected answer, spaces not counted:

    ======================  ===============
    expected answer length  typos forgiven
    ======================  ===============
    1–4 characters          0 (exact only)
    5–12 characters         1
    13–20 characters        2
    21 characters or more   3
    ======================  ===============

So "Gutenburg" is accepted for "Gutenberg" and "photosynthesys" for "photosynthesis", but
"Mare" is not accepted for "Mars", "Austria" is not accepted for "Australia" (nor the
other way round) and "meiosis" is not accepted for "mitosis". A response accepted with
typos is graded correct but not exact, so the student is shown the right spelling.

A typo is never forgiven when:

* it is in the first letter ("Zambia" is not "Gambia");
* it changes a number: the runs of digits must be the same ("Apollo 12" is not
  "Apollo 11", "NAT0" is not "NATO");
* it changes a single-letter word or an upper-case Roman numeral of the expected answer
  ("Vitamin D" is not "Vitamin C", "Henry VII" is not "Henry VIII", "World War II" is
  not "World War I");
* the question is accent-sensitive and the typo is a missing or wrong accent ("Pyongyang"
  is wrong for "Pyŏngyang" there): accent-sensitive questions forgive slips of the
  keyboard but not accents.

Extra words
===========
The whole response is compared with the whole answer. A response that contains the
answer among other words ("it was Gutenberg I think", "Gutenberg or Caxton") is wrong:
there is no list of "filler" words, because any such list would also let a hedged answer
through. Only the leading article is optional.

Numbers
=======
When an expected answer is a number (see :func:`parse_number`), the response must be a
number too, and the two are compared as numbers, never as text: "25", "25.0",
"twenty-five" and "Twenty Five" are the same; "1517" is not "1571"; "twenty-six" is not
"25". A response that is not a number ("25 years", "about 25", "tweny-five") is wrong for
a number answer; a teacher who wants such a response accepted lists it as an accepted
alternative, which is then compared as text. The question's tolerance is absolute and
inclusive: with answer 100 and tolerance 5, everything from 95 to 105 is correct; a
correct response that is not equal to the answer is not exact, so the student is shown
the exact value.

Alternatives
============
The answer and each accepted alternative are tried in turn, each by the rules above (a
number as a number, text as text, with its own length for typos). An exact match wins
over a match with typos, a closer match over a less close one, and on a tie the earlier
(the answer before the alternatives). :attr:`Grade.matched` tells which one matched.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from quizzes.numbers import parse_number

__all__ = ["Grade", "allowed_typos", "grade_text", "normalise", "parse_number"]


@dataclass(frozen=True, slots=True)
class Grade:
    """The outcome of grading one response."""

    correct: bool
    #: 0.0–1.0 similarity of the best match (1.0 when equal after normalisation).
    score: float
    #: Which expected answer (the answer or an alternative) matched, as given; None if wrong.
    matched: str | None
    #: True when it matched after normalisation without forgiving any typo (for numbers:
    #: when equal, not merely within the tolerance).
    exact: bool


_WRONG = Grade(correct=False, score=0.0, matched=None, exact=False)

# --------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------

# Removed before NFKC (which would turn ´ into a space and a combining accent).
_APOSTROPHES = "'’‘‛`´′ʼʹ＇"
_DELETE_APOSTROPHES = str.maketrans(dict.fromkeys(_APOSTROPHES))

_KEPT_SYMBOLS = frozenset("+#")

# Letters that are not "letter + accent" in Unicode but are read as plain Latin letters
# when accents are ignored. Applied after casefolding.
_LETTER_FOLDS = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ł": "l",
        "ı": "i",
        "ħ": "h",
        "ŧ": "t",
    }
)

_ARTICLES = frozenset({"the", "a", "an"})

# "U.S.A.", "U.S.A", "D.C.", "e.g.": single letters joined by full stops.
_ABBREVIATION = re.compile(r"(?<!\w)[^\W\d_](?:\.[^\W\d_])+\.?(?!\w)")

_ROMAN_NUMERAL = re.compile(r"M{0,4}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
_DIGIT_RUN = re.compile(r"\d+")

_char_cache: dict[str, str] = {}
_CHAR_CACHE_LIMIT = 20_000  # a response of every Unicode character must not fill memory


def _map_char(ch: str) -> str:
    """What one character becomes in step 4 of the pipeline (cached: texts repeat)."""
    mapped = _char_cache.get(ch)
    if mapped is None:
        category = unicodedata.category(ch)
        if ch in _KEPT_SYMBOLS:
            mapped = ch
        elif ch == "&":
            mapped = " and "
        elif category[0] in "PSZ" or ch.isspace():
            mapped = " "
        elif category[0] == "C":  # control, format (soft hyphen, zero-width space), unassigned
            mapped = ""
        else:
            mapped = ch
        if len(_char_cache) < _CHAR_CACHE_LIMIT:
            _char_cache[ch] = mapped
    return mapped


def _split(text: str) -> list[str]:
    """Steps 1–4 and the article of step 7, keeping case: the words of a text."""
    text = text.translate(_DELETE_APOSTROPHES)
    text = unicodedata.normalize("NFKC", text)
    text = _ABBREVIATION.sub(lambda m: m.group().replace(".", ""), text)
    words = "".join(map(_map_char, text)).split()
    if len(words) > 1 and words[0].casefold() in _ARTICLES:
        del words[0]
    return words


def _casefold(text: str, *, keep_sharp_s: bool) -> str:
    if keep_sharp_s and ("ß" in text or "ẞ" in text):
        return "ß".join(part.casefold() for part in re.split("[ßẞ]", text))
    return text.casefold()


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if not "\u0300" <= ch <= "\u036f")
    return unicodedata.normalize("NFC", bare).translate(_LETTER_FOLDS)


def _fold(word: str, *, accent_sensitive: bool) -> str:
    """Steps 5–6 for one word."""
    word = _casefold(word, keep_sharp_s=accent_sensitive)
    if not accent_sensitive:
        word = _strip_accents(word)
    return word


def normalise(text: str, *, accent_sensitive: bool = False) -> str:
    """The text as it is compared: see the module docstring for each step.

    >>> normalise("  The  Kim Jong-un’s  ")
    'kim jong uns'
    >>> normalise("Pyŏngyang.")
    'pyongyang'
    >>> normalise("Café", accent_sensitive=True)
    'café'
    """
    folded = (_fold(word, accent_sensitive=accent_sensitive) for word in _split(text))
    return " ".join(word for word in folded if word)


# --------------------------------------------------------------------------------------
# Typos
# --------------------------------------------------------------------------------------

#: (longest expected-answer length, typos forgiven), spaces not counted; longer answers
#: than the last row get _MAX_TYPOS. Documented in the module docstring.
TYPO_TABLE: tuple[tuple[int, int], ...] = ((4, 0), (12, 1), (20, 2))
_MAX_TYPOS = 3


def allowed_typos(length: int) -> int:
    """How many typos are forgiven in an answer of this many (normalised) characters."""
    for longest, typos in TYPO_TABLE:
        if length <= longest:
            return typos
    return _MAX_TYPOS


@dataclass(frozen=True, slots=True)
class _Text:
    """A text prepared for comparison."""

    key: str  # normalised, spaces removed
    words: frozenset[str]  # the normalised words
    digits: tuple[str, ...]  # runs of digits, in order
    labels: tuple[str, ...]  # single letters and Roman numerals (normalised), typo-proof


def _prepare(text: str, *, accent_sensitive: bool) -> _Text:
    raw = _split(text)
    folded = [_fold(word, accent_sensitive=accent_sensitive) for word in raw]
    labels = tuple(
        fold
        for word, fold in zip(raw, folded, strict=True)
        if fold and ((len(word) == 1 and word.isalpha()) or _is_roman_numeral(word))
    )
    key = "".join(folded)
    return _Text(
        key=key,
        words=frozenset(folded),
        digits=tuple(_DIGIT_RUN.findall(key)),
        labels=labels,
    )


def _is_roman_numeral(word: str) -> bool:
    """An upper-case Roman numeral as the teacher wrote it: "VIII", "XIV", "DC"."""
    return word.isupper() and _ROMAN_NUMERAL.fullmatch(word) is not None


def _similarity(distance: int, a: str, b: str) -> float:
    longest = max(len(a), len(b))
    return 1.0 - distance / longest if longest else 1.0


def _grade_as_text(
    response: str, expected: str, prepared: _Text, *, accent_sensitive: bool
) -> tuple[bool, bool, float]:
    """(correct, exact, score) of a response against one textual expected answer."""
    target = _prepare(expected, accent_sensitive=accent_sensitive)
    if not target.key or not prepared.key:
        return False, False, 0.0
    if target.key == prepared.key:
        return True, True, 1.0
    distance = OSA.distance(target.key, prepared.key)
    score = _similarity(distance, target.key, prepared.key)
    correct = (
        distance <= allowed_typos(len(target.key))
        and target.key[0] == prepared.key[0]
        and target.digits == prepared.digits
        and all(label in prepared.words for label in target.labels)
    )
    if correct and accent_sensitive:
        # A typo is forgiven only if ignoring accents would not make the response closer:
        # otherwise some of the difference is a missing or wrong accent.
        bare_target = _prepare(expected, accent_sensitive=False).key
        bare_response = _prepare(response, accent_sensitive=False).key
        correct = OSA.distance(bare_target, bare_response) == distance
    return correct, False, score


def _grade_as_number(
    expected: float, response: float | None, *, tolerance: float
) -> tuple[bool, bool, float]:
    """(correct, exact, score) of a numeric response against a numeric answer."""
    if response is None:
        return False, False, 0.0
    difference = abs(response - expected)
    largest = max(abs(response), abs(expected))
    if difference <= 1e-12 * largest or difference == 0:
        return True, True, 1.0
    # A little slack for binary floating point: 0.4 - 0.3 is 0.10000000000000003.
    correct = difference <= tolerance + 1e-12 * max(largest, 1.0)
    return correct, False, max(0.0, 1.0 - difference / largest)


# --------------------------------------------------------------------------------------
# Grading
# --------------------------------------------------------------------------------------


def grade_text(
    response: str,
    answer: str,
    *,
    accepted: Sequence[str] = (),
    accent_sensitive: bool = False,
    number_tolerance: float = 0.0,
) -> Grade:
    """Grade a typed response against the answer and its accepted alternatives.

    The rules are in the module docstring. In short: normalise both, equal is correct and
    exact; otherwise a few typos are forgiven depending on the answer's length; a number
    answer needs a number within ``number_tolerance``; the whole response must match, extra
    words make it wrong.
    """
    if not (number_tolerance >= 0 and math.isfinite(number_tolerance)):
        raise ValueError(f"number_tolerance must be a finite number ≥ 0, not {number_tolerance!r}")
    if isinstance(accepted, str):
        raise TypeError("accepted must be a sequence of answers, not one string")
    candidates = [answer, *(alt for alt in accepted if alt not in (answer, ""))]
    prepared = _prepare(response, accent_sensitive=accent_sensitive)
    response_number: float | None = None
    response_number_known = False

    best: tuple[bool, bool, float, int] | None = None
    best_candidate: str | None = None
    for index, candidate in enumerate(candidates):
        expected_number = parse_number(candidate)
        if expected_number is not None:
            if not response_number_known:
                response_number = parse_number(response)
                response_number_known = True
            outcome = _grade_as_number(
                expected_number, response_number, tolerance=number_tolerance
            )
        else:
            outcome = _grade_as_text(
                response, candidate, prepared, accent_sensitive=accent_sensitive
            )
        ranked = (*outcome, -index)
        if best is None or ranked > best:
            best, best_candidate = ranked, candidate
    if best is None:
        return _WRONG
    correct, exact, score, _ = best
    return Grade(
        correct=correct,
        score=round(score, 6),
        matched=best_candidate if correct else None,
        exact=exact,
    )
