"""Every way an upload can be unusable ends in one IngestError with a clear message."""

import codecs
import random

import pytest

from quizzes.ingest import FORMATS, IngestError, Limits, parse

TEXT_FORMATS = ["text", "markdown", "html", "auto"]


def error_of(data, **kwargs):
    with pytest.raises(IngestError) as error:
        parse(data, **kwargs)
    message = str(error.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize("fmt", [*FORMATS, "auto"])
def test_empty_file(fmt):
    assert error_of(b"", format=fmt) == "The file is empty."


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
@pytest.mark.parametrize("data", [b"   \n\t\r\n  ", codecs.BOM_UTF8, "\u200b\n\u00a0".encode()])
def test_whitespace_only(fmt, data):
    assert error_of(data, format=fmt) == "The document is empty."


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_nul_bytes(fmt):
    message = error_of(b"Looks like text\x00but is not", format=fmt)
    assert message == "The file looks binary (it contains NUL bytes), not a text document."


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_binary_junk(fmt):
    rng = random.Random(3)
    junk = bytes(rng.randrange(256) for _ in range(4096))
    message = error_of(junk, format=fmt)
    assert "binary" in message


def test_control_character_junk_without_nul():
    rng = random.Random(5)
    junk = bytes(rng.choice(b"\x01\x02\x03\x1b\x7fabc ") for _ in range(2000))
    assert "control codes" in error_of(junk, format="text")


@pytest.mark.parametrize("fmt", [*FORMATS, "auto"])
def test_over_the_size_limit_before_anything_else(fmt):
    limits = Limits(max_bytes=3 * 1024 * 1024)
    data = b"\x00" * (3 * 1024 * 1024 + 300_000)  # would also be "binary"; size wins
    assert error_of(data, format=fmt, limits=limits) == (
        "The document is 3.3 MB; the limit is 3.0 MB."
    )


def test_size_messages_never_look_equal():
    message = error_of(b"x" * 101, format="text", limits=Limits(max_bytes=100))
    assert message == "The document is 101 bytes; the limit is 100 bytes."
    message = error_of(b"x" * 5001, format="text", limits=Limits(max_bytes=5000))
    assert message == "The document is 5,001 bytes; the limit is 5,000 bytes."


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_line_over_the_line_limit(fmt):
    data = b"Title\n\n" + b"word " * 300 + b"\nshort\n"
    message = error_of(data, format=fmt, limits=Limits(max_line_bytes=1000))
    assert message == "Line 3 is 1.5 KB long; the longest line allowed is 1,000 bytes."


def test_unknown_format_name():
    message = error_of(b"hello", format="pdf")
    assert (
        message == "Unknown document format 'pdf'; use one of: auto, text, markdown, html, docx."
    )


def test_pdf_and_old_word_files_get_a_helpful_message():
    assert "PDF" in error_of(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", filename="a.pdf")
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500)
    assert ".doc" in error_of(ole, filename="essay.doc")
    assert ".doc" in error_of(ole, filename="essay.docx")


def test_zip_sent_as_text():
    assert "zip archive" in error_of(b"PK\x03\x04rest of a zip", format="text")


def test_not_bytes():
    assert (
        error_of("a str, not bytes", format="text") == "The upload is not a file (expected bytes)."
    )


def test_headings_without_text():
    assert "headings but no text" in error_of(b"# One\n\n## Two\n", format="markdown")
    assert "headings but no text" in error_of(b"<h1>One</h1><h2>Two</h2>", format="html")


def test_bytearray_and_memoryview_are_accepted():
    assert parse(bytearray(b"Some text here."), format="text").sections
    assert parse(memoryview(b"Some text here."), format="text").sections


def test_more_sections_than_the_limit_is_refused() -> None:
    document = "# Notes\n\n" + "".join(f"## Part {n}\n\nText {n}.\n\n" for n in range(12))

    with pytest.raises(IngestError, match=r"has 12 sections; the limit is 10\."):
        parse(document.encode(), format="markdown", limits=Limits(max_sections=10))
