"""Personas shared by every test: two teachers, a student and a superuser."""

import pytest

from accounts.models import User
from accounts.services import create_teacher

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _test_settings(settings) -> None:
    # The manifest storage needs `collectstatic`; tests render templates without it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Real password hashing costs ~0.3 s a call by design; tests need no such strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def teacher(db) -> User:
    return create_teacher(username="ada", email="ada@example.org", password=PASSWORD)


@pytest.fixture
def other_teacher(db) -> User:
    return create_teacher(username="grace", email="grace@example.org", password=PASSWORD)


@pytest.fixture
def student(db) -> User:
    return User.objects.create_user(username="sam", email="sam@example.org", password=PASSWORD)


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser(
        username="root", email="root@example.org", password=PASSWORD
    )


@pytest.fixture
def teacher_client(client, teacher):
    client.force_login(teacher)
    return client


@pytest.fixture
def student_client(client, student):
    client.force_login(student)
    return client
