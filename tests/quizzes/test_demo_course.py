"""make run loads the demo course and demo accounts into an empty database, once."""

import io

import pytest
from django.core.management import call_command

from accounts.models import User
from quizzes.models import Document

pytestmark = pytest.mark.django_db


def load() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_it_loads_two_documents_of_five_or_more_lessons_and_two_accounts():
    out = load()

    documents = Document.objects.order_by("source_format")
    assert [d.source_format for d in documents] == ["markdown", "text"]
    for document in documents:
        assert document.lessons.active().count() >= 5
        assert document.owner.username == "teacher"
    assert User.objects.get(username="teacher").is_teacher
    student = User.objects.get(username="student")
    assert not student.is_teacher and not student.is_staff
    assert "teacher / lectern-teacher" in out and "student / lectern-student" in out
    assert "Demo logins" in out


def test_demo_accounts_log_in_with_the_printed_passwords(client):
    load()

    assert client.login(username="teacher", password="lectern-teacher")
    assert client.login(username="student", password="lectern-student")


def test_it_does_nothing_when_the_database_has_content(teacher):
    out = load()

    assert "not loaded" in out
    assert not Document.objects.exists()
    assert not User.objects.filter(username="student").exists()


def test_loading_twice_adds_nothing():
    load()
    counts = (Document.objects.count(), User.objects.count())

    load()

    assert (Document.objects.count(), User.objects.count()) == counts
