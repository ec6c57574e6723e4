"""The admin's export action and import page: what a teacher downloads, what an upload
adds or why it is refused, and that other teachers' documents and lessons stay out of
reach."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizzes.interop import moodle_xml
from quizzes.models import Question
from tests.interop.bank import empty_lesson, make_bank

pytestmark = pytest.mark.django_db

DOCUMENTS = reverse("admin:quizzes_document_changelist")


def import_url(lesson) -> str:
    return reverse("admin:quizzes_lesson_import_questions", args=[lesson.pk])


def export(client, *documents, **form):
    data = {"action": "export_questions", "_selected_action": [d.pk for d in documents], **form}
    return client.post(DOCUMENTS, data)


def test_the_export_action_first_asks_for_the_format(teacher_client, teacher):
    document = make_bank(teacher)

    response = export(teacher_client, document)

    page = response.content.decode()
    assert response.status_code == 200
    assert "“Printing and paper”: 12 published questions" in page
    for name in ["Anki package (.apkg)", "Moodle GIFT (.txt)", "Moodle XML (.xml)"]:
        assert name in page
    assert f'name="_selected_action" value="{document.pk}"' in page


def test_choosing_a_format_downloads_the_file(teacher_client, teacher):
    document = make_bank(teacher)

    response = export(teacher_client, document, post="yes", format="xml")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="printing-and-paper.xml"'
    assert len(moodle_xml.load(response.content)) == 12


def test_an_anki_package_downloads_as_one(teacher_client, teacher):
    response = export(teacher_client, make_bank(teacher), post="yes", format="apkg")

    assert response["Content-Type"] == "application/apkg"
    assert response["Content-Disposition"] == 'attachment; filename="printing-and-paper.apkg"'
    assert "collection.anki2" in zipfile.ZipFile(io.BytesIO(response.content)).namelist()


def test_several_documents_download_as_a_zip_of_one_file_each(teacher_client, teacher):
    first, second = make_bank(teacher), make_bank(teacher, title="Paper mills")

    response = export(teacher_client, first, second, post="yes", format="gift")

    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="questions-gift.zip"'
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["paper-mills.gift.txt", "printing-and-paper.gift.txt"]
    assert archive.read("paper-mills.gift.txt").decode().startswith("{=Gutenberg")


def test_documents_without_published_questions_download_nothing(teacher_client, teacher):
    document = empty_lesson(teacher).document

    response = export(teacher_client, document, post="yes", format="csv")

    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["These documents have no published questions to export."]


def test_an_unknown_format_shows_the_page_again_with_the_error(teacher_client, teacher):
    response = export(teacher_client, make_bank(teacher), post="yes", format="pdf")

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_another_teachers_document_cannot_be_exported(teacher_client, other_teacher):
    theirs = make_bank(other_teacher)

    response = export(teacher_client, theirs, post="yes", format="xml")

    assert response.status_code == 302  # back to the list: nothing selected
    assert "Content-Disposition" not in response


def test_a_lesson_change_page_has_the_import_button(teacher_client, teacher):
    lesson = empty_lesson(teacher)

    response = teacher_client.get(reverse("admin:quizzes_lesson_change", args=[lesson.pk]))

    assert f'href="{import_url(lesson)}"' in response.content.decode()


def test_an_archived_lesson_has_no_import_button(teacher_client, teacher):
    lesson = empty_lesson(teacher)
    lesson.archived_at = timezone.now()
    lesson.save()

    response = teacher_client.get(reverse("admin:quizzes_lesson_change", args=[lesson.pk]))

    assert import_url(lesson) not in response.content.decode()


def test_the_import_page_shows_the_upload_form(teacher_client, teacher):
    lesson = empty_lesson(teacher)

    response = teacher_client.get(import_url(lesson))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in page
    assert 'name="file"' in page
    assert "Publish the questions at once" in page


def upload(client, lesson, name: str, content: bytes, **form):
    data = {"file": SimpleUploadedFile(name, content), "format": "auto", "publish": "on", **form}
    return client.post(import_url(lesson), data)


def test_an_upload_adds_the_questions_and_goes_back_to_the_lesson(teacher_client, teacher):
    lesson = empty_lesson(teacher)

    response = upload(teacher_client, lesson, "quiz.txt", b"Is it? {T}\n\nCapital? {=Paris}\n")

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:quizzes_lesson_change", args=[lesson.pk])
    assert list(lesson.questions.values_list("kind", "prompt", "status")) == [
        ("true_false", "Is it?", "published"),
        ("short_answer", "Capital?", "published"),
    ]
    page = teacher_client.get(response["Location"]).content.decode()
    assert "2 questions imported into “Imported” and published." in page


def test_an_upload_can_leave_drafts_and_name_its_format(teacher_client, teacher):
    lesson = empty_lesson(teacher)

    response = upload(
        teacher_client, lesson, "cards.dat", b"la pomme,the apple\n", format="csv", publish=""
    )

    assert response.status_code == 302
    assert list(lesson.questions.values_list("kind", "status")) == [("flashcard", "draft")]


def test_a_file_with_problems_is_listed_line_by_line_and_nothing_is_stored(
    teacher_client, teacher
):
    lesson = empty_lesson(teacher)

    response = upload(teacher_client, lesson, "bad.txt", b"Fine {T}\n\nPick {~x ~y}\n\nAlso {=a\n")

    page = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was imported: the file has 2 problems." in page
    assert "Line 3: No right answer: mark one with “=”." in page
    assert "Line 5: The “{” opening the answers is never closed with “}”." in page
    assert Question.objects.count() == 0


def test_hostile_xml_is_refused_on_the_page(teacher_client, teacher):
    lesson = empty_lesson(teacher)
    bomb = b'<?xml version="1.0"?>\n<!DOCTYPE q [<!ENTITY a "a">]>\n<quiz>&a;</quiz>'

    response = upload(teacher_client, lesson, "bank.xml", bomb)

    assert "refused for safety" in response.content.decode()
    assert Question.objects.count() == 0


def test_a_file_name_that_says_no_format_asks_for_one(teacher_client, teacher):
    lesson = empty_lesson(teacher)

    response = upload(teacher_client, lesson, "quiz.pdf", b"Is it? {T}")

    assert "Choose the format: the file name does not say which." in response.content.decode()
    assert Question.objects.count() == 0


def test_another_teachers_lesson_is_not_found(teacher_client, other_teacher):
    theirs = empty_lesson(other_teacher)

    assert teacher_client.get(import_url(theirs)).status_code == 404
    assert upload(teacher_client, theirs, "q.txt", b"Is it? {T}").status_code == 404
    assert Question.objects.count() == 0


@pytest.mark.parametrize("object_id", ["999", "abc", "1%2F2"])
def test_a_lesson_that_does_not_exist_is_not_found(teacher_client, object_id):
    url = reverse("admin:quizzes_lesson_import_questions", args=["0"]).replace(
        "/0/", f"/{object_id}/"
    )
    assert teacher_client.get(url).status_code == 404


def test_a_student_is_sent_to_log_in(student_client, teacher):
    lesson = empty_lesson(teacher)

    response = student_client.get(import_url(lesson))

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_an_upload_without_the_csrf_token_is_refused(teacher, teacher_client):
    lesson = empty_lesson(teacher)
    client = Client(enforce_csrf_checks=True)
    client.force_login(teacher)

    response = upload(client, lesson, "q.txt", b"Is it? {T}")

    assert response.status_code == 403
    assert Question.objects.count() == 0
