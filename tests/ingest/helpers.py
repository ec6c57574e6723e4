"""Shared helpers for the importer tests: fixture files and DOCX files built in memory."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def build_docx(paragraphs: list[tuple[str, str | None]], *, core_title: str = "") -> bytes:
    """A DOCX file with the given (text, style) paragraphs. A style of "TABLE" makes a
    table instead, from rows separated by "/" and cells by "|"."""
    document = docx.Document()
    document.core_properties.title = core_title
    for text, style in paragraphs:
        if style == "TABLE":
            rows = [row.split("|") for row in text.split("/")]
            table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
        else:
            document.add_paragraph(text, style=style)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def build_zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def all_text(parsed: object) -> str:
    """Title, headings and bodies of a ParsedDocument, as one string."""
    parts = [parsed.title]  # type: ignore[attr-defined]
    for section in parsed.sections:  # type: ignore[attr-defined]
        parts += [section.heading, section.body]
    return "\n".join(parts)
