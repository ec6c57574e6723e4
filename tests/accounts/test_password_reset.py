"""Resetting a forgotten password by email."""

import re

import pytest
from django.urls import reverse

from accounts.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

RESET = reverse("password_reset")
NEW_PASSWORD = "a quite different passphrase"


def reset_link(message):
    match = re.search(r"http://testserver(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def ask_for_a_link(client, email="sam@example.org"):
    return client.post(RESET, {"email": email})


def test_the_page_shows_a_labelled_email_field(client):
    response = client.get(RESET)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Reset your password</h1>" in html
    assert '<label for="id_email">' in html
    assert 'type="email"' in html


def test_it_emails_a_reset_link(client, student, mailoutbox):
    response = ask_for_a_link(client)

    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert "Check your email" in client.get(response.url).content.decode()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["sam@example.org"]
    assert message.subject == "Reset your Lectern password"
    assert "Hello sam," in message.body
    assert "http://testserver/accounts/reset/" in message.body


def test_a_student_follows_the_link_sets_a_new_password_and_logs_in(client, student, mailoutbox):
    ask_for_a_link(client)

    response = client.get(reset_link(mailoutbox[0]), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Choose a new password</h1>" in html
    assert '<label for="id_new_password1">' in html
    set_password_url = response.redirect_chain[-1][0]

    response = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("password_reset_complete")
    complete = client.get(response.url).content.decode()
    assert "Your new password is set." in complete
    assert f'href="{reverse("login")}"' in complete

    response = client.post(reverse("login"), {"username": "sam", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == student.pk
    assert not User.objects.get(pk=student.pk).check_password(PASSWORD)


def test_it_finds_the_account_whatever_the_case_of_the_address(client, student, mailoutbox):
    ask_for_a_link(client, email="SAM@Example.org")

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["sam@example.org"]


def test_it_says_the_same_and_sends_nothing_for_an_unknown_address(client, student, mailoutbox):
    response = ask_for_a_link(client, email="nobody@example.org")

    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert mailoutbox == []


def test_a_weak_new_password_is_refused(client, student, mailoutbox):
    ask_for_a_link(client)
    response = client.get(reset_link(mailoutbox[0]), follow=True)
    set_password_url = response.redirect_chain[-1][0]

    response = client.post(set_password_url, {"new_password1": "abc", "new_password2": "abc"})

    assert response.status_code == 400
    assert "This password is too short." in response.content.decode()
    assert User.objects.get(pk=student.pk).check_password(PASSWORD)


def test_a_link_works_only_once(client, student, mailoutbox):
    ask_for_a_link(client)
    link = reset_link(mailoutbox[0])
    response = client.get(link, follow=True)
    client.post(
        response.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    response = client.get(link, follow=True)

    html = response.content.decode()
    assert "This link doesn’t work" in html
    assert 'name="new_password1"' not in html
    assert f'href="{RESET}"' in html


def test_a_made_up_link_shows_that_it_does_not_work(client, student):
    url = reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "set-by-no-one"})

    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "This link doesn’t work" in html
    assert "Ask for a new link" in html
