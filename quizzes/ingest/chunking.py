"""Documents with no headings: cut the paragraphs into lessons of about 300 words.

* Paragraphs are accumulated until a lesson has at least ``TARGET_WORDS`` words; a
  paragraph is never split unless it alone has more than ``MAX_PARAGRAPH_WORDS`` words,
  in which case it is split after sentences and at line breaks (so a long list splits
  between items), and a stretch with neither is split every ``TARGET_WORDS`` words; the
  pieces are exact slices, so nothing is reworded. Fenced code blocks are never split.
* A last lesson shorter than ``MIN_TAIL_WORDS`` is appended to the one before it.
* Each lesson is headed by the first (up to 8) words of its first sentence and "…", or
  "Part N" when that has no words. When the whole document fits in one lesson and the
  document has a real title (not one made from the file name), the lesson takes that title.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import pairwise

from .common import clean_body, heading_text, is_blank
from .types import Section

TARGET_WORDS = 300
MAX_PARAGRAPH_WORDS = 450
MIN_TAIL_WORDS = 100
HEADING_WORDS = 8

_SENTENCE_END_RE = re.compile(r"(?<=[.!?…])\s+")
_LINE_BREAK_RE = re.compile(r"\n")
_WORD_RE = re.compile(r"\S+")
_FIRST_SENTENCE_RE = re.compile(r"(?<=[.!?…])\s")
_LINE_MARKER_RE = re.compile(r"^\s*(?:#{1,6}\s+|(?:>\s*)+|[-*+•]\s+|\d{1,9}[.)]\s+)")
_MARKUP_RE = re.compile(r"[\\*_`#<>\[\]|]")
_FENCE_RE = re.compile(r"^\s{0,3}(?:```|~~~)")

# A unit is a piece of text that goes into one lesson whole:
# (text, words, paragraph id, separator after the paragraph).
_Unit = tuple[str, int, int, str]


def _split_long_paragraph(paragraph: str, para_id: int, sep: str) -> list[_Unit]:
    """Exact, contiguous slices of ``paragraph`` cut after sentences and at line breaks
    (so list items and hard-wrapped lines survive); a slice still over the limit is cut
    every ``TARGET_WORDS`` words. Joining the slices gives back the paragraph."""
    cuts = {match.end() for match in _SENTENCE_END_RE.finditer(paragraph)}
    cuts.update(match.end() for match in _LINE_BREAK_RE.finditer(paragraph))
    units: list[_Unit] = []
    start = 0
    for end in [*sorted(cuts), len(paragraph)]:
        if end <= start:
            continue
        piece = paragraph[start:end]
        words = len(piece.split())
        if words <= MAX_PARAGRAPH_WORDS:
            units.append((piece, words, para_id, sep))
        else:
            starts = [match.start() for match in _WORD_RE.finditer(piece)]
            bounds = [0, *starts[TARGET_WORDS::TARGET_WORDS], len(piece)]
            for a, b in pairwise(bounds):
                units.append((piece[a:b], len(piece[a:b].split()), para_id, sep))
        start = end
    return units


def _units(paragraphs: Iterable[str]) -> list[_Unit]:
    units: list[_Unit] = []
    for para_id, raw in enumerate(paragraphs):
        paragraph = raw.strip("\n")
        words = len(paragraph.split())
        if not words:
            continue
        # A piece that ends in a single newline (an HTML or DOCX list item) is followed
        # by a single newline, so that lists stay tight; anything else by a blank line.
        sep = "\n" if raw.endswith("\n") and not raw.endswith("\n\n") else "\n\n"
        if words > MAX_PARAGRAPH_WORDS and not _FENCE_RE.match(paragraph):
            units.extend(_split_long_paragraph(paragraph, para_id, sep))
        else:
            units.append((paragraph, words, para_id, sep))
    return units


def _join(units: list[_Unit]) -> str:
    """Slices of one paragraph are contiguous; paragraphs are separated by a blank line."""
    parts: list[str] = []
    previous = None
    previous_sep = "\n\n"
    for text, _words, para_id, sep in units:
        if parts and para_id != previous:
            parts.append(previous_sep)
        parts.append(text)
        previous, previous_sep = para_id, sep
    return "".join(parts)


def chunk_heading(body: str, number: int) -> str:
    """First words of the first sentence of ``body`` plus "…", or "Part N"."""
    first_line = next((line for line in body.split("\n") if not is_blank(line)), "")
    if _FENCE_RE.match(first_line):
        first_line = first_line.lstrip(" `~")
    first_line = _LINE_MARKER_RE.sub("", first_line)
    sentence = _FIRST_SENTENCE_RE.split(first_line, maxsplit=1)[0]
    words = _MARKUP_RE.sub("", sentence).split()[:HEADING_WORDS]
    text = " ".join(words).rstrip(".,;:!?…-–—\"'“”‘’«»()")
    if not text or is_blank(text):
        return f"Part {number}"
    return heading_text(text + "…")


def chunk(paragraphs: Iterable[str], title: str | None = None) -> list[Section]:
    """Group ``paragraphs`` (Markdown blocks) into sections of about 300 words."""
    groups: list[list[_Unit]] = []
    current: list[_Unit] = []
    count = 0
    for unit in _units(paragraphs):
        current.append(unit)
        count += unit[1]
        if count >= TARGET_WORDS:
            groups.append(current)
            current, count = [], 0
    if current:
        if groups and count < MIN_TAIL_WORDS:
            groups[-1].extend(current)
        else:
            groups.append(current)
    bodies = [clean_body(_join(group)) for group in groups]
    bodies = [body for body in bodies if not is_blank(body)]
    if len(bodies) == 1 and title and not is_blank(title):
        return [Section(heading=heading_text(title), body=bodies[0])]
    return [Section(heading=chunk_heading(body, n), body=body) for n, body in enumerate(bodies, 1)]
