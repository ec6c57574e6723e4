"""Roles: whoever signs up is a student; teachers hold content permissions only."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import User
from accounts.roles import TEACHER_CONTENT_MODELS, TEACHERS_GROUP
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_signed_up_user_is_a_student(client):
    client.post(
        reverse("signup"),
        {
            "username": "lin",
            "email": "lin@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    user = User.objects.get(username="lin")
    assert not user.is_staff
    assert not user.is_superuser
    assert not user.groups.exists()
    assert not user.user_permissions.exists()
    assert user.is_teacher is False


def test_a_signed_up_user_does_not_see_the_admin_link(client):
    client.post(
        reverse("signup"),
        {
            "username": "lin",
            "email": "lin@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    response = client.get(reverse("home"))

    assert "Manage content" not in response.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302  # to the admin's login


def test_a_teacher_is_staff_in_the_teachers_group(teacher):
    assert teacher.is_staff
    assert not teacher.is_superuser
    assert list(teacher.groups.values_list("name", flat=True)) == [TEACHERS_GROUP]
    assert teacher.is_teacher is True


def test_only_teachers_are_listed_as_teachers(teacher, other_teacher, student):
    assert list(User.objects.teachers()) == [teacher, other_teacher]


def test_the_teachers_group_may_manage_content(db):
    group = Group.objects.get(name=TEACHERS_GROUP)

    held = set(group.permissions.values_list("content_type__app_label", "codename"))

    expected = {
        (app_label, f"{action}_{model}")
        for app_label, models in TEACHER_CONTENT_MODELS.items()
        for model in models
        for action in ["add", "change", "delete", "view"]
    }
    assert held == expected
    assert ("quizzes", "change_question") in held


def test_the_teachers_group_holds_no_permission_on_accounts_or_auth(db):
    group = Group.objects.get(name=TEACHERS_GROUP)

    app_labels = set(group.permissions.values_list("content_type__app_label", flat=True))

    assert app_labels == {"quizzes"}
    assert not group.permissions.filter(content_type__app_label__in=["accounts", "auth"]).exists()


def test_a_teacher_may_not_manage_users_or_groups(teacher):
    for permission in ["accounts.view_user", "accounts.change_user", "auth.change_group"]:
        assert not teacher.has_perm(permission)
    assert teacher.has_perm("quizzes.add_document")
