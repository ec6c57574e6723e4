"""A document's quiz settings on its admin change form: feedback timing, time limit,
attempts allowed and the size of the document test."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quizzes.models import Document
from quizzes.services import import_document, read_document
from tests.quizzes.documents import PLAIN

pytestmark = pytest.mark.django_db

ADD = reverse("admin:quizzes_document_add")


@pytest.fixture
def document(teacher) -> Document:
    parsed = read_document(PLAIN.encode(), filename="rivers.txt")
    return import_document(owner=teacher, parsed=parsed, generate=False, open_to_all=True).document


def change_url(document):
    return reverse("admin:quizzes_document_change", args=[document.pk])


def form_data(document, **overrides) -> dict:
    lesson_ids = sorted(document.lessons.values_list("pk", flat=True))
    return {
        "title": document.title,
        "pasted_text": "",
        "import_format": "auto",
        "quiz_feedback": "immediate",
        "quiz_time_limit": "",
        "quiz_max_attempts": "",
        "test_question_count": "20",
        "lessons-TOTAL_FORMS": str(len(lesson_ids)),
        "lessons-INITIAL_FORMS": str(len(lesson_ids)),
        **{f"lessons-{n}-id": str(pk) for n, pk in enumerate(lesson_ids)},
        **{f"lessons-{n}-document": str(document.pk) for n in range(len(lesson_ids))},
        **overrides,
    }


def test_the_change_form_has_a_quizzes_section(teacher_client, document):
    page = teacher_client.get(change_url(document)).content.decode()

    assert "<h2" in page and "Quizzes</h2>" in page
    for field in ("quiz_feedback", "quiz_time_limit", "quiz_max_attempts", "test_question_count"):
        assert f'name="{field}"' in page


def test_the_add_form_has_no_quiz_settings(teacher_client):
    page = teacher_client.get(ADD).content.decode()

    assert 'name="quiz_feedback"' not in page


def test_a_teacher_sets_the_quiz_settings(teacher_client, document):
    response = teacher_client.post(
        change_url(document),
        form_data(
            document,
            quiz_feedback="deferred",
            quiz_time_limit="15",
            quiz_max_attempts="3",
            test_question_count="12",
        ),
    )

    assert response.status_code == 302
    document.refresh_from_db()
    assert (
        document.quiz_feedback,
        document.quiz_time_limit,
        document.quiz_max_attempts,
        document.test_question_count,
    ) == ("deferred", 15, 3, 12)


def test_empty_limits_mean_no_limit(teacher_client, document):
    document.quiz_time_limit, document.quiz_max_attempts = 10, 2
    document.save()

    teacher_client.post(change_url(document), form_data(document))

    document.refresh_from_db()
    assert (document.quiz_time_limit, document.quiz_max_attempts) == (None, None)


@pytest.mark.parametrize("field", ["quiz_time_limit", "quiz_max_attempts", "test_question_count"])
def test_a_zero_limit_is_refused(teacher_client, document, field):
    response = teacher_client.post(change_url(document), form_data(document, **{field: "0"}))

    assert response.status_code == 400
    assert "Ensure this value is greater than or equal to 1." in response.content.decode()
    document.refresh_from_db()
    assert getattr(document, field) != 0


def test_settings_changed_with_a_re_upload_of_the_same_file_are_kept(teacher_client, document):
    response = teacher_client.post(
        change_url(document),
        form_data(
            document,
            upload=SimpleUploadedFile("rivers.txt", PLAIN.encode()),
            quiz_time_limit="20",
        ),
    )

    assert response.status_code == 302
    document.refresh_from_db()
    assert document.quiz_time_limit == 20


def test_another_teacher_cannot_change_the_settings(client, other_teacher, document):
    client.force_login(other_teacher)

    response = client.post(change_url(document), form_data(document, quiz_time_limit="5"))

    assert response.status_code == 302  # the admin's "does not exist" redirect
    document.refresh_from_db()
    assert document.quiz_time_limit is None
