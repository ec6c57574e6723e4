"""DOCX: archive checks before python-docx, then styles → title, headings, lists, tables."""

import io
import zipfile

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from quizzes.ingest import IngestError, Limits, detect_format, parse

from .helpers import build_docx, build_zip

VOLCANOES = [
    ("Volcanoes of the World", "Title"),
    ("Volcanoes are openings in the crust where molten rock escapes.", None),
    ("Types of Volcano", "Heading 1"),
    ("Shield volcanoes have gentle slopes.", None),
    ("Stratovolcanoes", "Heading 2"),
    ("Steep, layered and explosive.", None),
    ("Eruptions", "Heading 1"),
    ("Warning signs include:", None),
    ("small earthquakes", "List Bullet"),
    ("swelling ground", "List Bullet"),
    ("gas from vents", "List Bullet 2"),
    ("Evacuate early.", None),
    ("Check the alert level", "List Number"),
    ("Leave by the marked route", "List Number"),
    ("Famous Eruptions", "Heading 1"),
    ("Year|Volcano/79|Vesuvius/1883|Krakatoa", "TABLE"),
    ("“The mountain is breathing,” the guide said.", "Quote"),
]


def headings(parsed):
    return [section.heading for section in parsed.sections]


def test_styles_become_title_sections_lists_and_tables():
    parsed = parse(build_docx(VOLCANOES), filename="volcanoes.docx")
    assert parsed.format == "docx"
    assert parsed.title == "Volcanoes of the World"
    assert headings(parsed) == [
        "Introduction",
        "Types of Volcano",
        "Eruptions",
        "Famous Eruptions",
    ]
    intro, types, eruptions, famous = (section.body for section in parsed.sections)
    assert intro == "Volcanoes are openings in the crust where molten rock escapes."
    assert types == (
        "Shield volcanoes have gentle slopes.\n\n## Stratovolcanoes\n\n"
        "Steep, layered and explosive."
    )
    assert eruptions == (
        "Warning signs include:\n\n"
        "- small earthquakes\n- swelling ground\n   - gas from vents\n\n"
        "Evacuate early.\n\n"
        "1. Check the alert level\n1. Leave by the marked route"
    )
    assert famous == (
        "| Year | Volcano |\n| --- | --- |\n| 79 | Vesuvius |\n| 1883 | Krakatoa |\n\n"
        "> “The mountain is breathing,” the guide said."
    )
    assert parsed.text.startswith("# Volcanoes of the World\n\nVolcanoes are openings")


def test_detected_by_extension_and_by_zip_magic():
    data = build_docx(VOLCANOES)
    assert detect_format(data, "notes.docx") == "docx"
    assert detect_format(data) == "docx"
    assert parse(data).title == "Volcanoes of the World"


def test_title_falls_back_to_core_properties():
    data = build_docx(
        [("Intro", "Heading 1"), ("Text one.", None), ("More", "Heading 1"), ("Text two.", None)],
        core_title="Geology Unit 3",
    )
    parsed = parse(data, format="docx")
    assert parsed.title == "Geology Unit 3"
    assert headings(parsed) == ["Intro", "More"]


def test_title_falls_back_to_lone_top_heading_then_filename():
    data = build_docx(
        [
            ("Rocks", "Heading 1"),
            ("About rocks.", None),
            ("Igneous", "Heading 2"),
            ("Hot.", None),
            ("Sedimentary", "Heading 2"),
            ("Layered.", None),
        ]
    )
    parsed = parse(data, format="docx")
    assert parsed.title == "Rocks"
    assert headings(parsed) == ["Introduction", "Igneous", "Sedimentary"]
    plain = build_docx([("Just one paragraph of text.", None)])
    assert parse(plain, filename="field_trip-notes.docx").title == "field trip notes"


def test_word_numbered_paragraphs_are_list_items():
    document = docx.Document()
    document.add_paragraph("You will need:")
    for level, text in [(0, "a hard hat"), (1, "with a chin strap"), (0, "a notebook")]:
        paragraph = document.add_paragraph(text, style="List Paragraph")
        num_pr = OxmlElement("w:numPr")
        for tag, value in (("w:ilvl", level), ("w:numId", 1)):
            child = OxmlElement(tag)
            child.set(qn("w:val"), str(value))
            num_pr.append(child)
        paragraph._p.get_or_add_pPr().append(num_pr)
    document.add_paragraph("Meet at the quarry gate.")
    buffer = io.BytesIO()
    document.save(buffer)
    parsed = parse(buffer.getvalue(), format="docx")
    assert parsed.sections[0].body == (
        "You will need:\n\n- a hard hat\n   - with a chin strap\n- a notebook\n\n"
        "Meet at the quarry gate."
    )


def test_markdown_like_text_in_paragraphs_is_escaped():
    parsed = parse(build_docx([("# not a heading *really*", None), ("1. nor a list", None)]))
    assert parsed.sections[0].body == "\\# not a heading \\*really\\*\n\n1\\. nor a list"


def test_not_a_zip_archive():
    with pytest.raises(IngestError) as error:
        parse(b"This is plain text pretending to be a DOCX file.", format="docx")
    assert str(error.value) == "This is not a valid DOCX file (it is not a zip archive)."


def test_zip_bomb_is_refused_before_unpacking():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:document/>")
        with archive.open("word/media/zeros.bin", "w") as entry:
            chunk = bytes(1024 * 1024)
            for _ in range(60):
                entry.write(chunk)
    data = buffer.getvalue()
    assert len(data) < 200_000
    with pytest.raises(IngestError) as error:
        parse(data, filename="bomb.docx")
    assert str(error.value) == "The DOCX file would unpack to 60.0 MB; the limit is 50.0 MB."


def test_too_many_entries():
    entries = {f"word/media/image{i}.png": b"" for i in range(1203)}
    entries["word/document.xml"] = b"<w:document/>"
    with pytest.raises(IngestError) as error:
        parse(build_zip(entries), format="docx")
    assert str(error.value) == "The DOCX file holds 1,204 entries; the limit is 1,000."


def test_zip_that_is_not_a_word_document():
    data = build_zip({"xl/workbook.xml": b"<workbook/>", "[Content_Types].xml": b"<Types/>"})
    with pytest.raises(IngestError, match="not a Word document"):
        parse(data, filename="sheet.docx")


def test_damaged_word_document_is_refused():
    data = build_zip({"word/document.xml": b"<not really xml", "[Content_Types].xml": b"junk"})
    with pytest.raises(IngestError, match="could not be opened"):
        parse(data, format="docx")


def test_truncated_docx_is_not_a_zip():
    data = build_docx(VOLCANOES)
    with pytest.raises(IngestError, match="not a zip archive"):
        parse(data[: len(data) // 2], format="docx")


def test_word_document_without_text():
    with pytest.raises(IngestError, match="contains no text"):
        parse(build_docx([("", None), ("   ", None)]), format="docx")
    with pytest.raises(IngestError, match="title but no other text"):
        parse(build_docx([("Only a title", "Title")]), format="docx")


def test_small_limits_apply_to_docx():
    data = build_docx(VOLCANOES)
    with pytest.raises(IngestError, match="unpack to"):
        parse(data, format="docx", limits=Limits(max_uncompressed_bytes=10_000))
    with pytest.raises(IngestError, match="entries; the limit is 5"):
        parse(data, format="docx", limits=Limits(max_archive_entries=5))
