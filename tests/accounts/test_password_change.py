"""Changing one's password while logged in."""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

CHANGE = reverse("password_change")
NEW_PASSWORD = "a quite different passphrase"


def change(client, **overrides):
    data = {
        "old_password": PASSWORD,
        "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD,
        **overrides,
    }
    return client.post(CHANGE, data)


def test_it_asks_an_anonymous_visitor_to_log_in(client):
    response = client.get(CHANGE)

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={CHANGE}"


def test_the_nav_leads_to_the_password_change_page_through_the_account_page(student_client):
    html = student_client.get(reverse("home")).content.decode()
    assert f'<a href="{reverse("account")}">sam</a>' in html

    account = student_client.get(reverse("account")).content.decode()
    assert f'href="{CHANGE}"' in account


def test_the_page_shows_a_labelled_form(student_client):
    response = student_client.get(CHANGE)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Change your password</h1>" in html
    for name in ["old_password", "new_password1", "new_password2"]:
        assert f'<label for="id_{name}">' in html


def test_it_changes_the_password_and_keeps_the_student_logged_in(student_client, student):
    response = change(student_client)

    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    student.refresh_from_db()
    assert student.check_password(NEW_PASSWORD)
    done = student_client.get(response.url)
    assert done.status_code == 200
    assert "Your password was changed." in done.content.decode()
    assert done.context["user"].is_authenticated


def test_the_new_password_logs_in_and_the_old_one_does_not(client, student_client):
    change(student_client)

    assert not client.login(username="sam", password=PASSWORD)
    assert client.login(username="sam", password=NEW_PASSWORD)


def test_it_refuses_a_wrong_old_password(student_client):
    response = change(student_client, old_password="not my password")

    assert response.status_code == 400
    assert "Your old password was entered incorrectly." in response.content.decode()
    assert User.objects.get(username="sam").check_password(PASSWORD)


def test_it_refuses_a_weak_new_password(student_client):
    response = change(student_client, new_password1="12345678", new_password2="12345678")

    assert response.status_code == 400
    html = response.content.decode()
    assert "This password is too common." in html
    assert "This password is entirely numeric." in html
    assert User.objects.get(username="sam").check_password(PASSWORD)


def test_it_refuses_new_passwords_that_do_not_match(student_client):
    response = change(student_client, new_password2=NEW_PASSWORD + "?")

    assert response.status_code == 400
    assert "The two password fields didn’t match." in response.content.decode()
    assert User.objects.get(username="sam").check_password(PASSWORD)
