"""Small helpers shared by every format: tidying text, sizes, titles, Markdown escaping."""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_TITLE_CHARS = 255
MAX_HEADING_CHARS = 300
DEFAULT_TITLE = "Untitled document"
INTRODUCTION = "Introduction"

_KIB = 1024
_MIB = 1024 * 1024

_BLANK_RE = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]*")
_MANY_NEWLINES_RE = re.compile(r"\n{3,}")
_TRAILING_SPACE_RE = re.compile(r"[ \t\f\v\u00a0\u3000]+$", re.MULTILINE)
_WHITESPACE_RE = re.compile(r"\s+")
_INLINE_SPECIAL_RE = re.compile(r"([\\`*<\[\]])")
_LINE_START_RE = re.compile(r"^(\s*)(#|>|[-+=]|\d{1,9}[.)])(?=\s|$)")


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading found by a format reader, before we know whether it starts a section.

    ``source`` is the Markdown to put in a section body when the heading turns out to
    sit below the section level (for Markdown input: the original source lines)."""

    level: int
    text: str
    source: str


# What a format reader hands to the outline builder: headings, and body pieces. A body
# piece is Markdown that carries its own trailing separator ("\n\n" after a block).
Item = Heading | str


def is_blank(text: str) -> bool:
    """True when ``text`` holds nothing a reader could see (whitespace, zero-width marks)."""
    return _BLANK_RE.fullmatch(text) is not None


def clean_body(text: str) -> str:
    """Strip trailing whitespace per line, collapse 3+ newlines to one blank line, and
    strip leading/trailing blank lines (indentation of the first line is kept)."""
    text = _TRAILING_SPACE_RE.sub("", text)
    text = _MANY_NEWLINES_RE.sub("\n\n", text)
    return text.strip("\n")


def one_line(text: str) -> str:
    """Collapse all whitespace (newlines included) to single spaces."""
    return _WHITESPACE_RE.sub(" ", text).strip()


def truncate(text: str, limit: int) -> str:
    """Shorten ``text`` to at most ``limit`` characters at a word boundary, adding "…"."""
    text = one_line(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-") + "…"


def heading_text(text: str) -> str:
    return truncate(text, MAX_HEADING_CHARS)


def title_text(text: str) -> str:
    return truncate(text, MAX_TITLE_CHARS)


def title_from_filename(filename: str | None) -> str | None:
    """``"notes/french_revolution-week-2.txt"`` → ``"french revolution week 2"``."""
    if not filename:
        return None
    name = re.split(r"[\\/]", filename)[-1]
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem = name
    elif not stem.strip("."):  # ".hidden"
        stem = ext
    pretty = one_line(re.sub(r"[_\-]+", " ", stem))
    return title_text(pretty) if pretty and not is_blank(pretty) else None


def pick_title(*candidates: str | None) -> str:
    """The first candidate with visible text, tidied to one line; else the default."""
    for candidate in candidates:
        if candidate and not is_blank(candidate):
            return title_text(candidate)
    return DEFAULT_TITLE


def human_size(size: int, other: int | None = None) -> str:
    """``6_500_000`` → ``"6.2 MB"``. When ``other`` would print the same, use exact bytes."""

    def fmt(n: int) -> str:
        if n >= _MIB:
            return f"{n / _MIB:.1f} MB"
        if n >= _KIB:
            return f"{n / _KIB:.1f} KB"
        return f"{n:,} bytes"

    if other is not None and fmt(size) == fmt(other):
        return f"{size:,} bytes"
    return fmt(size)


def too_big(size: int, limit: int) -> tuple[str, str]:
    """Both sizes, formatted so that they never look equal."""
    return human_size(size, limit), human_size(limit, size)


def escape_inline(text: str) -> str:
    """Escape the Markdown characters that could turn extracted text into markup (or raw
    HTML): backslash, backtick, asterisk, ``<`` and square brackets."""
    return _INLINE_SPECIAL_RE.sub(r"\\\1", text)


def escape_line_start(line: str) -> str:
    """Stop a line of extracted text from being read as a Markdown heading, quote, list
    item or setext underline: ``"1. a"`` → ``"1\\. a"``, ``"# a"`` → ``"\\# a"``."""
    match = _LINE_START_RE.match(line)
    if not match:
        return line
    indent, marker = match.group(1), match.group(2)
    rest = line[match.end() :]
    if marker[0].isdigit():
        return f"{indent}{marker[:-1]}\\{marker[-1]}{rest}"
    return f"{indent}\\{marker}{rest}"


def bold_line(text: str) -> str:
    """A heading folded into a body, as a Markdown bold line."""
    return f"**{escape_inline(one_line(text))}**"


def fence_for(code: str) -> str:
    """A backtick fence longer than any backtick run inside ``code``."""
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    return "`" * max(3, longest + 1)
