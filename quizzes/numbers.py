"""English numbers, written as numerals or words: "25", "1,200", "1.4 billion", "3%",
"twenty-five", "one hundred and five", "one and a half". Pure Python, used by grading.

``parse_number`` returns a float, or None when the text is not (only) a number.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal, DecimalException

_UNITS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
_ZERO = frozenset({"zero", "nought", "naught"})
_DIGIT_WORDS = {**dict.fromkeys(_ZERO, 0), **_UNITS}
_TEENS = {
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {
    "thousand": 10**3,
    "million": 10**6,
    "billion": 10**9,
    "trillion": 10**12,
}
_NUMERAL_SCALES = {"hundred": 100, **_SCALES}
_FRACTIONS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4}
_ARTICLE_ONE = frozenset({"a", "an"})

_MAX_NUMBER_CHARS = 200  # "nine hundred and ninety-nine trillion, nine hundred …" fits

_SIGN = re.compile(r"^(?:(?P<minus>-|−|minus\b|negative\b)|\+|plus\b)\s*")
_CURRENCY = re.compile(r"^[$£€¥]\s*")
_PERCENT = re.compile(r"\s*(?:%|percent|per\s+cent)$")
_INTEGER = r"\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+|\d+"
_NUMERAL = re.compile(
    rf"(?P<number>(?:{_INTEGER})(?:\.\d+)?|\.\d+)(?:e(?P<exponent>[+-]?\d{{1,3}}))?"
    r"(?P<scales>(?:\s+[a-z]+)*)"
)
_FRACTION_NUMERAL = re.compile(r"(?:(?P<whole>\d+)\s+)?(?P<top>\d+)\s*/\s*(?P<bottom>\d+)")
_WORD_SEPARATORS = re.compile(r"[\s,\-‐‑–—]+")


def parse_number(text: str) -> float | None:
    """The number a text states, or None when it is not (only) a number.

    Understood: digits with optional thousands separators ("1,200", "1 200") and decimals
    ("25.0", ".5"), an exponent ("6.02e23"), simple fractions ("3/4", "1 1/2", "½"), a
    scale word after digits ("1.4 billion", "3 hundred"), and English number words up to
    trillions: "twenty-five", "Twenty Five", "a hundred", "one hundred and five",
    "twelve hundred", "one thousand two hundred", "three point one four", "a half",
    "three quarters", "one and a half", "two and a half million". A sign ("-", "minus",
    "negative"), a leading currency sign ($ £ € ¥) and a trailing "%", "percent" or
    "per cent" are allowed and dropped: "3%" is 3, not 0.03 (the question says what is
    counted). A trailing full stop is ignored.

    Not numbers: ordinals ("1st", "first", "second"; "second" is also a unit of time),
    years read in pairs ("nineteen eighty-four"), Roman numerals, a decimal comma ("3,5"),
    units or other words ("25 years", "about 25"), "half a million".
    """
    if len(text) > _MAX_NUMBER_CHARS:
        return None
    text = unicodedata.normalize("NFKC", _expand_vulgar_fractions(text))
    text = text.replace("\u2044", "/").casefold().strip().rstrip(".!?").strip()
    text = _PERCENT.sub("", text)
    sign = 1
    match = _SIGN.match(text)
    if match:
        sign = -1 if match.group("minus") else 1
        text = text[match.end() :]
    text = _CURRENCY.sub("", text)
    if not text:
        return None
    try:
        value = _parse_numeral(text)
        if value is None:
            value = _parse_words(text)
        if value is None:
            return None
        number = float(sign * value)
    except (DecimalException, OverflowError, ZeroDivisionError):
        return None
    return number if math.isfinite(number) else None


def _expand_vulgar_fractions(text: str) -> str:
    """'1½' → '1 1/2' (NFKC alone would make it '11⁄2', eleven halves)."""
    if not any("VULGAR FRACTION" in unicodedata.name(ch, "") for ch in text if not ch.isascii()):
        return text
    parts = []
    for ch in text:
        if not ch.isascii() and "VULGAR FRACTION" in unicodedata.name(ch, ""):
            parts.append(" " + unicodedata.normalize("NFKC", ch))
        else:
            parts.append(ch)
    return "".join(parts).strip()


def _parse_numeral(text: str) -> Decimal | None:
    match = _FRACTION_NUMERAL.fullmatch(text)
    if match:
        fraction = Decimal(match["top"]) / Decimal(match["bottom"])
        return Decimal(match["whole"] or 0) + fraction
    match = _NUMERAL.fullmatch(text)
    if not match:
        return None
    value = Decimal(match["number"].replace(",", "").replace(" ", ""))
    if match["exponent"]:
        value = value.scaleb(int(match["exponent"]))
    last_scale = 1
    for word in match["scales"].split():
        scale = _NUMERAL_SCALES.get(word)
        if scale is None or scale <= last_scale:
            return None
        value *= scale
        last_scale = scale
    return value


class _Words:
    """A recursive-descent reader of English cardinal number words."""

    def __init__(self, words: list[str]) -> None:
        self.words = words
        self.i = 0

    def peek(self, ahead: int = 0) -> str | None:
        j = self.i + ahead
        return self.words[j] if j < len(self.words) else None

    def below_hundred(self) -> int | None:
        word = self.peek()
        if word in _UNITS:
            self.i += 1
            return _UNITS[word]
        if word in _TEENS:
            self.i += 1
            return _TEENS[word]
        if word in _TENS:
            self.i += 1
            value = _TENS[word]
            unit = self.peek()
            if unit in _UNITS:
                self.i += 1
                value += _UNITS[unit]
            return value
        return None

    def group(self) -> int | None:
        """1–9999: "five", "twenty-five", "a hundred", "one hundred and five", "twelve
        hundred"."""
        if self.peek() in _ARTICLE_ONE and (self.peek(1) == "hundred" or self.peek(1) in _SCALES):
            self.i += 1
            value = 1
        else:
            found = self.below_hundred()
            if found is None:
                return None
            value = found
        if self.peek() == "hundred":
            self.i += 1
            value *= 100
            start = self.i
            if self.peek() == "and":
                self.i += 1
            rest = self.below_hundred()
            if rest is None:
                self.i = start  # the "and" may belong to "and a half"
            else:
                value += rest
        return value

    def integer(self) -> int | None:
        """A whole number: groups, each followed by a smaller scale than the one before."""
        total = 0
        last_scale: int | None = None
        while True:
            start = self.i
            group = self.group()
            if group is None:
                self.i = start
                return total if last_scale is not None else None
            if last_scale is not None and group >= last_scale:
                return None
            scale = _SCALES.get(self.peek() or "")
            if scale is None:
                return total + group
            self.i += 1
            if last_scale is not None and scale >= last_scale:
                return None
            total += group * scale
            last_scale = scale
            # "one thousand and one"; but "two thousand and a half" is left to fractions.
            if self.peek() == "and" and self.peek(1) not in _ARTICLE_ONE:
                self.i += 1

    def count_and_fraction(self) -> Decimal | None:
        """Read "a half", "one third", "three quarters"."""
        start = self.i
        if self.peek() in _ARTICLE_ONE:
            self.i += 1
            count = 1
        else:
            found = self.below_hundred()
            if found is None:
                return None
            count = found
        denominator = _FRACTIONS.get(self.peek() or "")
        if denominator is None:
            self.i = start
            return None
        self.i += 1
        return Decimal(count) / denominator

    def scaled(self, value: Decimal) -> Decimal:
        last_scale = 1
        while (scale := _SCALES.get(self.peek() or "")) and scale > last_scale:
            self.i += 1
            value *= scale
            last_scale = scale
        return value

    def number(self) -> Decimal | None:
        if self.peek() in _ZERO and self.peek(1) in {None, "point"}:
            self.i += 1
            whole: int | None = 0
        else:
            whole = self.integer()
        if whole is None and self.peek() != "point":
            fraction = self.count_and_fraction()  # "a half", "a quarter"
            return None if fraction is None else self.scaled(fraction)
        whole = whole or 0
        if self.peek() == "point":  # "three point one four"
            self.i += 1
            digits = ""
            while (digit := _DIGIT_WORDS.get(self.peek() or "")) is not None:
                digits += str(digit)
                self.i += 1
            if not digits:
                return None
            value = whole + Decimal("0." + digits)
        elif self.peek() == "and":  # "one and a half"
            self.i += 1
            fraction = self.count_and_fraction()
            if fraction is None:
                return None
            value = whole + fraction
        elif 0 < whole < 100 and self.peek() in _FRACTIONS:  # "three quarters"
            value = Decimal(whole) / _FRACTIONS[self.peek() or ""]
            self.i += 1
        else:
            return Decimal(whole)
        # "one point four billion", "two and a half million" (not "a million point five").
        return self.scaled(value) if whole < 1000 else value


def _parse_words(text: str) -> Decimal | None:
    words = [word for word in _WORD_SEPARATORS.split(text) if word]
    if not words:
        return None
    reader = _Words(words)
    value = reader.number()
    if value is None or reader.i != len(words):
        return None
    return value
