"""Sanitised HTML → Markdown-flavoured text, with the stdlib ``HTMLParser``.

Headings (h1–h3 become ``Heading`` items for the outline, h4–h6 ``####`` lines),
paragraphs, ``- ``/``1. `` list items, fenced code for ``<pre>``, ``> `` quotes,
``| a | b |`` table rows, ``*em*``/``**strong**`` and inline code. Whitespace collapses
as in a browser (not in ``<pre>``). Text is Markdown-escaped (``\\<``, ``\\*``, ``\\[``…)
so that it can never turn into markup or raw HTML.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from .common import Heading, Item, escape_inline, escape_line_start, fence_for, is_blank, one_line

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_EMPHASIS = {"em": "*", "i": "*", "strong": "**", "b": "**"}
_INLINE = set(_EMPHASIS) | {"a", "code", "br"}
_SECTION_HEADING_MAX = 3
_WS_RE = re.compile(r"[ \t\n\r\f]+")


class _Break:
    """A ``<br>`` in the inline buffer."""


_BR = _Break()


class _CodeText(str):
    """Text from inside ``<code>``, not yet escaped: it is only safe once it is wrapped
    in backticks. Anything still of this type when written out gets escaped."""

    __slots__ = ()


def _plain(parts: list[str | _Break]) -> str:
    return "".join(
        escape_inline(part) if isinstance(part, _CodeText) else part
        for part in parts
        if isinstance(part, str)
    )


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[Item] = []
        self.buf: list[str | _Break] = []
        self.marks: list[tuple[str, int]] = []  # (tag, index in buf) for em/strong/code
        self.code = 0
        self.lists: list[list[int]] = []  # [ordered (0/1), counter]
        self.li_marker: str | None = None
        self.quote = 0
        self.pre = 0
        self.pre_buf: list[str] = []
        self.heading: int | None = None
        self.heading_buf: list[str] = []
        self.tables = 0
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    # -- output -----------------------------------------------------------------------
    def _prefixes(self) -> tuple[str, str]:
        """(first-line prefix, continuation prefix) for a block at the current position."""
        quote = "> " * self.quote
        if not self.lists:
            return quote, quote
        indent = "   " * (len(self.lists) - 1)
        if self.li_marker is not None:
            marker, self.li_marker = self.li_marker, None
            return quote + indent + marker, quote + indent + " " * len(marker)
        return quote + indent + "   ", quote + indent + "   "

    def _emit(self, lines: list[str], *, escape: bool = True) -> None:
        first, rest = self._prefixes()
        out = []
        for number, line in enumerate(lines):
            text = escape_line_start(line) if escape else line
            out.append((first if number == 0 else rest) + text)
        if self.lists:
            separator = "\n"
        elif self.quote:
            separator = "\n" + ("> " * self.quote).rstrip() + "\n"
        else:
            separator = "\n\n"
        self.items.append("\n".join(out) + separator)

    def _flush(self) -> None:
        if self.heading is not None or self.cell is not None:
            return
        self.marks = []
        parts = self.buf
        self.buf = []
        lines: list[str] = []
        current: list[str | _Break] = []
        for part in parts:
            if isinstance(part, str):
                current.append(part)
            else:
                lines.append(_plain(current))
                current = []
        lines.append(_plain(current))
        lines = [re.sub(r" {2,}", " ", line).strip() for line in lines]
        while lines and not lines[-1]:
            lines.pop()
        while lines and not lines[0]:
            lines.pop(0)
        if lines and not all(is_blank(line) for line in lines):
            self._emit(lines)

    # -- parser callbacks ----------------------------------------------------------------
    def handle_data(self, data: str) -> None:
        if self.pre:
            self.pre_buf.append(data)
        elif self.cell is not None:
            self.cell.append(_WS_RE.sub(" ", data))
        elif self.heading is not None:
            self.heading_buf.append(_WS_RE.sub(" ", data))
        else:
            text = _WS_RE.sub(" ", data)
            self.buf.append(_CodeText(text) if self.code else escape_inline(text))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.cell is not None or self.pre or self.heading is not None:
            self._inner_start(tag)
        elif tag in _INLINE:
            self._inline_start(tag)
        elif tag == "table":
            self._flush()
            self.tables, self.rows = 1, []
        elif tag == "tr" and self.tables:
            self.rows.append([])
        elif tag in ("td", "th") and self.tables:
            self.cell = []
        elif tag in HEADINGS:
            self._flush()
            self.heading, self.heading_buf = int(tag[1]), []
        elif tag == "pre":
            self._flush()
            self.pre, self.pre_buf = 1, []
        elif tag in ("ul", "ol"):
            self._flush()
            self.lists.append([1 if tag == "ol" else 0, 0])
        elif tag == "li":
            self._flush()
            if not self.lists:
                self.lists.append([0, 0])
            self.lists[-1][1] += 1
            ordered, count = self.lists[-1]
            self.li_marker = f"{count}. " if ordered else "- "
        elif tag == "blockquote":
            self._flush()
            self.quote += 1
        elif tag == "hr":
            self._flush()
            self._emit(["---"], escape=False)
        else:
            self._flush()

    def _inner_start(self, tag: str) -> None:
        """A start tag inside a table cell, a ``<pre>`` or a heading: only text counts."""
        if self.cell is not None:
            if tag == "table":
                self.tables += 1
            elif tag not in _INLINE or tag == "br":
                self.cell.append(" ")
        elif self.pre:
            if tag == "pre":
                self.pre += 1
            elif tag not in _INLINE or tag == "br":
                self.pre_buf.append("\n")
        elif tag not in _INLINE or tag == "br":
            self.heading_buf.append(" ")

    def _inline_start(self, tag: str) -> None:
        if tag == "br":
            self.buf.append(_BR)
        elif tag in _EMPHASIS or tag == "code":
            self.marks.append((tag, len(self.buf)))
            if tag == "code":
                self.code += 1

    def handle_endtag(self, tag: str) -> None:
        if self.cell is not None:
            self._cell_end(tag)
        elif self.pre:
            if tag == "pre":
                self.pre -= 1
                if not self.pre:
                    self._emit_code()
        elif self.heading is not None:
            if tag in HEADINGS:
                self._emit_heading()
        elif tag in _EMPHASIS or tag == "code":
            self._inline_end(tag)
        elif tag == "table":
            self._emit_table()
        elif tag in _INLINE:
            return
        else:
            self._flush()
            if tag in ("ul", "ol") and self.lists:
                self.lists.pop()
                self.li_marker = None
                if not self.lists:
                    self.items.append("\n")
            elif tag == "li":
                self.li_marker = None
            elif tag == "blockquote" and self.quote:
                self._end_quote()

    def _end_quote(self) -> None:
        """Close a quote: its last block ends in a plain blank line, not a ``>`` line."""
        separator = "\n" + ("> " * self.quote).rstrip() + "\n"
        self.quote -= 1
        last = self.items[-1] if self.items else None
        if isinstance(last, str) and last.endswith(separator):
            self.items[-1] = last[: -len(separator)] + "\n"
        self.items.append(("> " * self.quote).rstrip() + "\n")

    def _cell_end(self, tag: str) -> None:
        if tag == "table":
            self.tables -= 1
        elif tag in ("td", "th") and self.tables == 1 and self.cell is not None:
            text = one_line("".join(self.cell))
            self.cell = None
            if not self.rows:
                self.rows.append([])
            self.rows[-1].append(escape_inline(text).replace("|", "\\|"))
        elif tag not in _INLINE and self.cell is not None:
            self.cell.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "hr"):
            self.handle_endtag(tag)

    def _inline_end(self, tag: str) -> None:
        if tag == "code":
            self.code = max(0, self.code - 1)
        if not self.marks or self.marks[-1][0] != tag:
            return
        _tag, start = self.marks.pop()
        segment = self.buf[start:]
        if any(part is _BR for part in segment):
            return  # left unwrapped; code text is escaped when the block is written
        if tag == "code":
            text = "".join(part for part in segment if isinstance(part, str))
        else:
            text = _plain(segment)
        core = text.strip()
        if not core:
            return
        lead = text[: len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()) :]
        if tag == "code":
            fence = "`" * (max((len(r) for r in re.findall(r"`+", core)), default=0) + 1)
            pad = " " if core.startswith("`") or core.endswith("`") else ""
            self.buf[start:] = [lead, fence, pad, core, pad, fence, trail]
        else:
            marker = _EMPHASIS[tag]
            self.buf[start:] = [lead, marker, core, marker, trail]

    def _emit_heading(self) -> None:
        level = self.heading or 1
        text = one_line("".join(self.heading_buf))
        self.heading, self.heading_buf = None, []
        if not text:
            return
        if level <= _SECTION_HEADING_MAX and not self.lists and not self.quote:
            source = f"{'#' * level} {escape_inline(text)}\n\n"
            self.items.append(Heading(level=level, text=text, source=source))
        elif self.lists or self.quote:
            self._emit([f"**{escape_inline(text)}**"], escape=False)
        else:
            self._emit([f"{'#' * level} {escape_inline(text)}"], escape=False)

    def _emit_code(self) -> None:
        code = "".join(self.pre_buf).lstrip("\n").rstrip()
        self.pre_buf = []
        if code and not is_blank(code):
            fence = fence_for(code)
            self._emit([fence, *code.split("\n"), fence], escape=False)

    def _emit_table(self) -> None:
        self.tables = 0
        rows = [row for row in self.rows if any(cell for cell in row)]
        self.rows = []
        if not rows:
            return
        width = max(len(row) for row in rows)
        lines = []
        for number, row in enumerate(rows):
            cells = row + [""] * (width - len(row))
            lines.append("| " + " | ".join(cells) + " |")
            if number == 0:
                lines.append("|" + " --- |" * width)
        self._emit(lines, escape=False)

    def close(self) -> None:
        super().close()
        if self.cell is not None:
            self.tables = 1
            self._cell_end("td")
        if self.rows:
            self._emit_table()
        if self.pre:
            self.pre = 0
            self._emit_code()
        if self.heading is not None:
            self._emit_heading()
        self._flush()


def to_markdown(clean_html: str) -> list[Item]:
    """Sanitised HTML → headings and Markdown body pieces."""
    converter = _Converter()
    converter.feed(clean_html)
    converter.close()
    return converter.items
