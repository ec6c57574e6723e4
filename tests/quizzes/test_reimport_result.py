"""What a re-import did to each lesson (new, updated, unchanged, archived), recorded by
``import_document`` and listed for the teacher after uploading a new version."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quizzes.models import Document
from quizzes.services import import_document, read_document
from quizzes.services.documents import LessonOutcome
from tests.quizzes.documents import PLAIN

pytestmark = pytest.mark.django_db

NEW_VERSION = (
    PLAIN.replace("How a Glacier Moves", "How Glaciers Move")  # renamed, same body
    .replace("Moraines are ridges of rock debris", "Moraines are long ridges of rock")
    .replace(
        "How a Glacier Forms\n\nSnow that survives the summer melt is buried by the next "
        "winter’s snow. Over decades it is squeezed into firn and then into dense blue ice.\n\n",
        "",
    )
    + "\nWhere Glaciers Are Found\n\nMost glacier ice lies in Antarctica and Greenland.\n"
)
"""Rivers of Ice with one section renamed, one edited, one removed and one added."""


def imported(owner, text: str = PLAIN):
    parsed = read_document(text.encode(), filename="rivers.txt")
    return import_document(owner=owner, parsed=parsed, generate=False)


def outcomes(result) -> list[tuple[str, str, str]]:
    return [
        (item.outcome.value, item.lesson.heading, item.previous_heading) for item in result.lessons
    ]


def test_a_re_import_records_what_happened_to_each_lesson_in_document_order(teacher):
    document = imported(teacher).document

    result = imported(teacher, NEW_VERSION)

    assert outcomes(result) == [
        ("unchanged", "Introduction", ""),
        ("updated", "How Glaciers Move", "How a Glacier Moves"),
        ("updated", "What Glaciers Leave Behind", ""),
        ("new", "Where Glaciers Are Found", ""),
        ("archived", "How a Glacier Forms", ""),
    ]
    assert (result.created, result.updated, result.unchanged, result.archived) == (1, 2, 1, 1)
    stored = {lesson.pk: lesson for lesson in document.lessons.all()}
    assert all(item.lesson.pk in stored for item in result.lessons)  # new ones have ids
    assert stored[result.lessons[-1].lesson.pk].is_archived


def test_the_first_import_records_every_lesson_as_new(teacher):
    result = imported(teacher)

    assert [item.outcome for item in result.lessons] == [LessonOutcome.NEW] * 4
    assert result.created == 4


def test_the_same_file_twice_records_every_lesson_unchanged(teacher):
    imported(teacher)

    result = imported(teacher)

    assert {item.outcome for item in result.lessons} == {LessonOutcome.UNCHANGED}
    assert len(result.lessons) == result.unchanged == 4


def test_a_section_that_comes_back_restores_its_archived_lesson_as_updated(teacher):
    imported(teacher)
    imported(teacher, NEW_VERSION)

    result = imported(teacher)

    forms = [item for item in result.lessons if item.lesson.heading == "How a Glacier Forms"]
    assert [item.outcome for item in forms] == [LessonOutcome.UPDATED]
    assert not forms[0].lesson.is_archived


def test_the_summary_is_kept(teacher):
    imported(teacher)

    result = imported(teacher, NEW_VERSION)

    assert result.summary() == "“Rivers of Ice”: 1 created, 2 updated, 1 unchanged, 1 archived"


def change_form(document: Document, **fields) -> dict:
    return {
        "title": document.title,
        "pasted_text": "",
        "import_format": "auto",
        "quiz_feedback": "immediate",
        "test_question_count": "20",
        "lessons-TOTAL_FORMS": "0",
        "lessons-INITIAL_FORMS": "0",
        **fields,
    }


def listed(page: str) -> list[tuple[str, str]]:
    """The (outcome, heading) pairs of the re-import's list, as the teacher reads them."""
    found = re.search(r'<ul class="import-result">(.*?)</ul>', page, re.DOTALL)
    assert found, "no per-lesson list on the page"
    items = re.findall(r'lesson-outcome-(\w+)">([^<]+)</span> ([^<]+?)(?: <span|</li>)', found[1])
    assert all(value == label for value, label, _heading in items)  # the label says it too
    return [(value, heading) for value, _label, heading in items]


def test_uploading_a_new_version_lists_each_lesson_with_its_outcome(teacher_client, teacher):
    document = imported(teacher).document

    response = teacher_client.post(
        reverse("admin:quizzes_document_change", args=[document.pk]),
        change_form(document, upload=SimpleUploadedFile("rivers.txt", NEW_VERSION.encode())),
        follow=True,
    )

    page = response.content.decode()
    assert "1 created, 2 updated, 1 unchanged, 1 archived" in page
    assert listed(page) == [
        ("unchanged", "Introduction"),
        ("updated", "How Glaciers Move"),
        ("updated", "What Glaciers Leave Behind"),
        ("new", "Where Glaciers Are Found"),
        ("archived", "How a Glacier Forms"),
    ]
    assert "(was “How a Glacier Moves”)" in page
    assert 'href="/static/css/admin.css"' in page


def test_adding_a_document_that_exists_lists_the_lessons_too(teacher_client, teacher):
    imported(teacher)

    response = teacher_client.post(
        reverse("admin:quizzes_document_add"),
        change_form(Document(title=""), pasted_text=NEW_VERSION),
        follow=True,
    )

    assert ("new", "Where Glaciers Are Found") in listed(response.content.decode())


def test_a_new_document_shows_the_counts_without_a_list(teacher_client):
    response = teacher_client.post(
        reverse("admin:quizzes_document_add"),
        change_form(Document(title=""), pasted_text=PLAIN),
        follow=True,
    )

    page = response.content.decode()
    assert "“Rivers of Ice”: 4 created, 0 updated, 0 unchanged, 0 archived" in page
    assert 'class="import-result"' not in page


def test_headings_in_the_list_are_escaped(teacher_client, teacher):
    document = imported(teacher).document
    risky = PLAIN.replace("How a Glacier Moves", "Moves <b>fast</b> & slow")

    response = teacher_client.post(
        reverse("admin:quizzes_document_change", args=[document.pk]),
        change_form(document, pasted_text=risky),
        follow=True,
    )

    page = response.content.decode()
    assert ("updated", "Moves &lt;b&gt;fast&lt;/b&gt; &amp; slow") in listed(page)
    assert "<b>fast</b>" not in page
