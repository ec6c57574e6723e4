"""The ``parse`` entry point: format choice, the size limit, and dispatch."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from .common import too_big
from .decoding import sniff_text
from .docx import parse_docx
from .html import parse_html
from .markdown import parse_markdown
from .text import parse_text
from .types import FORMATS, IngestError, Limits, ParsedDocument

logger = logging.getLogger(__name__)

_EXTENSIONS = {
    "txt": "text",
    "text": "text",
    "md": "markdown",
    "markdown": "markdown",
    "html": "html",
    "htm": "html",
    "docx": "docx",
}
_PARSERS: dict[str, Callable[[bytes, str | None, Limits], ParsedDocument]] = {
    "text": parse_text,
    "markdown": parse_markdown,
    "html": parse_html,
    "docx": parse_docx,
}
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PDF_MAGIC = b"%PDF-"
_HTML_DOC_RE = re.compile(r"<!doctype\s+html|<html[\s>]", re.IGNORECASE)
_HTML_BLOCK_RE = re.compile(r"<(?:h[1-6]|p|body|ul|ol|table|div)(?:\s[^<>]*)?>", re.IGNORECASE)
_ATX_RE = re.compile(r"^ {0,3}#{1,6}[ \t]+\S", re.MULTILINE)
_SETEXT_RE = re.compile(r"^ {0,3}[^\s\-=#>][^\n]*\n {0,3}(?:={3,}|-{3,})[ \t]*$", re.MULTILINE)


def _extension(filename: str | None) -> str | None:
    if not filename:
        return None
    name = re.split(r"[\\/]", filename)[-1]
    _stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot else None


def detect_format(data: bytes, filename: str | None = None) -> str:
    """The format ``parse(format="auto")`` would use: the file name's extension when it
    is known, else a look at the content (zip → docx, HTML tags → html, Markdown
    headings → markdown, else text)."""
    by_name = _EXTENSIONS.get(_extension(filename) or "")
    if by_name:
        return by_name
    if data.startswith(_ZIP_MAGIC):
        return "docx"
    head = sniff_text(data)
    if _HTML_DOC_RE.search(head[:4096]) or _HTML_BLOCK_RE.search(head[:65536]):
        return "html"
    if _ATX_RE.search(head) or _SETEXT_RE.search(head):
        return "markdown"
    return "text"


def _unsupported(data: bytes, fmt: str) -> str | None:
    if data.startswith(_PDF_MAGIC):
        return "This is a PDF file; PDF import is not supported (save it as DOCX or text)."
    if data.startswith(_OLE_MAGIC):
        return (
            "This is an old Word (.doc) file or another legacy Office file; "
            "save it as .docx and try again."
        )
    if fmt != "docx" and data.startswith(_ZIP_MAGIC):
        return f"This is a zip archive (perhaps a DOCX file), not a {fmt} document."
    return None


def parse(
    data: bytes,
    *,
    format: str = "auto",
    filename: str | None = None,
    limits: Limits = Limits(),  # noqa: B008 - Limits is frozen
) -> ParsedDocument:
    """Read a document into a title and sections. Raises only ``IngestError``."""
    if format != "auto" and format not in FORMATS:
        allowed = ", ".join(("auto", *FORMATS))
        raise IngestError(f"Unknown document format {format!r}; use one of: {allowed}.")
    if not isinstance(data, bytes | bytearray | memoryview):
        raise IngestError("The upload is not a file (expected bytes).")
    data = bytes(data)
    if not data:
        raise IngestError("The file is empty.")
    if len(data) > limits.max_bytes:
        got, allowed = too_big(len(data), limits.max_bytes)
        raise IngestError(f"The document is {got}; the limit is {allowed}.")
    fmt = detect_format(data, filename) if format == "auto" else format
    problem = _unsupported(data, fmt)
    if problem:
        raise IngestError(problem)
    try:
        parsed = _PARSERS[fmt](data, filename, limits)
    except IngestError:
        raise
    except RecursionError:
        raise IngestError("The document is nested too deeply to be read.") from None
    except Exception as error:  # a bug, or a library failing on odd input
        logger.exception("Unexpected error while importing a %s document", fmt)
        raise IngestError(
            f"The {fmt} document could not be read (unexpected {type(error).__name__})."
        ) from None
    if len(parsed.sections) > limits.max_sections:
        raise IngestError(
            f"The document has {len(parsed.sections):,} sections; the limit is "
            f"{limits.max_sections:,}. Split it into several documents."
        )
    return parsed
