"""Text helpers: folding for comparisons, inline Markdown cleaning, word containment,
stable seeds. Everything here is deterministic and independent of PYTHONHASHSEED."""

from __future__ import annotations

import hashlib
import random
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

BLANK = "_____"

_TYPOGRAPHIC = str.maketrans(
    {
        "’": "'",
        "‘": "'",
        "‛": "'",
        "ʼ": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "«": '"',
        "»": '"',
        "–": "-",
        "—": "-",
        "‐": "-",
        "‑": "-",
        "\u00a0": " ",
    }
)
_WORD_RE = re.compile(r"[^\W_]+")
_SPACE_RE = re.compile(r"\s+")
_QUOTE_CONTINUATION_RE = re.compile(r"\n[ \t]*(?:>[ \t]?)+")
_MARKUP_RE = re.compile(r"[*_`\[>]")
_LINK_RE = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")
_CODE_RE = re.compile(r"`+([^`]*)`+")
_BOLD_RE = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_ITALIC_RE = re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])")


def ascii_fold(text: str) -> str:
    """``Schöffer’s`` → ``Schoffer's``: accents dropped, typographic quotes and dashes
    made plain. Letters without a decomposition (``æ``, CJK) are kept as they are."""
    text = text.translate(_TYPOGRAPHIC)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Case-, accent- and whitespace-insensitive form for comparisons."""
    return _SPACE_RE.sub(" ", ascii_fold(text).casefold()).strip()


@lru_cache(maxsize=1 << 16)
def fold_words(text: str) -> tuple[str, ...]:
    """The folded words (letters and digits) of ``text``."""
    return tuple(_WORD_RE.findall(fold(text)))


def contains_words(haystack: Sequence[str], needle: Sequence[str]) -> bool:
    """True when the word sequence ``needle`` occurs in ``haystack`` (whole words)."""
    if not needle or len(needle) > len(haystack):
        return False
    return f" {' '.join(needle)} " in f" {' '.join(haystack)} "


def mentions_any(text: str, phrases: Iterable[str]) -> bool:
    """True when any of ``phrases`` occurs in ``text`` as whole words, ignoring case,
    accents and typographic quotes."""
    words = fold_words(text)
    return any(contains_words(words, fold_words(phrase)) for phrase in phrases)


def collapse(text: str) -> str:
    return _SPACE_RE.sub(" ", text).strip()


def clean_inline(raw: str) -> tuple[str, list[tuple[int, int]]]:
    """Display text of a Markdown sentence and the spans (in that text) that were in
    italics: blockquote continuations, links, code, bold and italic markers go, and
    whitespace (hard-wrapped lines included) becomes single spaces."""
    if not _MARKUP_RE.search(raw):
        return collapse(raw), []
    text = _QUOTE_CONTINUATION_RE.sub(" ", raw)
    text = collapse(text)
    text = _LINK_RE.sub(r"\1", text)
    text = _CODE_RE.sub(r"\1", text)
    text = _BOLD_RE.sub(r"\2", text)
    italics: list[tuple[int, int]] = []
    parts: list[str] = []
    cursor = 0
    length = 0
    for match in _ITALIC_RE.finditer(text):
        before = text[cursor : match.start()]
        parts.append(before)
        length += len(before)
        inner = match.group(2)
        italics.append((length, length + len(inner)))
        parts.append(inner)
        length += len(inner)
        cursor = match.end()
    parts.append(text[cursor:])
    return "".join(parts), italics


def stable_seed(*parts: str) -> int:
    """An integer seed from text, the same in every process."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big")


def seeded_random(*parts: str) -> random.Random:
    return random.Random(stable_seed(*parts))  # noqa: S311 - not cryptography


def capitalise(text: str) -> str:
    """First letter upper-cased, the rest untouched."""
    return text[:1].upper() + text[1:] if text else text


def as_sentence(text: str) -> str:
    """Capitalised and ending in a full stop (for flashcard backs)."""
    text = text.strip().rstrip(",;:")
    if text and text.rstrip("”’\"')]")[-1:] not in {".", "!", "?", "…"}:
        text += "."
    return capitalise(text)
