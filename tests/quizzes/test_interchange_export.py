"""Exporting a document's questions: which questions, in which order, file names and
types, and a fixed number of queries whatever the document's size."""

import io
import zipfile

import pytest

from quizzes.interop import gift, moodle_xml, quizlet_csv
from quizzes.services import EXPORT_FORMATS, export_document
from tests.interop.bank import make_bank, published
from tests.quizzes.course import build_course

pytestmark = pytest.mark.django_db


def test_only_published_questions_of_active_lessons_are_exported_in_lesson_order(teacher):
    document = make_bank(teacher)

    exported = export_document(document=document, format="xml")

    loaded = moodle_xml.load(exported.content)
    assert [q.prompt for q in loaded] == [q.prompt for q in published(document)]
    assert exported.questions == 12
    prompts = " ".join(q.prompt for q in loaded)
    assert "Draft" not in prompts
    assert "Retired" not in prompts
    assert "archived" not in prompts


@pytest.mark.parametrize(
    ("format", "filename", "content_type"),
    [
        ("apkg", "printing-and-paper.apkg", "application/apkg"),
        ("gift", "printing-and-paper.gift.txt", "text/plain; charset=utf-8"),
        ("xml", "printing-and-paper.xml", "application/xml; charset=utf-8"),
        ("csv", "printing-and-paper.csv", "text/csv; charset=utf-8"),
    ],
)
def test_each_format_has_its_file_name_and_type(teacher, format, filename, content_type):
    exported = export_document(document=make_bank(teacher), format=format)

    assert (exported.filename, exported.content_type) == (filename, content_type)


def test_text_formats_are_utf8_that_their_readers_take_back(teacher):
    document = make_bank(teacher)
    for format, reader in [("gift", gift), ("xml", moodle_xml), ("csv", quizlet_csv)]:
        content = export_document(document=document, format=format).content
        assert len(reader.load(content.decode("utf-8"))) == 12


def test_an_apkg_is_a_zip_holding_a_collection(teacher):
    content = export_document(document=make_bank(teacher), format="apkg").content

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert sorted(archive.namelist()) == ["collection.anki2", "media"]


def test_a_title_without_letters_still_gives_a_file_name(teacher):
    document = make_bank(teacher, title="???")
    assert export_document(document=document, format="csv").filename == (
        f"document-{document.pk}.csv"
    )


def test_a_document_without_published_questions_exports_an_empty_file(teacher):
    document = build_course(teacher, lessons=0).document
    assert export_document(document=document, format="gift").content == b""
    assert moodle_xml.load(export_document(document=document, format="xml").content) == []


def test_an_unknown_format_is_a_programming_error(teacher):
    with pytest.raises(ValueError, match="pdf"):
        export_document(document=make_bank(teacher), format="pdf")


@pytest.mark.parametrize("format", EXPORT_FORMATS)
def test_the_query_count_does_not_grow_with_the_document(
    teacher, format, django_assert_num_queries
):
    small = build_course(teacher, title="Small", lessons=2).document
    large = build_course(teacher, title="Large", lessons=20, extra_questions=3).document

    with django_assert_num_queries(2) as small_queries:
        small_file = export_document(document=small, format=format)
    with django_assert_num_queries(2) as large_queries:
        large_file = export_document(document=large, format=format)

    assert len(small_queries.captured_queries) == len(large_queries.captured_queries)
    assert (small_file.questions, large_file.questions) == (2 * 5, 20 * 8)
