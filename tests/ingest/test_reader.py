"""The entry point: format choice, titles, truncation, section tidying."""

import pytest

from quizzes.ingest import FORMATS, ParsedDocument, Section, detect_format, parse
from quizzes.ingest.common import clean_body, human_size, title_from_filename, truncate


def test_public_api():
    assert FORMATS == ("text", "markdown", "html", "docx")
    parsed = parse(b"Hello there, this is text.", format="auto")
    assert isinstance(parsed, ParsedDocument)
    assert isinstance(parsed.sections, tuple)
    assert all(isinstance(section, Section) for section in parsed.sections)


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("a.txt", "text"),
        ("a.TEXT", "text"),
        ("a.md", "markdown"),
        ("a.markdown", "markdown"),
        ("a.html", "html"),
        ("a.htm", "html"),
        ("a.docx", "docx"),
        (r"C:\Users\me\notes.Md", "markdown"),
        ("noextension", "text"),
        ("strange.rtf", "text"),
        (None, "text"),
    ],
)
def test_detect_format_by_extension(filename, expected):
    assert detect_format(b"plain words", filename) == expected


def test_detect_by_content_when_extension_unknown():
    assert detect_format(b"PK\x03\x04anything", "upload.bin") == "docx"
    assert detect_format("<!doctype html><title>x</title>".encode("utf-16"), None) == "html"
    assert detect_format(b"## Heading\n\ntext", "upload") == "markdown"


def test_explicit_format_overrides_the_extension():
    parsed = parse(b"# Not a heading here\n\nJust text.", format="text", filename="x.md")
    assert parsed.format == "text"
    assert parsed.title == "# Not a heading here"


def test_long_titles_and_headings_are_truncated_at_a_word():
    title = "Word " * 80  # 400 characters
    heading = "Heading " * 12  # 96 characters, a heading in Markdown at any length
    long_heading = "Longword " * 50
    text = f"# {title}\n\n## {heading}\n\nText.\n\n## {long_heading}\n\nMore text.\n"
    parsed = parse(text.encode(), format="markdown")
    assert len(parsed.title) <= 255
    assert parsed.title.endswith("Word…")
    assert parsed.sections[0].heading == heading.strip()
    assert len(parsed.sections[1].heading) <= 300
    assert parsed.sections[1].heading.endswith("Longword…")


def test_truncate():
    assert truncate("short", 10) == "short"
    assert truncate("one two three four", 10) == "one two…"
    assert truncate("x" * 20, 10) == "x" * 9 + "…"
    assert truncate("a\nb\tc", 10) == "a b c"


def test_title_from_filename():
    assert title_from_filename("french_revolution--notes.md") == "french revolution notes"
    assert title_from_filename("/home/teacher/uploads/Glaciers.txt") == "Glaciers"
    assert title_from_filename(".hidden") == "hidden"
    assert title_from_filename("___.txt") is None
    assert title_from_filename(None) is None


def test_clean_body():
    assert clean_body("\n\n  indented first  \nline two\t\n\n\n\n\nthree\n\n") == (
        "  indented first\nline two\n\nthree"
    )


def test_human_size():
    assert human_size(6_500_000) == "6.2 MB"
    assert human_size(1536) == "1.5 KB"
    assert human_size(999) == "999 bytes"
    assert human_size(5 * 1024 * 1024 + 1, 5 * 1024 * 1024) == "5,242,881 bytes"


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_sections_are_never_empty_and_bodies_are_tidy(fmt):
    documents = {
        "text": b"T\n\nA\n\naaa.   \n\n\n\nbbb.\n\nB\n\nccc.\n",
        "markdown": b"# T\n\n## A\n\naaa.   \n\n\n\nbbb.\n\n## B\n\n## C\n\nccc.\n",
        "html": b"<h1>T</h1><h2>A</h2><p>aaa. </p><p></p><p>bbb.</p><h2>B</h2><h2>C</h2><p>c</p>",
    }
    parsed = parse(documents[fmt], format=fmt)
    assert parsed.title == "T"
    for section in parsed.sections:
        assert section.body.strip()
        assert section.body == clean_body(section.body)
    assert parsed.sections[0].body == "aaa.\n\nbbb."
