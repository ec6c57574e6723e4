"""services.import_document: first import, re-import, and what survives a re-import."""

from dataclasses import replace

import pytest

from quizzes.models import Document, Lesson, QuestionOrigin, QuestionStatus
from quizzes.services import documents as services
from quizzes.services import import_document as import_with_questions
from tests.quizzes.factories import GLACIERS, QuestionFactory, parsed

pytestmark = pytest.mark.django_db


def import_document(**kwargs):
    """These tests are about lessons; question generation has its own tests."""
    return import_with_questions(generate=False, **kwargs)


def lessons_of(document: Document) -> list[Lesson]:
    return list(document.lessons.order_by("archived_at", "position"))


def test_it_stores_the_document_and_one_lesson_per_section(teacher):
    result = import_document(
        owner=teacher, parsed=parsed("Glaciers", *GLACIERS), source_name="g.md"
    )

    document = result.document
    assert result.document_created
    assert (result.created, result.updated, result.unchanged, result.archived) == (4, 0, 0, 0)
    assert (document.title, document.owner, document.source_format) == (
        "Glaciers",
        teacher,
        "markdown",
    )
    assert document.source_name == "g.md"
    assert len(document.checksum) == 64
    assert [(lesson.position, lesson.heading) for lesson in lessons_of(document)] == [
        (0, "Introduction"),
        (1, "How glaciers form"),
        (2, "How glaciers move"),
        (3, "Landforms"),
    ]
    assert result.summary() == "“Glaciers”: 4 created, 0 updated, 0 unchanged, 0 archived"


def test_importing_the_same_document_twice_changes_nothing(teacher):
    first = import_document(owner=teacher, parsed=parsed("Glaciers", *GLACIERS))
    before = {(x.pk, x.heading, x.body, x.position, x.updated_at) for x in Lesson.objects.all()}
    document_stamp = Document.objects.get().updated_at

    again = import_document(owner=teacher, parsed=parsed("Glaciers", *GLACIERS))

    assert again.document.pk == first.document.pk
    assert not again.document_created and not again.changed
    assert (again.created, again.updated, again.unchanged, again.archived) == (0, 0, 4, 0)
    after = {(x.pk, x.heading, x.body, x.position, x.updated_at) for x in Lesson.objects.all()}
    assert after == before
    assert Document.objects.get().updated_at == document_stamp


def test_a_re_import_is_matched_by_owner_and_title_not_across_owners(teacher, other_teacher):
    import_document(owner=teacher, parsed=parsed("Glaciers", *GLACIERS))
    import_document(owner=other_teacher, parsed=parsed("Glaciers", *GLACIERS))

    assert Document.objects.count() == 2
    assert Lesson.objects.count() == 8


def test_re_import_with_edits_keeps_ids_updates_archives_and_adds(teacher):
    first = import_document(owner=teacher, parsed=parsed("Glaciers", *GLACIERS))
    intro, form, move, landforms = lessons_of(first.document)
    kept_question = QuestionFactory(lesson=intro)
    removed_question = QuestionFactory(lesson=landforms)
    edited_sections = (
        GLACIERS[0],
        ("How glaciers form", "Snow that lasts through summer becomes firn and then glacier ice."),
        GLACIERS[2],
        ("Glaciers and sea level", "Melting land ice raises the level of the sea."),
    )

    result = import_document(owner=teacher, parsed=parsed("Glaciers", *edited_sections))

    assert (result.created, result.updated, result.unchanged, result.archived) == (1, 1, 2, 1)
    active = list(result.document.lessons.active().order_by("position"))
    assert [lesson.heading for lesson in active] == [
        "Introduction",
        "How glaciers form",
        "How glaciers move",
        "Glaciers and sea level",
    ]
    assert [lesson.pk for lesson in active[:3]] == [intro.pk, form.pk, move.pk]
    assert active[1].body == edited_sections[1][1]
    assert active[1].content_hash == services.sha256(edited_sections[1][1])
    landforms.refresh_from_db()
    assert landforms.is_archived and landforms.body == GLACIERS[3][1]
    assert kept_question.lesson.pk == intro.pk
    removed_question.refresh_from_db()
    assert removed_question.lesson_id == landforms.pk  # archived with its lesson, not deleted


def test_a_renamed_heading_with_the_same_text_keeps_the_lesson(teacher):
    first = import_document(owner=teacher, parsed=parsed("Glaciers", *GLACIERS))
    form = lessons_of(first.document)[1]
    renamed = list(GLACIERS)
    renamed[1] = ("Where glacier ice comes from", GLACIERS[1][1])

    result = import_document(owner=teacher, parsed=parsed("Glaciers", *renamed))

    assert (result.created, result.updated, result.unchanged, result.archived) == (0, 1, 3, 0)
    form.refresh_from_db()
    assert form.heading == "Where glacier ice comes from"


def test_a_section_that_comes_back_restores_its_archived_lesson(teacher):
    first = import_document(owner=teacher, parsed=parsed("Glaciers", *GLACIERS))
    landforms = lessons_of(first.document)[3]
    import_document(owner=teacher, parsed=parsed("Glaciers", *GLACIERS[:3]))
    landforms.refresh_from_db()
    assert landforms.is_archived

    result = import_document(owner=teacher, parsed=parsed("Glaciers", *GLACIERS))

    assert (result.created, result.updated, result.archived) == (0, 1, 0)
    landforms.refresh_from_db()
    assert not landforms.is_archived and landforms.position == 3


def test_moving_sections_keeps_every_lesson_and_counts_them_unchanged(teacher):
    first = import_document(owner=teacher, parsed=parsed("Glaciers", *GLACIERS))
    ids = {lesson.heading: lesson.pk for lesson in lessons_of(first.document)}

    result = import_document(owner=teacher, parsed=parsed("Glaciers", *reversed(GLACIERS)))

    assert (result.created, result.updated, result.unchanged, result.archived) == (0, 0, 4, 0)
    moved = {
        lesson.heading: (lesson.pk, lesson.position) for lesson in lessons_of(result.document)
    }
    assert moved == {heading: (ids[heading], 3 - n) for n, (heading, _) in enumerate(GLACIERS)}


def test_duplicate_headings_are_matched_in_order(teacher):
    sections = [("Summary", "First summary."), ("Middle", "Text."), ("Summary", "Second summary.")]
    first = import_document(owner=teacher, parsed=parsed("Notes", *sections))
    ids = [lesson.pk for lesson in lessons_of(first.document)]
    sections[2] = ("Summary", "Second summary, edited.")

    result = import_document(owner=teacher, parsed=parsed("Notes", *sections))

    assert (result.updated, result.unchanged) == (1, 2)
    assert [lesson.pk for lesson in lessons_of(result.document)] == ids


def test_editing_a_lesson_retires_generated_questions_whose_sentence_vanished(teacher):
    first = import_document(owner=teacher, parsed=parsed("Glaciers", *GLACIERS))
    form = lessons_of(first.document)[1]
    gone = QuestionFactory(lesson=form, source_sentence="Snow that survives the summer is pressed")
    kept = QuestionFactory(lesson=form, source_sentence="then ice.")
    edited_by_teacher = QuestionFactory(
        lesson=form, source_sentence="survives", teacher_edited=True
    )
    authored = QuestionFactory(
        lesson=form, source_sentence="survives", origin=QuestionOrigin.AUTHORED
    )
    sections = list(GLACIERS)
    sections[1] = ("How glaciers form", "Old snow turns to firn, then ice.")

    import_document(owner=teacher, parsed=parsed("Glaciers", *sections))

    statuses = {q.pk: q.status for q in form.questions.all()}
    assert statuses == {
        gone.pk: QuestionStatus.RETIRED,
        kept.pk: QuestionStatus.PUBLISHED,
        edited_by_teacher.pk: QuestionStatus.PUBLISHED,
        authored.pk: QuestionStatus.PUBLISHED,
    }


def test_re_import_into_a_named_document_keeps_its_title(teacher):
    first = import_document(owner=teacher, parsed=parsed("Glaciers", *GLACIERS))

    result = import_document(
        owner=teacher, parsed=parsed("Ice (second edition)", *GLACIERS), document=first.document
    )

    assert result.document.pk == first.document.pk
    assert Document.objects.get().title == "Glaciers"
    assert result.unchanged == 4


def test_a_failure_part_way_leaves_nothing_written(teacher, monkeypatch):
    first = import_document(owner=teacher, parsed=parsed("Glaciers", *GLACIERS))
    snapshot = {(x.pk, x.heading, x.body, x.archived_at) for x in Lesson.objects.all()}
    checksum = first.document.checksum

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    # After the lessons are written, the last step fails: everything must roll back.
    monkeypatch.setattr(services, "_retire_orphaned_questions", explode)
    changed = parsed("Glaciers", GLACIERS[0], ("New", "A new section."))
    changed = replace(changed, text=changed.text + "\nedited")
    with pytest.raises(RuntimeError):
        import_document(owner=teacher, parsed=changed)
    with pytest.raises(RuntimeError):
        import_document(owner=teacher, parsed=parsed("Another", *GLACIERS))

    assert {(x.pk, x.heading, x.body, x.archived_at) for x in Lesson.objects.all()} == snapshot
    assert list(Document.objects.values_list("title", "checksum")) == [("Glaciers", checksum)]


def test_repeated_headings_keep_their_own_lessons_when_a_section_is_inserted(teacher):
    sections = [("Exercises", "Alpha questions."), ("Exercises", "Delta questions.")]
    first = import_document(owner=teacher, parsed=parsed("Workbook", *sections))
    alpha, delta = lessons_of(first.document)

    result = import_document(
        owner=teacher, parsed=parsed("Workbook", ("Exercises", "Brand new."), *sections)
    )

    assert (result.created, result.updated, result.unchanged) == (1, 0, 2)
    alpha.refresh_from_db()
    delta.refresh_from_db()
    assert (alpha.body, alpha.position) == ("Alpha questions.", 1)
    assert (delta.body, delta.position) == ("Delta questions.", 2)


def test_documents_without_a_title_never_re_import_into_each_other(teacher):
    first = import_document(owner=teacher, parsed=parsed("Untitled document", ("A", "One.")))
    second = import_document(owner=teacher, parsed=parsed("Untitled document", ("B", "Two.")))

    assert first.document.pk != second.document.pk
    assert second.document.title == "Untitled document (2)"
    assert not Lesson.objects.filter(archived_at__isnull=False).exists()


def test_re_import_into_a_document_cannot_take_another_documents_title(teacher):
    from quizzes.services import DocumentImportError

    import_document(owner=teacher, parsed=parsed("Glaciers", *GLACIERS))
    other = import_document(owner=teacher, parsed=parsed("Ice", *GLACIERS)).document

    with pytest.raises(DocumentImportError, match="already a document called “Glaciers”"):
        import_document(
            owner=teacher, parsed=parsed("Ice", *GLACIERS), document=other, title="Glaciers"
        )
