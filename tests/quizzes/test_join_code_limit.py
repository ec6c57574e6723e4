"""Joining a class with its code: after LECTERN_JOIN_WRONG_CODES_PER_HOUR wrong codes, a
student's joins are refused (429) for the hour, right code or not, so codes cannot be
guessed in bulk. Right codes are not counted, and other students are not affected."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.models import User
from quizzes.models import Classroom, Membership
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

URL = reverse("my_classes")
PAUSED = "Too many wrong class codes. Try again in an hour"


@pytest.fixture(autouse=True)
def _empty_cache(db) -> None:
    # The count lives in the shared cache, which may be Redis (not rolled back).
    cache.clear()


@pytest.fixture
def limit(settings) -> int:
    settings.LECTERN_JOIN_WRONG_CODES_PER_HOUR = 3
    return 3


@pytest.fixture
def classroom(teacher) -> Classroom:
    return Classroom.objects.create(teacher=teacher, name="Geography 7B", join_code="K7QM4XPA")


def test_after_the_limit_even_the_right_code_is_refused(student_client, classroom, limit):
    wrong = [student_client.post(URL, {"code": f"WRONG00{n}"}) for n in range(limit)]

    response = student_client.post(URL, {"code": "K7QM4XPA"})

    assert [r.status_code for r in wrong] == [400] * limit
    assert response.status_code == 429
    assert PAUSED in response.content.decode()
    assert not Membership.objects.exists()


def test_other_students_may_still_join(student_client, client, classroom, limit):
    for n in range(limit):
        student_client.post(URL, {"code": f"WRONG00{n}"})
    kim = User.objects.create_user(username="kim", password=PASSWORD)
    client.force_login(kim)

    response = client.post(URL, {"code": "K7QM4XPA"})

    assert response.status_code == 302
    assert Membership.objects.filter(student=kim, classroom=classroom).exists()


def test_right_codes_do_not_count(student_client, teacher, limit):
    codes = [f"RIGHT00{n}" for n in range(limit + 1)]
    for n, code in enumerate(codes):
        Classroom.objects.create(teacher=teacher, name=f"Class {n}", join_code=code)

    answers = [student_client.post(URL, {"code": code}).status_code for code in codes]

    assert answers == [302] * (limit + 1)
    assert Membership.objects.count() == limit + 1
