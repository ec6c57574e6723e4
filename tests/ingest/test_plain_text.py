"""Plain text: title line, short unpunctuated headings, runs of heading lines."""

import os
from pathlib import Path

import pytest

from quizzes.ingest import parse
from quizzes.ingest.text import ends_in_punctuation, is_heading_like

from .helpers import all_text, fixture_bytes

# A real article in the plain-text shape (title line, paragraphs, short heading lines),
# when the reader has one: LECTERN_SEED_DOCUMENT names the file.
_SEED = os.environ.get("LECTERN_SEED_DOCUMENT", "")
SEED = Path(_SEED) if _SEED else None


def headings(parsed):
    return [section.heading for section in parsed.sections]


def test_real_sample_article():
    if SEED is None or not SEED.is_file():
        pytest.skip("no real article given: set LECTERN_SEED_DOCUMENT to a plain-text file")
    data = SEED.read_bytes()
    parsed = parse(data, filename=SEED.name)
    lines = [line for line in data.decode("utf-8").split("\n") if line.strip()]
    assert parsed.format == "text"
    assert parsed.title == lines[0]
    assert parsed.sections[0].heading == "Introduction"
    assert parsed.sections[0].body == lines[1]
    # the introduction, then one lesson per short heading line, in order
    assert headings(parsed)[1:] == [line for line in lines[2:-1] if len(line) < 60]
    # the last paragraph, after two blank lines, stays in the last section
    assert parsed.sections[-1].body.endswith(lines[-1])
    assert parsed.sections[-1].body.count("\n\n") == 1
    assert "’" in parsed.sections[1].body


def test_glacier_chapter_sections():
    parsed = parse(fixture_bytes("glaciers.txt"), filename="glaciers.txt")
    assert parsed.title == "Rivers of Ice: A Short Chapter on Glaciers"
    assert headings(parsed) == [
        "Introduction",
        "Part One: How Glaciers Form",  # a kicker line directly above a heading line
        "1. Snow Becomes Firn",  # numbered headings are headings
        "2. Firn Becomes Ice",
        "Part Two: Moving Ice",  # the same, with a blank line between them
        "A Morning on the Ice",
        "What to Pack",
        "3. What Glaciers Leave Behind",
    ]


def test_hard_wrapped_paragraph_is_kept_as_one_block():
    parsed = parse(fixture_bytes("glaciers.txt"), format="text")
    intro = parsed.sections[0].body
    assert intro.startswith(
        "A glacier is a body of ice that survives from one year to the next and\n"
    )
    assert "\n\n" not in intro
    assert intro.count("\n") == 3


def test_short_line_ending_in_punctuation_is_a_paragraph():
    parsed = parse(fixture_bytes("glaciers.txt"), format="text")
    section = parsed.sections[3]
    assert section.heading == "2. Firn Becomes Ice"
    assert "\n\nSlowly.\n\n" in section.body


def test_non_kicker_heading_pair_becomes_bold_line_and_dialogue_is_kept():
    parsed = parse(fixture_bytes("glaciers.txt"), format="text")
    section = parsed.sections[5]
    assert section.heading == "A Morning on the Ice"
    assert section.body.startswith("**Field Notes**\n\nWe roped up before dawn")
    assert "“Stay on my line,” said Ines" in section.body
    assert section.body.endswith("“Careful now!”")


def test_short_unpunctuated_list_stays_under_its_heading():
    parsed = parse(fixture_bytes("glaciers.txt"), format="text")
    section = parsed.sections[6]
    assert section.body.startswith(
        "crampons\nan ice axe\ntwo pairs of gloves\na flask of sweet tea\n\n"
    )


def test_final_paragraph_after_two_blank_lines_stays_in_last_section():
    parsed = parse(fixture_bytes("glaciers.txt"), format="text")
    last = parsed.sections[-1].body
    assert last.startswith("When a glacier retreats")
    assert last.endswith("long after the ice is gone.")
    assert "\n\n\n" not in last


def test_three_heading_like_lines_in_a_row_are_a_list_and_trailing_ones_stay():
    parsed = parse(fixture_bytes("beekeeping.txt"), format="text")
    assert headings(parsed) == ["Introduction", "The Hive", "Swarming"]
    assert "gather:\n\nSmoker\n\nHive tool\n\nVeil and gloves\n\nOpen the hive" in (
        parsed.sections[1].body
    )
    assert parsed.sections[2].body.endswith("gentle.\n\nGood luck\n\nThe Hillside Apiary Club")


@pytest.mark.parametrize("name", ["glaciers.txt", "beekeeping.txt", "tides.txt"])
def test_no_text_is_lost(name):
    data = fixture_bytes(name)
    parsed = parse(data, format="text")
    everything = all_text(parsed)
    for line in data.decode("utf-8").split("\n"):
        if line.strip():
            assert line.strip() in everything


@pytest.mark.parametrize("name", ["glaciers.txt", "beekeeping.txt"])
def test_crlf_and_cr_versions_parse_the_same(name):
    data = fixture_bytes(name)
    expected = parse(data, format="text")
    assert parse(data.replace(b"\n", b"\r\n"), format="text") == expected
    assert parse(data.replace(b"\n", b"\r"), format="text") == expected


def test_first_line_that_is_a_paragraph_block_is_not_the_title():
    data = b"Ice moves\nslowly downhill.\n\nIt carves valleys as it goes."
    parsed = parse(data, format="text", filename="my_ice-notes.txt")
    assert parsed.title == "my ice notes"


def test_single_line_document_is_a_lesson_not_a_title():
    parsed = parse(b"Photosynthesis turns light into sugar.", format="text")
    assert parsed.title == "Untitled document"
    assert len(parsed.sections) == 1
    assert parsed.sections[0].body == "Photosynthesis turns light into sugar."


def test_two_line_block_without_kicker_is_a_paragraph():
    data = b"Bread\n\nYou need:\n\nBread flour\nWater\n\nMix them well and wait."
    parsed = parse(data, format="text")
    assert len(parsed.sections) == 1
    assert "Bread flour\nWater" in parsed.sections[0].body


def test_kicker_pair_is_merged_into_one_heading():
    data = b"Atlas\n\nChapter 3\nThe Ice Age\n\nIce covered the north.\n\nNext\n\nMore text."
    parsed = parse(data, format="text")
    assert headings(parsed) == ["Chapter 3: The Ice Age", "Next"]


def test_heading_followed_only_by_another_heading_before_paragraph():
    data = b"Doc\n\nIntro paragraph here.\n\nUnit Two\n\nVolcanoes\n\nMagma rises.\n"
    parsed = parse(data, format="text")
    assert headings(parsed) == ["Introduction", "Unit Two: Volcanoes"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("The Water Cycle", True),
        ("1. The Water Cycle", True),
        ("2.3 Evaporation", True),
        ("The “Long Winter”", True),
        ("(Optional) Extra Reading", True),
        ("Why does it rain?", False),
        ("In short:", False),
        ("“Stop!”", False),
        ("He left (quietly.)", False),
        ("Wait…", False),
        ("- evaporation", False),
        ("• condensation", False),
        ("1) precipitation", False),
        ("(a) collection", False),
        ("* * *", False),
        ("one two three four five six seven eight nine ten eleven twelve thirteen", False),
        ("x" * 101, False),
    ],
)
def test_heading_like(line, expected):
    assert is_heading_like([line]) is expected


def test_ends_in_punctuation():
    assert ends_in_punctuation("Really.”")
    assert ends_in_punctuation("(see above.)")
    assert not ends_in_punctuation("A “Title”")
    assert not ends_in_punctuation("”")


def test_headings_need_a_paragraph_after_them():
    parsed = parse(b"Title\n\nFirst\n\nSecond paragraph text.\n\nLast line", format="text")
    assert headings(parsed) == ["First"]
    assert parsed.sections[0].body == "Second paragraph text.\n\nLast line"
