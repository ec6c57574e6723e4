"""Documents without headings are cut into lessons of about 300 words."""

import re

from quizzes.ingest import parse
from quizzes.ingest.chunking import chunk, chunk_heading

from .helpers import build_docx, fixture_bytes

WORDS = ["the", "glacier", "moved", "slowly", "across", "the", "valley", "floor", "carrying"]


def sentences(count, start=0):
    out = []
    for i in range(start, start + count):
        words = [WORDS[(i + j) % len(WORDS)] for j in range(10)]
        out.append(f"Sentence{i} " + " ".join(words) + ".")
    return out


def words_of(parsed):
    return " ".join(section.body for section in parsed.sections).split()


def test_tides_fixture_makes_two_lessons():
    parsed = parse(fixture_bytes("tides.txt"), filename="tides.txt")
    assert parsed.title == "Why the Sea Rises and Falls"
    assert [s.heading for s in parsed.sections] == [
        "Twice a day, on most coasts, the sea…",
        "Coastlines shape the result as much as the…",
    ]
    assert parsed.sections[0].body.count("\n\n") == 3  # whole paragraphs, never split
    source_words = fixture_bytes("tides.txt").decode().split()[6:]
    assert words_of(parsed) == source_words


def test_five_thousand_word_paragraph_becomes_about_seventeen_lessons():
    paragraph = " ".join(sentences(455))  # 11 words each: 5,005 words
    parsed = parse(paragraph.encode(), format="text")
    assert 16 <= len(parsed.sections) <= 18
    for section in parsed.sections:
        assert 100 <= len(section.body.split()) <= 450
        assert section.body.endswith(".")  # split at sentence boundaries
        assert section.heading.startswith("Sentence")
        assert section.heading.endswith("…")
        assert len(section.heading.split()) <= 8
    assert words_of(parsed) == paragraph.split()


def test_paragraphs_are_accumulated_not_split():
    paragraphs = [" ".join(sentences(12, 12 * i)) for i in range(6)]  # 132 words each
    parsed = parse("\n\n".join(paragraphs).encode(), format="text")
    assert [len(s.body.split("\n\n")) for s in parsed.sections] == [3, 3]


def test_short_tail_joins_the_last_lesson():
    paragraphs = [" ".join(sentences(28)), " ".join(sentences(3))]  # 308 + 33 words
    parsed = parse("\n\n".join(paragraphs).encode(), format="text")
    assert len(parsed.sections) == 1


def test_unpunctuated_wall_of_words_is_still_split():
    wall = " ".join(f"w{i}" for i in range(2000))
    sections = chunk([wall])
    assert len(sections) >= 6
    assert all(len(s.body.split()) <= 450 for s in sections)
    assert " ".join(s.body for s in sections).split() == wall.split()


def test_long_list_is_split_between_items():
    text = "".join(f"- item {i} of a long list\n" for i in range(400))  # 2,800 words
    parsed = parse(text.encode(), format="markdown")
    assert len(parsed.sections) == 9
    assert parsed.title == "item 0 of a long list"
    for section in parsed.sections:
        assert all(line.startswith("- item ") for line in section.body.split("\n"))
    assert "\n".join(s.body for s in parsed.sections) + "\n" == text


def test_single_lesson_takes_the_document_title():
    parsed = parse(b"Ferns\n\nFerns reproduce with spores, not seeds.", format="text")
    assert parsed.title == "Ferns"
    assert [s.heading for s in parsed.sections] == ["Ferns"]


def test_markdown_without_headings_keeps_blocks_whole():
    code = "```\n" + "\n".join(f"line {i} of code." for i in range(200)) + "\n```"
    text = "\n\n".join([" ".join(sentences(20)), code, " ".join(sentences(20, 20))])
    parsed = parse(text.encode(), format="markdown")
    assert any(code in section.body for section in parsed.sections)


def test_html_and_docx_without_headings_are_chunked():
    paragraphs = [" ".join(sentences(15, 15 * i)) for i in range(4)]
    page = "".join(f"<p>{p}</p>" for p in paragraphs)
    assert len(parse(page.encode(), format="html").sections) == 2
    docx_data = build_docx([(p, None) for p in paragraphs])
    assert len(parse(docx_data, format="docx").sections) == 2


def test_chunk_heading():
    assert chunk_heading("Ice moves. Then it melts.", 1) == "Ice moves…"
    assert (
        chunk_heading("- **Bold** start of a list item here", 2)
        == "Bold start of a list item here…"
    )
    assert chunk_heading("one two three four five six seven eight nine ten", 3) == (
        "one two three four five six seven eight…"
    )
    assert chunk_heading("*** --- ***", 4) == "Part 4"
    assert re.fullmatch(r"Part \d", chunk_heading("…", 5))
