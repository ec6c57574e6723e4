"""Numbers as they are written in prose: finding them, reading their value, writing a
nearby value in the same style (digits or words, decimals, thousands separators)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 10**9}
_WORD_VALUES = {word: value for value, word in enumerate(_UNITS)} | {
    word: 20 + 10 * index for index, word in enumerate(_TENS)
}
_SMALL_WORD = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    r"(?:-(?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    r"|fifteen|sixteen|seventeen|eighteen|nineteen)"
)
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = r"(?:\s(?:hundred|thousand|million|billion))?"
NUMBER_RE = re.compile(
    rf"(?<![\w.,/-])(?P<value>(?:{_DIGITS}){_SCALE}|(?i:{_SMALL_WORD}){_SCALE})"
    rf"(?P<percent>\s?%|\sper\s?cent|\spercent)?(?![\w-]|[.,]\d)"
)
YEAR_RE = re.compile(
    r"(?<![\w.,/-])(?P<value>(?:1[0-9]|20)\d{2}s?|\d{3,4}\s(?:CE|BCE|BC|AD))(?![\w-]|[.,]\d)"
)

MAX_YEAR = 2030


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number as written: its value and how to write another one like it."""

    value: float
    words: bool  # spelled out ("twenty-five")
    decimals: int
    grouped: bool  # "11,000"
    scale: str  # "", "million", ...
    percent: str  # "", "%", " percent", " per cent"
    era: str = ""  # "", "CE", "BC" ... for years
    decade: bool = False  # "1840s"
    year: bool = False

    def write(self, value: float) -> str:
        if self.decade:
            return f"{int(value)}s"
        if self.era:
            return f"{int(value)} {self.era}"
        base = value / _SCALES[self.scale] if self.scale else value
        if self.words and base == int(base) and 0 < base < 100:
            text = number_words(int(base))
        elif self.decimals:
            text = f"{base:,.{self.decimals}f}" if self.grouped else f"{base:.{self.decimals}f}"
        else:
            text = (
                f"{round(base):,}" if self.grouped or round(base) >= 10_000 else str(round(base))
            )
        if self.scale:
            text += " " + self.scale
        return text + self.percent


def number_words(value: int) -> str:
    """0–99 in words: 25 → "twenty-five"."""
    if value < 20:
        return _UNITS[value]
    tens, units = divmod(value, 10)
    return _TENS[tens - 2] + (f"-{_UNITS[units]}" if units else "")


def _word_value(text: str) -> int | None:
    parts = text.lower().split("-")
    if not all(part in _WORD_VALUES for part in parts):
        return None
    return sum(_WORD_VALUES[part] for part in parts)


def read_quantity(text: str, percent: str = "") -> Quantity | None:
    """Parse "1.4 billion", "11,000", "twenty-five", "97" (+ the percent suffix)."""
    body, _, scale = text.partition(" ")
    if scale and scale not in _SCALES:
        return None
    multiplier = _SCALES.get(scale, 1)
    if body[0].isdigit():
        number = float(body.replace(",", ""))
        decimals = len(body.partition(".")[2])
        words = False
    else:
        parsed = _word_value(body)
        if parsed is None:
            return None
        number, decimals, words = float(parsed), 0, True
    return Quantity(
        value=number * multiplier,
        words=words,
        decimals=decimals,
        grouped="," in body,
        scale=scale,
        percent=percent,
    )


def read_year(text: str) -> Quantity:
    value, _, era = text.partition(" ")
    decade = value.endswith("s")
    return Quantity(
        value=float(value.rstrip("s")),
        words=False,
        decimals=0,
        grouped=False,
        scale="",
        percent="",
        era=era,
        decade=decade,
        year=True,
    )


def other_forms(text: str, quantity: Quantity) -> list[str]:
    """Other ways of writing the same number, for accepted answers."""
    forms: list[str] = []
    base = quantity.value / _SCALES[quantity.scale] if quantity.scale else quantity.value
    whole = base == int(base)
    digits = f"{int(base)}" if whole else f"{base:g}"
    scale = " " + quantity.scale if quantity.scale else ""
    spelled_percent = " percent" if quantity.percent == "%" else quantity.percent
    if quantity.words:
        forms.append(digits + scale + quantity.percent)
    elif whole and 0 < base < 100 and not quantity.year:
        forms.append(number_words(int(base)) + scale + spelled_percent)
    if quantity.grouped:
        forms.append(text.replace(",", ""))
    if quantity.scale and quantity.value == int(quantity.value):
        forms.append(f"{int(quantity.value):,}")
    if quantity.percent:
        number = text[: len(text) - len(quantity.percent)]
        forms.extend([number + "%", number + " percent", number + " per cent", number])
    if quantity.decade:
        forms.extend([f"the {text}", text.replace("s", "'s")])
    if quantity.era:
        forms.append(text.split()[0])
    return [form for form in dict.fromkeys(forms) if form != text]


def _nice_step(value: float) -> float:
    """A round step about a fifth of ``value``: 25 → 5, 180 → 50, 1.4 → 0.2."""
    rough = abs(value) * 0.22
    if rough <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(rough))
    for factor in (5, 2, 1):
        if factor * power <= rough:
            return factor * power
    return power


def nearby_values(quantity: Quantity) -> list[float]:
    """Plausible wrong values near ``quantity``, in a fixed order of preference."""
    value = quantity.value
    if quantity.decade:
        step = 100.0 if value % 100 == 0 else 20.0
        return [value - step, value + step, value + 2 * step, value - 2 * step]
    if quantity.year:
        offsets = (-20, 15, 35, -40, 10, -10, 25, 50)
        return [value + offset for offset in offsets if value + offset <= MAX_YEAR]
    if quantity.percent:
        candidates = [value - 20, value + 15, 100 - value, value - 10, value + 25, value * 2]
        return [c for c in candidates if 0 < c < 100 and abs(c - value) >= 5]
    if value <= 12 and value == int(value):
        candidates = [value + 1, value + 2, value - 1, value + 3, value + 4]
        low = 2 if value >= 2 else 0
        return [c for c in candidates if c >= low and c != value]
    step = _nice_step(value)
    candidates = [value + step, value - step, value + 2 * step, value - 2 * step, value * 2]
    precision = quantity.decimals
    rounded = [round(c, precision) if precision else float(round(c)) for c in candidates]
    return [c for c in rounded if c > 0 and abs(c - value) / value >= 0.15]


def far_enough(a: Quantity, b: Quantity) -> bool:
    """Two values a student can tell apart: years a decade apart, other numbers 15 %."""
    if a.year or b.year:
        return abs(a.value - b.value) >= 10
    if a.percent:
        return abs(a.value - b.value) >= 2 and abs(a.value - b.value) / max(a.value, 1) >= 0.15
    if max(a.value, b.value) <= 12:
        return a.value != b.value
    return abs(a.value - b.value) / max(a.value, b.value) >= 0.15
