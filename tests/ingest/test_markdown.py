"""Markdown: sections at the top repeating heading level, bodies are source lines."""

import random

import pytest

from quizzes.ingest import IngestError, detect_format, parse

from .helpers import fixture_bytes


def headings(parsed):
    return [section.heading for section in parsed.sections]


def md(text, **kwargs):
    return parse(text.encode("utf-8"), format="markdown", **kwargs)


def test_revolution_notes_with_front_matter():
    parsed = parse(fixture_bytes("french_revolution.md"), filename="french_revolution.md")
    assert parsed.format == "markdown"
    assert parsed.title == "Notes on the French Revolution"  # from the front matter
    # the title is known, so the lone h1 opens a section instead of being swallowed
    assert headings(parsed) == [
        "The French Revolution, 1789–1799",
        "Causes",
        "1789: The Year Everything Changed",
        "The Terror",  # a setext heading
        "Legacy",
    ]
    assert "author:" not in "".join(s.body for s in parsed.sections)


def test_sub_headings_code_and_tables_stay_verbatim_in_bodies():
    source = fixture_bytes("french_revolution.md").decode()
    parsed = parse(source.encode(), format="markdown")
    causes = parsed.sections[1].body
    assert "\n\n### Money\n\nHelping the American colonies" in causes
    assert "### Ideas" in causes
    terror = parsed.sections[3].body
    block = "```text\n# this line is inside a code block, not a heading\nCommittee"
    assert block in terror
    table = "| Year | Event              |\n|------|--------------------|\n| 1793 |"
    assert table in terror
    assert "- **5 May**: the Estates-General meets" in parsed.sections[2].body
    assert "> “No, sire, it is a revolution.”" in parsed.sections[2].body
    # every section body is a verbatim slice of the source
    for section in parsed.sections:
        assert section.body in source


def test_without_front_matter_the_lone_h1_is_the_title():
    source = fixture_bytes("french_revolution.md").decode().split("---\n", 2)[2]
    parsed = md(source)
    assert parsed.title == "The French Revolution, 1789–1799"
    assert headings(parsed)[:2] == ["Introduction", "Causes"]
    assert parsed.sections[0].body.startswith("These notes follow the revolution")


def test_no_repeating_level_single_top_heading_is_title():
    parsed = md("# Volcanoes\n\nHot stuff.\n\n## Lava\n\nIt flows.\n")
    assert parsed.title == "Volcanoes"
    assert headings(parsed) == ["Introduction", "Lava"]


def test_no_repeating_level_top_heading_not_first():
    parsed = md("Some opening words.\n\n# Volcanoes\n\nHot stuff.\n\n## Lava\n\nIt flows.\n")
    assert headings(parsed) == ["Introduction", "Volcanoes"]
    assert parsed.sections[1].body == "Hot stuff.\n\n## Lava\n\nIt flows."


def test_top_repeating_level_wins_over_a_single_h1():
    text = "# Book\n\n## Part\n\n### One\n\nText one.\n\n### Two\n\nText two.\n"
    parsed = md(text)
    assert parsed.title == "Book"
    # "## Part" has no text of its own: it is folded into the next section as bold
    assert headings(parsed) == ["One", "Two"]
    assert parsed.sections[0].body == "**Part**\n\nText one."


def test_empty_bodied_headings_fold_forward_and_trailing_one_folds_back():
    parsed = md("## A\n## B\nText b.\n\n## C\n\nText c.\n\n## D\n")
    assert headings(parsed) == ["B", "C"]
    assert parsed.sections[0].body == "**A**\n\nText b."
    assert parsed.sections[1].body == "Text c.\n\n**D**"


def test_document_of_only_headings_is_refused():
    with pytest.raises(IngestError, match="headings but no text"):
        md("# One\n\n# Two\n")


def test_inline_markup_is_stripped_from_headings_and_title():
    parsed = md(
        "# The *Ancien* Régime\n\n## Taxes on `salt`\n\nThe gabelle.\n\n## [Bread](x)\n\nDear."
    )
    assert parsed.title == "The Ancien Régime"
    assert headings(parsed) == ["Taxes on salt", "Bread"]


def test_headings_in_quotes_lists_and_code_are_not_sections():
    text = (
        "## Real\n\nText.\n\n> ## Quoted\n\n- ## Listed\n\n```\n## Code\n```\n\n"
        "## Also real\n\nMore."
    )
    parsed = md(text)
    assert headings(parsed) == ["Real", "Also real"]
    assert "> ## Quoted" in parsed.sections[0].body
    assert "```\n## Code\n```" in parsed.sections[0].body


def test_lower_headings_before_first_section_go_to_introduction():
    parsed = md("### Aside\n\nNote.\n\n## A\n\na\n\n## B\n\nb\n")
    assert headings(parsed) == ["Introduction", "A", "B"]
    assert parsed.sections[0].body == "### Aside\n\nNote."


def test_title_falls_back_to_filename_then_first_line():
    assert md("Just a note about rocks.\n", filename="rock_notes-2.md").title == "rock notes 2"
    assert md("Just a note about rocks.\n").title == "Just a note about rocks."
    assert md("> *Rocks* are `old`.\n").title == "Rocks are old."
    assert md("word " * 60).title == "Untitled document"


def test_trailing_spaces_stripped_and_blank_runs_collapsed():
    parsed = md("## A\n\nline one   \nline two\n\n\n\n\nline three\n\n## B\n\nb\n")
    assert parsed.sections[0].body == "line one\nline two\n\nline three"


def test_detect_markdown_by_sniffing():
    assert detect_format(b"# Title\n\nText") == "markdown"
    assert detect_format(b"Title\n=====\n\nText") == "markdown"
    assert detect_format(b"Notes\n\nPlain words only.") == "text"
    assert detect_format(b"#hashtag is not a heading") == "text"
    assert detect_format(b"anything", "notes.MD") == "markdown"
    assert detect_format(b"# looks like markdown", "notes.txt") == "text"


def _big_markdown(sections=150, target_bytes=1_000_000):
    rng = random.Random(7)
    words = ["ice", "snow", "firn", "melt", "flow", "rock", "valley", "moraine", "cirque"]
    per_section = target_bytes // sections
    parts = ["# Big Book\n\nAn introduction paragraph.\n\n"]
    for number in range(1, sections + 1):
        parts.append(f"## Chapter {number}\n\n")
        size = 0
        while size < per_section - 200:
            paragraph = " ".join(rng.choice(words) for _ in range(60)) + ".\n\n"
            parts.append(paragraph)
            size += len(paragraph)
        parts.append("### Exercise\n\n- one\n- two\n\n```\ncode\n```\n\n")
    return "".join(parts)


def test_one_megabyte_document_with_150_sections():
    text = _big_markdown()
    assert 900_000 < len(text.encode()) < 1_100_000
    parsed = md(text)
    assert parsed.title == "Big Book"
    assert len(parsed.sections) == 151  # introduction + 150 chapters
    assert parsed.sections[-1].heading == "Chapter 150"
    assert parsed.sections[-1].body.endswith("```\ncode\n```")
    assert sum(len(s.body) for s in parsed.sections) > 0.95 * len(text)
