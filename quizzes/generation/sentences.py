"""Lesson body → sentences with exact character spans, and the rules that decide which
sentences may carry a question.

The body is Markdown-flavoured: paragraphs separated by blank lines, ``-``/``1.`` list
items, ``>`` quotes, fenced code, ``**bold**`` lines. Code, tables and headings are
skipped; list and quote markers and a leading bold label (``**Key term:**``) are left
out of the span. Sentences are found by segtok within each paragraph or list item, so
``body[start:end]`` is always the sentence exactly as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from segtok.segmenter import split_multi

from .lexicon import (
    ANAPHORIC,
    CONTEXT_OPENERS,
    CONTEXT_OPENING_PHRASES,
    FIRST_PERSON,
    STOPWORDS,
)
from .text import clean_inline, fold

MIN_WORDS = 8
MAX_WORDS = 35

_FENCE_RE = re.compile(r"^\s{0,3}(```|~~~)")
_LIST_RE = re.compile(r"^\s{0,6}(?:[-*+•◦▪‣·]|\d{1,3}[.)]|\(?[a-z]\))\s+")
_QUOTE_RE = re.compile(r"^\s{0,3}(?:>\s?)+")
_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}(?:\s|$)")
_RULE_RE = re.compile(r"^\s{0,3}(?:[-*_]\s*){3,}$")
_TABLE_RE = re.compile(r"^\s*\|")
_SETEXT_RE = re.compile(r"^\s{0,3}(?:=+|-+)\s*$")
_LABEL_RE = re.compile(r"^(?:\*\*|__)[^*_\n]{1,40}?(?::(?:\*\*|__)|(?:\*\*|__):)\s*")
_BOLD_LINE_RE = re.compile(r"^(?:\*\*|__)[^\n]*(?:\*\*|__)\s*$")
_WORD_RE = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_QUOTED_RE = re.compile(r"[“\"«]([^”\"»]*)[”\"»]")
_SINGLE_QUOTED_RE = re.compile(r"(?:^|(?<=\s))‘(.+?)’(?=[\s.,;:!?]|$)")
_DIGIT_RE = re.compile(r"\d")
_SUCH_AS_RE = re.compile(r"\bsuch as\b")
_PRONOUNS = frozenset("it its they them their he him his she her".split())
_OPENING_PHRASES = frozenset(CONTEXT_OPENING_PHRASES)
_URL_RE = re.compile(r"https?://|www\.|\S@\S")


@dataclass(frozen=True, slots=True)
class Sentence:
    index: int  # position among the lesson's sentences
    start: int  # body[start:end] == raw
    end: int
    raw: str
    text: str  # display text: inline Markdown removed, whitespace collapsed
    italics: tuple[tuple[int, int], ...]  # spans of ``text`` that were in italics
    paragraph: int
    in_list: bool
    words: int
    eligible: bool
    quality: float  # 0 for ineligible sentences; higher is better


def _units(body: str) -> list[tuple[int, int, bool]]:
    """(start, end, is list item) of each paragraph or list item with prose in it."""
    units: list[tuple[int, int, bool]] = []
    current: list[int] | None = None  # [start, end, in_list]
    in_fence = False
    offset = 0
    for line in body.splitlines(keepends=True):
        line_start, offset = offset, offset + len(line)
        stripped = line.rstrip("\r\n")
        if _FENCE_RE.match(stripped):
            in_fence = not in_fence
            current = None
            continue
        if in_fence:
            continue
        if (
            not stripped.strip()
            or _HEADING_RE.match(stripped)
            or _RULE_RE.match(stripped)
            or _TABLE_RE.match(stripped)
            or _SETEXT_RE.match(stripped)
            or _BOLD_LINE_RE.match(stripped.strip())
        ):
            current = None
            continue
        content = 0
        quote = _QUOTE_RE.match(stripped)
        if quote:
            content = quote.end()
        marker = _LIST_RE.match(stripped[content:])
        if marker:
            content += marker.end()
        label = _LABEL_RE.match(stripped[content:])
        if label:
            content += label.end()
        content += line_start
        line_end = line_start + len(stripped)
        if marker or current is None:
            current = [content, line_end, 1 if marker else 0]
            units.append((current[0], current[1], bool(current[2])))
        else:
            current[1] = line_end
            units[-1] = (current[0], current[1], bool(current[2]))
    return [(start, end, in_list) for start, end, in_list in units if end > start]


def _has_quotation(text: str) -> bool:
    """Direct speech or a quoted passage; a quoted term of up to three words is fine."""
    for pattern in (_QUOTED_RE, _SINGLE_QUOTED_RE):
        for match in pattern.finditer(text):
            if len(match.group(1).split()) > 3:
                return True
    return text.lstrip()[:1] in '“"‘«'


def _opens_with_context(words: list[str]) -> bool:
    if not words:
        return True
    first = words[0].lower().strip("’'")
    if first == "there" and len(words) > 1 and words[1] in {"is", "are", "was", "were"}:
        return False
    if first in CONTEXT_OPENERS:
        return True
    opening = [word.lower() for word in words[:4]]
    return any(" ".join(opening[:size]) in _OPENING_PHRASES for size in (2, 3, 4))


def _early_pronoun(words: list[str]) -> bool:
    """ "Under pressure their arms break off": a pronoun near the start with no name
    before it to point at."""
    if words and words[0].lower() not in STOPWORDS:
        return False  # "Gutenberg died in his home city"
    for word in words[1:5]:
        if word.lower() in _PRONOUNS:
            return True
        if word[:1].isupper():
            return False
    return False


def assess(text: str, *, position: int, in_list: bool) -> tuple[bool, float]:
    """(eligible, quality) of a sentence's display text. ``position`` is its order in
    the lesson; the first sentences of a section carry its main facts."""
    words = _WORD_RE.findall(text)
    count = len(words)
    stripped = text.rstrip('”"’)] ')
    if (
        count < MIN_WORDS
        or count > MAX_WORDS
        or not (text[:1].isupper() or text[:1].isdigit())
        or not stripped.endswith(".")
        or stripped.endswith("...")
        or "?" in text
        or "!" in text
        or _opens_with_context(words)
        or _has_quotation(text)
        or not FIRST_PERSON.isdisjoint(words)
        or _URL_RE.search(text)
        or len(_DIGIT_RE.findall(text)) > len(text) // 4
        or text.count("(") != text.count(")")
        or (
            not ANAPHORIC.isdisjoint(word.lower() for word in words)
            and not _SUCH_AS_RE.search(text)
        )
        or _early_pronoun(words)
    ):
        return False, 0.0
    quality = 1.0
    quality += 0.35 if position == 0 else 0.2 if position == 1 else 0.1 if position < 4 else 0.0
    quality += 0.15 if 12 <= count <= 28 else 0.0
    lowered = [word.lower() for word in words[1:]]
    quality -= 0.15 * sum(1 for word in lowered if word in {"it", "they", "them", "this"})
    quality -= 0.2 if in_list else 0.0
    quality -= 0.1 * text.count("(")
    quality -= 0.1 if ";" in text else 0.0
    return True, max(quality, 0.05)


def split_sentences(body: str) -> list[Sentence]:
    """The sentences of a lesson body, in order, with spans into ``body``."""
    sentences: list[Sentence] = []
    for paragraph, (start, end, in_list) in enumerate(_units(body)):
        chunk = body[start:end]
        cursor = 0
        for piece in split_multi(chunk):
            piece = piece.strip()
            if not piece:
                continue
            found = chunk.find(piece, cursor)
            if found < 0:
                continue
            cursor = found + len(piece)
            raw = piece
            text, italics = clean_inline(raw)
            if not text:
                continue
            eligible, quality = assess(text, position=len(sentences), in_list=in_list)
            sentences.append(
                Sentence(
                    index=len(sentences),
                    start=start + found,
                    end=start + found + len(piece),
                    raw=raw,
                    text=text,
                    italics=tuple(italics),
                    paragraph=paragraph,
                    in_list=in_list,
                    words=len(_WORD_RE.findall(text)),
                    eligible=eligible,
                    quality=quality,
                )
            )
    return sentences


def word_count(body: str) -> int:
    """Words as people count them: runs of non-space characters."""
    return len(body.split())


def sentence_key(sentence: Sentence) -> str:
    return fold(sentence.text)
