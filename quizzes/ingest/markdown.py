"""Markdown: section bodies are the original source lines (lists, code, tables kept).

``markdown_it`` (CommonMark) finds the top-level blocks and headings with their line
ranges; headings inside fenced code, block quotes or lists are not section headings.
Sections follow ``outline`` (top repeating heading level). Title: YAML-style front
matter ``title:``, else the title heading, else the file name, else the first line when
it is short, else "Untitled document".
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

from . import outline
from .common import Heading, Item, is_blank, one_line, pick_title, title_from_filename
from .decoding import decode
from .types import Limits, ParsedDocument

_MD = MarkdownIt("commonmark")
# Blocks only: inline parsing is done just for heading text, which saves ~20% on big files.
_MD_BLOCKS = MarkdownIt("commonmark").disable("inline")
_FRONT_MATTER_END = {"---", "..."}
_FRONT_MATTER_KEY_RE = re.compile(r"^[A-Za-z_][\w-]*\s*:")
_FRONT_MATTER_TITLE_RE = re.compile(r"^title\s*:\s*(.+?)\s*$", re.IGNORECASE)
_MAX_FRONT_MATTER_LINES = 200
_SHORT_FIRST_LINE = 100
_LINE_MARKER_RE = re.compile(r"^(?:#{1,6}\s+|>\s*|[-*+]\s+|\d{1,9}[.)]\s+)+")


def _front_matter(lines: list[str]) -> tuple[int, str | None]:
    """(number of lines the front matter takes, its title). (0, None) when there is none."""
    if not lines or lines[0].strip() != "---":
        return 0, None
    for end in range(1, min(len(lines), _MAX_FRONT_MATTER_LINES)):
        if lines[end].strip() in _FRONT_MATTER_END:
            break
    else:
        return 0, None
    inner = lines[1:end]
    first = next((line for line in inner if line.strip()), None)
    if first is None or not _FRONT_MATTER_KEY_RE.match(first):
        return 0, None
    title = None
    for line in inner:
        match = _FRONT_MATTER_TITLE_RE.match(line)
        if match:
            title = match.group(1).strip().strip("'\"").strip()
            break
    return end + 1, title or None


def inline_text(tokens: list[Token] | None) -> str:
    """Plain text of inline tokens: markup and raw HTML dropped, image alt text kept."""
    parts: list[str] = []
    for token in tokens or ():
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif token.type == "image":
            parts.append(inline_text(token.children))
    return one_line("".join(parts))


def _items(lines: list[str], tokens: list[Token], skip: int) -> list[Item]:
    """Top-level blocks as body pieces (source lines, separators included) and headings."""
    starts: list[tuple[int, int]] = []  # (line, token index)
    for index, token in enumerate(tokens):
        if token.level == 0 and token.nesting != -1 and token.map is not None:
            starts.append((token.map[0], index))
    if not starts:  # nothing markdown-it sees as a block, e.g. only link definitions
        return ["\n".join(lines[skip:])]
    items: list[Item] = []
    if starts[0][0] > skip:
        items.append("".join(f"{line}\n" for line in lines[skip : starts[0][0]]))
    for position, (line, index) in enumerate(starts):
        end = starts[position + 1][0] if position + 1 < len(starts) else len(lines)
        source = "\n".join(lines[line:end]) + "\n"
        token = tokens[index]
        if token.type == "heading_open":
            inline = _MD.parseInline(tokens[index + 1].content)
            text = inline_text(inline[0].children if inline else None)
            if text and not is_blank(text):
                items.append(Heading(level=int(token.tag[1]), text=text, source=source))
                continue
        items.append(source)
    return items


def _first_line(lines: list[str]) -> str | None:
    """The first non-blank line as plain text (markers and markup removed), if short."""
    line = next((line.strip() for line in lines if line.strip()), "")
    if len(line) > _SHORT_FIRST_LINE or line.startswith(("```", "~~~", "<", "|")):
        return None
    inline = _MD.parseInline(_LINE_MARKER_RE.sub("", line))
    return inline_text(inline[0].children if inline else None) or None


def parse_markdown(data: bytes, filename: str | None, limits: Limits) -> ParsedDocument:
    text = decode(data, limits)
    lines = text.split("\n")
    skip, front_title = _front_matter(lines)
    # Blank the front matter so that markdown-it's line numbers still match ``lines``.
    source = "\n" * skip + "\n".join(lines[skip:]) if skip else text
    tokens = _MD_BLOCKS.parse(source)
    items = _items(lines, tokens, skip)
    if skip and all(isinstance(item, str) and is_blank(item) for item in items):
        items = ["\n".join(lines[1 : skip - 1])]  # only front matter: keep its text
    result = outline.build(items, title_known=front_title is not None, title=front_title)
    title = pick_title(
        front_title, result.title, title_from_filename(filename), _first_line(lines[skip:])
    )
    return ParsedDocument(title=title, format="markdown", text=text, sections=result.sections)
