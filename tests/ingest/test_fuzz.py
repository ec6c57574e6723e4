"""Property tests: whatever the bytes, parse returns sections or raises IngestError."""

import io
import re
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes.ingest import FORMATS, IngestError, Limits, parse

from .helpers import build_docx

FORMAT_NAMES = st.sampled_from(["auto", *FORMATS])
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Fragments that push the parsers into their interesting corners.
PIECES = st.sampled_from([
    "\n", "\n\n", "\r\n", "# ", "## ", "### ", "====\n", "----\n", "- ", "1. ", "> ", "```\n",
    "    ", "*", "_", "`", "[", "](", ")", "<", ">", "&amp;", "&#0;", "&#xD800;", "<h1>",
    "</h1>", "<h2>", "</h2>", "<p>", "</p>", "<pre>", "</pre>", "<ul><li>", "</li></ul>",
    "<ol><li>", "<table><tr><td>", "</td></tr></table>", "<blockquote>", "</blockquote>",
    "<b>", "</b>", "<code>", "</code>", "<br>", "<script>", "</script>", "<title>", "</title>",
    "<!--", "-->", "---\ntitle: x\n---\n", "Part One", "Chapter 2", "“Quote!”", "’", "…",
    "\u2028", "\x0c", "\x85", "\ufeff", "word", "Words in a sentence. ", "Heading Line",
])  # fmt: skip
PRINTABLE = st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=20)
DOCUMENTS = st.lists(st.one_of(PIECES, PRINTABLE), max_size=40).map("".join)


DEFAULT_LIMITS = Limits()


def check(data, fmt, limits=DEFAULT_LIMITS):
    try:
        parsed = parse(data, format=fmt, limits=limits)
    except IngestError as error:
        message = str(error)
        assert message
        assert "\n" not in message
        assert "unexpected" not in message, message  # the safety net must not be needed
        return
    assert parsed.format in FORMATS
    assert parsed.title.strip()
    assert len(parsed.title) <= 255
    assert parsed.sections
    for section in parsed.sections:
        assert section.heading.strip()
        assert len(section.heading) <= 300
        assert section.body.strip()


@SETTINGS
@given(st.binary(max_size=2000), FORMAT_NAMES)
def test_arbitrary_bytes(data, fmt):
    check(data, fmt)


@SETTINGS
@given(DOCUMENTS, FORMAT_NAMES, st.sampled_from(["utf-8", "utf-16", "utf-8-sig"]))
def test_arbitrary_documents(text, fmt, encoding):
    check(text.encode(encoding, errors="surrogatepass"), fmt, Limits(max_line_bytes=300))


_BASE_DOCX = build_docx([("placeholder", None)])
_STYLES = ["Title", "Heading 1", "Heading 2", "Heading 3", "List Bullet", "List Number 2",
           "Quote", "Normal", "No Such Style"]  # fmt: skip


def _docx_with_body(body_xml: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(_BASE_DOCX))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info in source.infolist():
            data = body_xml if info.filename == "word/document.xml" else source.read(info)
            archive.writestr(info.filename, data)
    return buffer.getvalue()


def _paragraph(text, style):
    safe = "".join(ch for ch in text if ch in "\t\n" or " " <= ch < "\ud800" or ch > "\udfff")
    safe = safe.replace("&", "&amp;").replace("<", "&lt;")
    style_id = style.replace(" ", "")
    return f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/></w:pPr><w:r><w:t>{safe}</w:t></w:r></w:p>'


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(DOCUMENTS, st.sampled_from(_STYLES)), max_size=12), st.booleans())
def test_arbitrary_word_documents(paragraphs, with_table):
    body = "".join(_paragraph(text, style) for text, style in paragraphs)
    if with_table and paragraphs:
        cell = _paragraph(paragraphs[0][0], "Normal")
        body += f"<w:tbl><w:tr><w:tc>{cell}</w:tc><w:tc>{cell}</w:tc></w:tr></w:tbl>"
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    check(_docx_with_body(xml.encode("utf-8")), "docx")


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=300))
def test_junk_word_document_xml(junk):
    check(_docx_with_body(junk), "docx")


_FENCED = re.compile(r"^(`{3,}).*?^\1", re.MULTILINE | re.DOTALL)
_CODE_SPAN = re.compile(r"(`+).*?\1", re.DOTALL)
_RAW_TAG = re.compile(r"(?<!\\)<[A-Za-z/!?]")


@SETTINGS
@given(DOCUMENTS)
def test_html_bodies_never_hold_raw_tags(text):
    """Outside code, every ``<`` taken from HTML text is escaped as ``\\<``."""
    try:
        parsed = parse(text.encode(), format="html")
    except IngestError:
        return
    for section in parsed.sections:
        body = _CODE_SPAN.sub("", _FENCED.sub("", section.body))
        assert not _RAW_TAG.search(body), section.body
