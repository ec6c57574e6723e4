"""Who sees a document: the students of its classes, everyone when it is open to all, its
owner; nobody else, on any page or endpoint. And `import_document --open`."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from quizzes import study
from quizzes.models import Classroom, Document, Question
from quizzes.services import join_class
from tests.quizzes.api_clients import api_for
from tests.quizzes.course import build_course
from tests.quizzes.documents import PLAIN

pytestmark = pytest.mark.django_db


@pytest.fixture
def classroom(teacher) -> Classroom:
    return Classroom.objects.create(teacher=teacher, name="Geography 7B", join_code="K7QM4XPA")


@pytest.fixture
def private(teacher, classroom):
    course = build_course(teacher, title="Class only", open_to_all=False)
    classroom.documents.add(course.document)
    return course


@pytest.fixture
def outsider(db) -> User:
    return User.objects.create_user(username="olly", email="olly@example.org")


def pages_of(client, course) -> dict[str, int]:
    """The status of each student page that shows the course."""
    lesson = course.lessons[0]
    return {
        "lesson": client.get(reverse("lesson_detail", args=[lesson.pk])).status_code,
        "quiz": client.get(reverse("lesson_quiz", args=[lesson.pk])).status_code,
        "test": client.get(reverse("document_test", args=[course.document.pk])).status_code,
        "start quiz": client.post(reverse("lesson_quiz", args=[lesson.pk])).status_code,
    }


def api_statuses(user, course) -> dict[str, object]:
    api = api_for(user)
    lesson = course.lessons[0]
    listed = [d["id"] for d in api.get("/api/v1/documents/").json()["results"]]
    return {
        "listed": course.document.pk in listed,
        "document": api.get(f"/api/v1/documents/{course.document.pk}/").status_code,
        "questions": api.get(f"/api/v1/lessons/{lesson.pk}/questions/").status_code,
        "quiz": api.get(f"/api/v1/lessons/{lesson.pk}/quiz/").status_code,
    }


def test_a_class_member_sees_the_class_documents_everywhere(client, student, private):
    join_class(student=student, code="K7QM4XPA")
    client.force_login(student)

    assert "Class only" in client.get(reverse("home")).content.decode()
    statuses = pages_of(client, private)
    assert statuses == {"lesson": 200, "quiz": 200, "test": 200, "start quiz": 302}
    assert api_statuses(student, private) == {
        "listed": True,
        "document": 200,
        "questions": 200,
        "quiz": 200,
    }
    cards = set(Question.objects.studyable_by(student).values_list("pk", flat=True))
    assert cards == {q.pk for q in private.published()}
    assert study.study_queue(student, timezone.now()).card.lesson.document == private.document


def test_a_non_member_sees_none_of_them(client, outsider, private):
    client.force_login(outsider)

    assert "Class only" not in client.get(reverse("home")).content.decode()
    assert pages_of(client, private) == {
        "lesson": 404,
        "quiz": 404,
        "test": 404,
        "start quiz": 404,
    }
    assert api_statuses(outsider, private) == {
        "listed": False,
        "document": 404,
        "questions": 404,
        "quiz": 404,
    }
    assert not Question.objects.studyable_by(outsider).exists()
    assert study.study_queue(outsider, timezone.now()).card is None
    assert "Class only" not in client.get(reverse("study")).content.decode()
    assert "Class only" not in client.get(reverse("progress")).content.decode()


def test_a_student_who_leaves_loses_the_documents(client, student, classroom, private):
    join_class(student=student, code="K7QM4XPA")
    classroom.students.remove(student)
    client.force_login(student)

    assert pages_of(client, private)["lesson"] == 404
    assert "Class only" not in client.get(reverse("home")).content.decode()


def test_a_member_of_another_class_does_not_see_this_one(client, student, other_teacher, private):
    theirs = Classroom.objects.create(teacher=other_teacher, name="Elsewhere")
    theirs.documents.add(
        build_course(other_teacher, title="Elsewhere", open_to_all=False).document
    )
    theirs.students.add(student)
    client.force_login(student)

    page = client.get(reverse("home")).content.decode()

    assert "Elsewhere" in page and "Class only" not in page


def test_a_document_open_to_all_is_seen_by_every_student(client, outsider, teacher):
    course = build_course(teacher, title="For everyone", open_to_all=True)
    client.force_login(outsider)

    assert "For everyone" in client.get(reverse("home")).content.decode()
    assert pages_of(client, course)["lesson"] == 200
    assert api_statuses(outsider, course)["listed"] is True


def test_the_owner_sees_their_document_another_teacher_does_not(client, other_teacher, private):
    client.force_login(private.document.owner)
    assert pages_of(client, private)["lesson"] == 200

    client.force_login(other_teacher)
    assert pages_of(client, private)["lesson"] == 404


def test_an_anonymous_visitor_sees_nothing(client, private):
    assert "Class only" not in client.get(reverse("home")).content.decode()
    assert client.get(reverse("lesson_detail", args=[private.lessons[0].pk])).status_code == 302


def run_import(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_document", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_imported_documents_are_private_to_their_classes_by_default(tmp_path, teacher):
    path = tmp_path / "rivers.txt"
    path.write_text(PLAIN)

    run_import(str(path), "--owner", teacher.username, "--no-questions")

    assert Document.objects.get().open_to_all is False


def test_import_with_open_makes_a_new_document_open_to_all(tmp_path, teacher, outsider):
    path = tmp_path / "rivers.txt"
    path.write_text(PLAIN)

    _, err = run_import(str(path), "--owner", teacher.username, "--open", "--no-questions")

    document = Document.objects.get()
    assert document.open_to_all is True and err == ""
    assert Document.objects.visible_to(outsider).get() == document


def test_open_on_a_re_import_keeps_who_studies_it_and_says_so(tmp_path, teacher):
    path = tmp_path / "rivers.txt"
    path.write_text(PLAIN)
    run_import(str(path), "--owner", teacher.username, "--no-questions")

    _, err = run_import(str(path), "--owner", teacher.username, "--open", "--no-questions")

    document = Document.objects.get()
    assert document.open_to_all is False
    assert f"document {document.pk} was already there and keeps who studies it" in err
