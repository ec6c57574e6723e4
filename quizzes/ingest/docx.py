"""DOCX: check the zip archive first, then read paragraphs and tables with python-docx.

* Before python-docx sees the bytes: it must be a zip archive, with at most
  ``limits.max_archive_entries`` entries, unpacking to at most
  ``limits.max_uncompressed_bytes`` (declared sizes; ``zipfile`` never inflates an
  entry past its declared size), and holding ``word/document.xml``.
* Paragraph styles: "Title" → document title; "Heading 1"…"Heading 9" → headings (the
  ``outline`` rules pick the section level; lower headings stay in bodies as ``###``
  lines); "List Bullet*" / "List Number*" and numbered paragraphs → list items;
  "Quote" → ``> `` lines; everything else → paragraphs. Tables → ``| a | b |`` rows.
  Text is Markdown-escaped. Text boxes, headers, footers, footnotes and comments are
  not read.
* Title: the first "Title" paragraph, else the core property ``title``, else a title
  heading (a lone top heading), else the file name, else "Untitled document".
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile

import docx
from docx.document import Document as DocxDocument
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from . import outline
from .common import (
    Heading,
    Item,
    bold_line,
    clean_body,
    escape_inline,
    escape_line_start,
    is_blank,
    one_line,
    pick_title,
    title_from_filename,
    too_big,
)
from .types import IngestError, Limits, ParsedDocument

# Style names are compared lower-cased without spaces ("Heading 1" → "heading1"), so that
# style ids ("Heading1") work too when a document has no styles part.
_HEADING_RE = re.compile(r"^heading([1-9])$")
_LIST_RE = re.compile(r"^list(bullet|number)([1-9])?$")
_QUOTE_STYLES = {"quote", "intensequote"}


def check_archive(data: bytes, limits: Limits) -> None:
    """Refuse anything that is not a reasonably sized zip holding a Word document."""
    buffer = io.BytesIO(data)
    if not zipfile.is_zipfile(buffer):
        raise IngestError("This is not a valid DOCX file (it is not a zip archive).")
    try:
        with zipfile.ZipFile(buffer) as archive:
            infos = archive.infolist()
    except Exception:  # BadZipFile, OSError, struct errors from a broken directory …
        raise IngestError("This is not a valid DOCX file (the zip archive is damaged).") from None
    if len(infos) > limits.max_archive_entries:
        raise IngestError(
            f"The DOCX file holds {len(infos):,} entries; "
            f"the limit is {limits.max_archive_entries:,}."
        )
    unpacked = sum(info.file_size for info in infos)
    if unpacked > limits.max_uncompressed_bytes:
        got, allowed = too_big(unpacked, limits.max_uncompressed_bytes)
        raise IngestError(f"The DOCX file would unpack to {got}; the limit is {allowed}.")
    if not any(info.filename == "word/document.xml" for info in infos):
        raise IngestError(
            "This zip file is not a Word document (it has no word/document.xml inside)."
        )


def _text(raw: str) -> str:
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def _style_names(document: DocxDocument) -> dict[str, str]:
    """Style id → normalised style name, read once (python-docx's ``paragraph.style``
    scans every style for each paragraph: 20,000 paragraphs took 13 s)."""
    names: dict[str, str] = {}
    try:
        for style in document.styles:
            if style.style_id:
                names[style.style_id] = _style_key(style.name or style.style_id)
    except Exception:  # a broken styles part: fall back to the style ids
        return {}
    return names


def _style_key(name: str) -> str:
    return re.sub(r"\s+", "", name).lower()


def _list_level(paragraph: Paragraph) -> int | None:
    """The indent level when the paragraph is numbered (Word's own bullets), else None."""
    p_pr = paragraph._p.pPr
    num_pr = p_pr.numPr if p_pr is not None else None
    if num_pr is None:
        return None
    ilvl = num_pr.ilvl
    return int(ilvl.val) if ilvl is not None and ilvl.val is not None else 0


def _cell_text(cell: _Cell) -> str:
    parts: list[str] = []
    for block in cell.iter_inner_content():
        if isinstance(block, Paragraph):
            parts.append(block.text)
        else:
            parts.extend(_cell_text(inner) for row in block.rows for inner in row.cells)
    return " ".join(parts)


def _table_lines(table: Table) -> list[str]:
    try:
        rows: list[list[str]] = []
        for row in table.rows:
            cells: list[str] = []
            previous = None
            for cell in row.cells:
                if cell._tc is previous:  # a horizontally merged cell repeats
                    continue
                previous = cell._tc
                cells.append(escape_inline(one_line(_text(_cell_text(cell)))).replace("|", "\\|"))
            if any(cells):
                rows.append(cells)
    except Exception:  # an odd table layout: keep its text as one paragraph
        text = one_line(_text(" ".join(table._tbl.itertext())))
        return [escape_line_start(escape_inline(text))] if text else []
    if not rows:
        return []
    width = max(len(row) for row in rows)
    lines = []
    for number, row in enumerate(rows):
        lines.append("| " + " | ".join(row + [""] * (width - len(row))) + " |")
        if number == 0:
            lines.append("|" + " --- |" * width)
    return lines


class _Extractor:
    def __init__(self, style_names: dict[str, str]) -> None:
        self.style_names = style_names
        self.items: list[Item] = []
        self.title: str | None = None
        self.in_list = False

    def _end_list(self) -> None:
        if self.in_list:
            self.items.append("\n")
            self.in_list = False

    def paragraph(self, paragraph: Paragraph) -> None:
        text = _text(paragraph.text)
        if is_blank(text):
            return
        style_id = paragraph._p.style
        style = self.style_names.get(style_id, _style_key(style_id)) if style_id else ""
        heading = _HEADING_RE.match(style)
        list_style = _LIST_RE.match(style)
        level = _list_level(paragraph) if not heading and not list_style else None
        if list_style or level is not None:
            if list_style:
                level = int(list_style.group(2) or 1) - 1
                marker = "1. " if list_style.group(1) == "number" else "- "
            else:
                marker = "- "
            indent = "   " * min(level or 0, 8)
            lines = [escape_inline(line.strip()) for line in text.split("\n")]
            joined = f"\n{indent}   ".join(line for line in lines if line)
            self.items.append(f"{indent}{marker}{joined}\n")
            self.in_list = True
            return
        self._end_list()
        if style == "title" and self.title is None:
            self.title = one_line(text)
        elif style == "title":
            self.items.append(bold_line(text) + "\n\n")
        elif heading:
            level = int(heading.group(1))
            line = one_line(text)
            source = f"{'#' * min(level, 6)} {escape_inline(line)}\n\n"
            self.items.append(Heading(level=level, text=line, source=source))
        else:
            prefix = "> " if style in _QUOTE_STYLES else ""
            lines = [escape_line_start(escape_inline(line.strip())) for line in text.split("\n")]
            self.items.append("\n".join(prefix + line for line in lines) + "\n\n")

    def table(self, table: Table) -> None:
        self._end_list()
        lines = _table_lines(table)
        if lines:
            self.items.append("\n".join(lines) + "\n\n")


def _core_title(document: DocxDocument) -> str | None:
    try:
        title = document.core_properties.title
    except Exception:
        return None
    return one_line(_text(title)) if isinstance(title, str) and not is_blank(title) else None


def parse_docx(data: bytes, filename: str | None, limits: Limits) -> ParsedDocument:
    check_archive(data, limits)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:
        raise IngestError(
            "This DOCX file could not be opened (it is damaged, or not a Word document)."
        ) from None
    extractor = _Extractor(_style_names(document))
    try:
        for block in document.iter_inner_content():
            if isinstance(block, Paragraph):
                extractor.paragraph(block)
            else:
                extractor.table(block)
    except Exception:
        raise IngestError("This DOCX file is damaged: its text could not be read.") from None
    items = extractor.items
    style_title = extractor.title
    core_title = _core_title(document)
    body = clean_body("".join(i.source if isinstance(i, Heading) else i for i in items))
    if is_blank(body):
        if style_title:
            raise IngestError("The Word document has a title but no other text.")
        raise IngestError("The Word document contains no text.")
    known = style_title or core_title
    result = outline.build(items, title_known=known is not None, title=known)
    text = f"# {escape_inline(style_title)}\n\n{body}" if style_title else body
    return ParsedDocument(
        title=pick_title(style_title, core_title, result.title, title_from_filename(filename)),
        format="docx",
        text=text,
        sections=result.sections,
    )
