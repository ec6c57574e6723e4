"""Plain text: blocks separated by blank lines; short unpunctuated lines are headings.

* **Title**: the first block, when it is a single line of at most 200 characters and
  something follows it. Otherwise the file name, else "Untitled document".
* **Heading**: a single-line block of at most 12 words and 100 characters, with a letter
  or digit, not ending in sentence punctuation (``. ! ? : ; , …``, also when followed by
  a closing quote or bracket), not a list item (``-``, ``*``, ``•``, ``1)``, ``(a)`` …;
  numbered headings such as ``1. Glaciers`` or ``2.3 Ice`` are allowed), and followed
  by a block that is not heading-like.
* **Two heading lines in a row** (separate blocks, followed by a paragraph): when the
  first is a *kicker* (``Part One``, ``Chapter 3``, ``Unit 2``, ``IV``, ``2.1`` …)
  they merge into one heading, ``Part One: The Ice Age``; otherwise the second is the
  heading and the first becomes a bold line, ``**Field Notes**``, at the top of that
  section. A two-line block is merged the same way when its first line is a kicker;
  any other two-line block is a paragraph (it may be a two-item list).
* **Three or more** heading-like lines in a row are taken to be a list written one item
  per paragraph, and stay in the body as they are; so do heading-like lines at the
  very end of the document (nothing follows them).
* Text before the first heading is an "Introduction" section. Hard-wrapped paragraphs
  keep their lines. No headings at all → ~300-word lessons (``chunking``).
"""

from __future__ import annotations

import re

from .chunking import chunk
from .common import (
    INTRODUCTION,
    bold_line,
    clean_body,
    heading_text,
    is_blank,
    pick_title,
    title_from_filename,
)
from .decoding import decode
from .types import Limits, ParsedDocument, Section

MAX_TITLE_LINE = 200
MAX_HEADING_CHARS = 100
MAX_HEADING_WORDS = 12
MAX_HEADING_RUN = 2

_SENTENCE_PUNCTUATION = ".!?:;,…"
_CLOSERS = "\"'”’»)]}›"
_LIST_ITEM_RE = re.compile(
    r"^(?:[-*+•◦▪‣·–—]\s|\d{1,3}[)\]]\s|\(\w{1,4}\)\s|[a-z][.)]\s|[ivx]{1,4}[.)]\s)"
)
_HAS_WORD_RE = re.compile(r"\w")
_BLANK_LINES_RE = re.compile(r"\n(?:(?:[^\S\n]|[\u200b-\u200d\u2060\ufeff])*\n)+")
_KICKER_RE = re.compile(
    r"^(?:(?i:part|chapter|unit|section|lesson|module|book|volume|week|day|topic|appendix"
    r"|act|scene)\b.{0,30}|\d{1,3}(?:\.\d{1,3})*\.?|[IVXLC]{1,7}\.?)$"
)

Block = list[str]


def _blocks(text: str) -> list[Block]:
    """Runs of non-blank lines, each line right-stripped."""
    blocks: list[Block] = []
    for run in _BLANK_LINES_RE.split(text):
        lines = [line.rstrip() for line in run.split("\n")]
        while lines and is_blank(lines[-1]):  # only the first and last runs need these
            lines.pop()
        start = 0
        while start < len(lines) and is_blank(lines[start]):
            start += 1
        if start < len(lines):
            blocks.append(lines[start:] if start else lines)
    return blocks


def ends_in_punctuation(line: str) -> bool:
    """True for ``Stop.`` and ``“Stop!”``; false for ``The “Long Winter”``."""
    core = line.rstrip().rstrip(_CLOSERS)
    return bool(core) and core[-1] in _SENTENCE_PUNCTUATION


def is_heading_like(block: Block) -> bool:
    """A possible heading, ignoring what follows it."""
    if len(block) != 1:
        return False
    line = block[0].strip()
    return (
        len(line) <= MAX_HEADING_CHARS
        and not ends_in_punctuation(line)
        and len(line.split()) <= MAX_HEADING_WORDS
        and _HAS_WORD_RE.search(line) is not None
        and not _LIST_ITEM_RE.match(line)
    )


def _block_text(block: Block) -> str:
    return "\n".join(block)


def _as_heading(block: Block) -> tuple[str, bool] | None:
    """(heading text, is a kicker like "Part One") when ``block`` could be a heading.

    A two-line block is a heading only when its first line is a kicker:
    ``Part One`` / ``How Glaciers Form`` → ``Part One: How Glaciers Form``."""
    if is_heading_like(block):
        line = block[0].strip()
        return line, _KICKER_RE.match(line) is not None
    if len(block) == 2 and all(is_heading_like([line]) for line in block):
        first, second = block[0].strip(), block[1].strip()
        if _KICKER_RE.match(first):
            return f"{first}: {second}", False
    return None


def _sections(blocks: list[Block]) -> list[tuple[str, list[str]]]:
    """(heading, body blocks) pairs; the first heading is INTRODUCTION."""
    sections: list[tuple[str, list[str]]] = []
    body: list[str] = []
    heading = INTRODUCTION
    heads = [_as_heading(block) for block in blocks]
    index = 0
    while index < len(blocks):
        if heads[index] is None:
            body.append(_block_text(blocks[index]))
            index += 1
            continue
        end = index
        while end < len(blocks) and heads[end] is not None:
            end += 1
        run = [head for head in heads[index:end] if head is not None]
        if end < len(blocks) and len(run) <= MAX_HEADING_RUN:
            sections.append((heading, body))
            body = []
            if len(run) == 1:
                heading = run[0][0]
            elif run[0][1]:  # "Part Two" then "Moving Ice"
                heading = f"{run[0][0]}: {run[1][0]}"
            else:
                heading = run[1][0]
                body = [bold_line(run[0][0])]
        else:
            body.extend(_block_text(blocks[i]) for i in range(index, end))
        index = end
    sections.append((heading, body))
    return sections


def parse_text(data: bytes, filename: str | None, limits: Limits) -> ParsedDocument:
    text = decode(data, limits)
    blocks = _blocks(text)
    first_title: str | None = None
    if len(blocks) > 1 and len(blocks[0]) == 1 and len(blocks[0][0].strip()) <= MAX_TITLE_LINE:
        first_title = blocks[0][0].strip()
        blocks = blocks[1:]
    title = pick_title(first_title, title_from_filename(filename))

    raw = _sections(blocks)
    if len(raw) == 1:  # no headings
        sections = chunk([_block_text(block) for block in blocks], title=first_title)
    else:
        sections = []
        for heading, body_blocks in raw:
            body = clean_body("\n\n".join(body_blocks))
            if not is_blank(body):
                sections.append(Section(heading=heading_text(heading), body=body))
    return ParsedDocument(title=title, format="text", text=text, sections=tuple(sections))
