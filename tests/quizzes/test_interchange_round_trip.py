"""Export a document, import the file into another lesson: the same questions come back,
for every kind the format can express, through the services and real rows."""

import pytest

from quizzes.models import Question, QuestionKind, QuestionOrigin, QuestionStatus
from quizzes.services import export_document, import_questions
from tests.interop.bank import comparable, empty_lesson, make_bank, published

pytestmark = pytest.mark.django_db


def round_trip(teacher, format):
    document = make_bank(teacher)
    exported = export_document(document=document, format=format)
    lesson = empty_lesson(teacher)
    result = import_questions(lesson=lesson, data=exported.content, format=format)
    originals = published(document)
    copies = list(lesson.questions.order_by("position"))
    assert [q.pk for q in result.questions] == [q.pk for q in copies]
    return originals, copies


def test_moodle_xml_brings_back_every_kind_unchanged(teacher):
    originals, copies = round_trip(teacher, "xml")

    assert len(copies) == 12
    assert {q.kind for q in copies} == set(QuestionKind.values)
    assert [comparable(q) for q in copies] == [comparable(q) for q in originals]


def test_gift_brings_back_every_kind_but_flashcards_which_come_back_as_short_answers(teacher):
    originals, copies = round_trip(teacher, "gift")

    expected = []
    for question in originals:
        kind, *rest = comparable(question)
        expected.append(
            (QuestionKind.SHORT_ANSWER if kind == QuestionKind.FLASHCARD else kind, *rest)
        )
    assert [comparable(q) for q in copies] == expected
    assert {q.kind for q in copies} == set(QuestionKind.values) - {QuestionKind.FLASHCARD}


def test_quizlet_csv_brings_back_prompt_and_answer_as_flashcards(teacher):
    originals, copies = round_trip(teacher, "csv")

    assert [(q.kind, q.prompt, q.answer) for q in copies] == [
        (QuestionKind.FLASHCARD, q.prompt, q.answer) for q in originals
    ]
    assert [comparable(q) for q in originals if q.kind == QuestionKind.FLASHCARD] == [
        comparable(q) for q in copies if q.prompt.startswith("Movable type")
    ]


@pytest.mark.parametrize("format", ["gift", "xml", "csv"])
def test_imported_copies_are_authored_published_valid_and_after_the_lesson_questions(
    teacher, format
):
    document = make_bank(teacher)
    lesson = document.lessons.get(position=1)
    before = list(lesson.questions.values_list("position", flat=True))
    exported = export_document(document=document, format=format)

    result = import_questions(lesson=lesson, data=exported.content, format=format)

    copies = Question.objects.filter(pk__in=[q.pk for q in result.questions]).order_by("position")
    assert len(copies) == 12
    assert [q.position for q in copies] == list(range(max(before) + 1, max(before) + 13))
    assert {(q.origin, q.status, q.teacher_edited) for q in copies} == {
        (QuestionOrigin.AUTHORED, QuestionStatus.PUBLISHED, False)
    }
    for question in copies:
        question.full_clean()  # what the question admin would accept
        assert all(isinstance(alt, str) for alt in question.accepted_answers)
    assert result.summary() == "12 questions imported into “Chapter 1” and published."


def test_an_import_can_leave_the_questions_as_drafts_to_review(teacher):
    document = make_bank(teacher)
    lesson = empty_lesson(teacher)
    exported = export_document(document=document, format="xml")

    result = import_questions(lesson=lesson, data=exported.content, format="xml", publish=False)

    assert set(lesson.questions.values_list("status", flat=True)) == {QuestionStatus.DRAFT}
    assert result.summary() == "12 questions imported into “Imported” as drafts to review."


def test_exporting_a_reimported_lesson_again_gives_the_same_file(teacher):
    document = make_bank(teacher, lessons=1)
    first = export_document(document=document, format="xml")
    lesson = empty_lesson(teacher)
    import_questions(lesson=lesson, data=first.content, format="xml")

    again = export_document(document=lesson.document, format="xml")

    assert again.content == first.content
