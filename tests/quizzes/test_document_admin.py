"""The document admin: import by paste or upload, re-import, errors, and who sees what."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quizzes.models import Document, Lesson, Question
from quizzes.services import import_document, read_document
from tests.quizzes.documents import MARKDOWN, PLAIN, document_form, docx_bytes, zip_bomb
from tests.quizzes.factories import QuestionFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:quizzes_document_add")


def imported(owner, text: str = PLAIN, name: str = "rivers.txt") -> Document:
    parsed = read_document(text.encode(), filename=name)
    return import_document(owner=owner, parsed=parsed, generate=False).document


def test_a_teacher_imports_pasted_text_and_sees_the_summary(teacher_client, teacher):
    response = teacher_client.post(ADD, document_form(pasted_text=PLAIN), follow=True)

    assert response.status_code == 200
    document = Document.objects.get()
    assert (document.title, document.owner, document.source_format) == (
        "Rivers of Ice",
        teacher,
        "text",
    )
    assert document.lessons.count() == 4
    assert (
        "“Rivers of Ice”: 4 created, 0 updated, 0 unchanged, 0 archived"
        in response.content.decode()
    )


def test_adding_a_document_with_an_existing_title_re_imports_into_it(teacher_client, teacher):
    document = imported(teacher)
    lesson_ids = set(document.lessons.values_list("pk", flat=True))

    response = teacher_client.post(ADD, document_form(pasted_text=PLAIN), follow=True)

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse(
        "admin:quizzes_document_change", args=[document.pk]
    )
    assert "0 created, 0 updated, 4 unchanged, 0 archived" in page
    assert "imported into it" in page and "added successfully" not in page
    assert Document.objects.count() == 1
    assert set(document.lessons.values_list("pk", flat=True)) == lesson_ids


@pytest.mark.parametrize(
    ("name", "content", "fmt"),
    [("sourdough.md", MARKDOWN.encode(), "markdown"), ("tides.docx", docx_bytes(), "docx")],
)
def test_a_teacher_imports_an_uploaded_file(teacher_client, name, content, fmt):
    upload = SimpleUploadedFile(name, content)

    response = teacher_client.post(ADD, document_form(upload=upload, title="My own title"))

    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.title, document.source_format, document.source_name) == (
        "My own title",
        fmt,
        name,
    )
    assert document.lessons.exists()


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"pasted_text": "   \n  "}, "empty"),
        ({"upload": ("blank.txt", b"")}, "empty"),
        ({"upload": ("bin.txt", b"abc\x00\x01\x02def")}, "binary"),
        ({"upload": ("bomb.docx", zip_bomb(60 * 1024 * 1024))}, "unpack"),
        ({"upload": ("fake.docx", b"not a zip")}, "zip"),
        ({"upload": ("x.html", b"<script>x()</script>")}, "no text"),
        ({}, "Upload a file or paste"),
    ],
    ids=["whitespace", "empty-file", "binary", "zip-bomb", "not-zip", "html-no-text", "nothing"],
)
def test_bad_input_is_a_form_error_and_nothing_is_stored(teacher_client, fields, problem):
    if "upload" in fields:
        name, content = fields["upload"]
        fields = {"upload": SimpleUploadedFile(name, content)}

    response = teacher_client.post(ADD, document_form(**fields))

    assert response.status_code == 400
    assert problem in response.content.decode()
    assert not Document.objects.exists() and not Lesson.objects.exists()


def test_an_upload_over_the_size_limit_is_refused_before_reading(teacher_client, settings):
    settings.LECTERN_MAX_DOCUMENT_BYTES = 100
    response = teacher_client.post(
        ADD, document_form(upload=SimpleUploadedFile("a.txt", PLAIN.encode()))
    )

    assert (
        "the limit is 0.0 MB" in response.content.decode() or "limit" in response.content.decode()
    )
    assert not Document.objects.exists()


def test_uploading_a_new_version_re_imports_and_keeps_unchanged_lessons(teacher_client, teacher):
    document = imported(teacher)
    lesson_ids = set(document.lessons.values_list("pk", flat=True))
    question = QuestionFactory(lesson=document.lessons.get(position=1))
    new_version = PLAIN.replace(
        "Moraines are ridges of rock debris", "Moraines are long ridges of rock and gravel"
    )

    response = teacher_client.post(
        reverse("admin:quizzes_document_change", args=[document.pk]),
        document_form(
            title=document.title,
            upload=SimpleUploadedFile("rivers.txt", new_version.encode()),
            **{"lessons-TOTAL_FORMS": "4", "lessons-INITIAL_FORMS": "4"},
            **{f"lessons-{n}-id": str(pk) for n, pk in enumerate(sorted(lesson_ids))},
            **{f"lessons-{n}-document": str(document.pk) for n in range(4)},
        ),
        follow=True,
    )

    assert "0 created, 1 updated, 3 unchanged, 0 archived" in response.content.decode()
    assert set(document.lessons.values_list("pk", flat=True)) == lesson_ids
    assert Question.objects.filter(pk=question.pk).exists()


def test_a_teacher_sees_only_their_own_documents(teacher_client, teacher, other_teacher):
    mine = imported(teacher)
    theirs = imported(other_teacher, MARKDOWN, "sourdough.md")
    their_lesson = theirs.lessons.get(heading="The Starter")
    their_question = QuestionFactory(lesson=their_lesson)

    listing = teacher_client.get(reverse("admin:quizzes_document_changelist")).content.decode()
    assert mine.title in listing and theirs.title not in listing
    lessons = teacher_client.get(reverse("admin:quizzes_lesson_changelist")).content.decode()
    assert their_lesson.heading not in lessons
    questions = teacher_client.get(reverse("admin:quizzes_question_changelist")).content.decode()
    assert their_question.prompt not in questions

    for url in (
        reverse("admin:quizzes_document_change", args=[theirs.pk]),
        reverse("admin:quizzes_lesson_change", args=[their_lesson.pk]),
        reverse("admin:quizzes_question_change", args=[their_question.pk]),
        reverse("admin:quizzes_document_delete", args=[theirs.pk]),
    ):
        response = teacher_client.get(url)
        assert response.status_code == 302, url  # the admin's "does not exist" redirect
        assert theirs.title not in teacher_client.get(response.url).content.decode()


def test_a_teacher_cannot_change_or_delete_another_teachers_document(
    teacher_client, other_teacher
):
    theirs = imported(other_teacher)

    teacher_client.post(
        reverse("admin:quizzes_document_change", args=[theirs.pk]),
        document_form(title="Taken over", pasted_text=MARKDOWN),
    )
    teacher_client.post(
        reverse("admin:quizzes_document_delete", args=[theirs.pk]), {"post": "yes"}
    )
    teacher_client.post(
        reverse("admin:quizzes_document_changelist"),
        {"action": "delete_selected", "_selected_action": [theirs.pk], "post": "yes"},
    )

    theirs.refresh_from_db()
    assert theirs.title == "Rivers of Ice" and theirs.lessons.count() == 4


def test_a_teacher_cannot_attach_a_question_to_another_teachers_lesson(
    teacher_client, other_teacher
):
    their_lesson = imported(other_teacher).lessons.first()

    response = teacher_client.post(
        reverse("admin:quizzes_question_add"),
        {
            "lesson": their_lesson.pk,
            "kind": "short_answer",
            "status": "published",
            "position": 0,
            "prompt": "Sneaky?",
            "answer": "yes",
            "accepted_answers": "[]",
            "choices-TOTAL_FORMS": "0",
            "choices-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 400  # the form comes back with an error
    assert not Question.objects.exists()


def test_a_superuser_sees_every_document(client, superuser, teacher, other_teacher):
    imported(teacher)
    imported(other_teacher, MARKDOWN, "sourdough.md")
    client.force_login(superuser)

    listing = client.get(reverse("admin:quizzes_document_changelist")).content.decode()

    assert "Rivers of Ice" in listing and "Sourdough Basics" in listing


def test_a_student_cannot_reach_the_admin(student_client):
    response = student_client.get(reverse("admin:quizzes_document_changelist"))

    assert response.status_code == 302 and "/admin/login/" in response.url


def test_the_lesson_page_shows_its_questions_inline(teacher_client, teacher):
    lesson = imported(teacher).lessons.get(position=1)
    QuestionFactory(lesson=lesson, prompt="What is firn?")

    page = teacher_client.get(
        reverse("admin:quizzes_lesson_change", args=[lesson.pk])
    ).content.decode()

    assert "What is firn?" in page
    assert lesson.body.split(".")[0] in page


def test_a_teacher_editing_a_generated_question_marks_it_edited(teacher_client, teacher):
    question = QuestionFactory(lesson=imported(teacher).lessons.first(), prompt="Old prompt?")

    response = teacher_client.post(
        reverse("admin:quizzes_question_change", args=[question.pk]),
        {
            "lesson": question.lesson_id,
            "kind": question.kind,
            "status": question.status,
            "position": 0,
            "prompt": "A clearer prompt?",
            "answer": question.answer,
            "accepted_answers": "[]",
            "explanation": "",
            "choices-TOTAL_FORMS": "0",
            "choices-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.prompt, question.teacher_edited) == ("A clearer prompt?", True)


def test_a_blank_title_on_the_change_form_keeps_the_documents_title(teacher_client, teacher):
    document = imported(teacher)

    response = teacher_client.post(
        reverse("admin:quizzes_document_change", args=[document.pk]), document_form(title="")
    )

    assert response.status_code == 302
    document.refresh_from_db()
    assert document.title == "Rivers of Ice"


def fieldset_headings(page: str) -> list[str]:
    return re.findall(r'<h2 id="fieldset-[^"]*" class="fieldset-heading">([^<]+)</h2>', page)


def test_the_forms_say_who_studies_the_document(teacher_client, teacher):
    document = imported(teacher)

    add = teacher_client.get(ADD).content.decode()
    change = teacher_client.get(
        reverse("admin:quizzes_document_change", args=[document.pk])
    ).content.decode()

    assert fieldset_headings(add) == ["Document", "Who studies it"]
    assert fieldset_headings(change) == ["Document", "Who studies it", "Quizzes", "Details"]
    assert 'name="open_to_all"' in add and 'name="open_to_all"' in change


def test_opening_a_document_to_all_students_on_the_change_form(teacher_client, teacher):
    document = imported(teacher)

    response = teacher_client.post(
        reverse("admin:quizzes_document_change", args=[document.pk]),
        document_form(title=document.title, open_to_all="on"),
    )

    assert response.status_code == 302
    document.refresh_from_db()
    assert document.open_to_all
