"""Document importer: bytes in, a title and lesson-sized sections out. Pure Python.

``parse(data, format="auto", filename=None, limits=Limits())`` reads plain text,
Markdown, HTML or DOCX and raises only ``IngestError`` (one line, for the teacher).
"""

from .common import DEFAULT_TITLE, human_size, too_big
from .reader import detect_format, parse
from .types import FORMATS, IngestError, Limits, ParsedDocument, Section

__all__ = [
    "DEFAULT_TITLE",
    "FORMATS",
    "IngestError",
    "Limits",
    "ParsedDocument",
    "Section",
    "detect_format",
    "human_size",
    "parse",
    "too_big",
]
