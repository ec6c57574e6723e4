"""What the importer returns, and how it says no. Pure Python: no Django here."""

from __future__ import annotations

from dataclasses import dataclass

FORMATS = ("text", "markdown", "html", "docx")


class IngestError(ValueError):
    """The document cannot be imported. ``str(error)`` is one line, written for the
    teacher, naming what is wrong (and where, when a line is to blame)."""


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int = 5 * 1024 * 1024
    max_line_bytes: int = 1024 * 1024
    max_uncompressed_bytes: int = 50 * 1024 * 1024
    max_archive_entries: int = 1000
    max_sections: int = 1000


@dataclass(frozen=True, slots=True)
class Section:
    """One lesson-to-be. ``body`` is Markdown-flavoured text: paragraphs separated by a
    blank line, list items and fenced code blocks kept as Markdown."""

    heading: str
    body: str


@dataclass(frozen=True, slots=True)
class ParsedDocument:
    title: str
    format: str  # one of FORMATS
    text: str  # the whole document, decoded and normalised (for DOCX: the extracted text)
    sections: tuple[Section, ...]
