"""Logging in and out, with Django's views and Lectern's pages."""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
LOGOUT = reverse("logout")
HOME = reverse("home")


def test_the_login_page_shows_a_labelled_form(client):
    response = client.get(LOGIN)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Log in</h1>" in html
    assert '<label for="id_username">' in html
    assert '<label for="id_password">' in html
    assert 'type="password"' in html


def test_the_login_page_links_to_sign_up_and_password_reset(client):
    html = client.get(LOGIN).content.decode()

    assert f'href="{reverse("signup")}"' in html
    assert f'href="{reverse("password_reset")}"' in html


def test_a_student_logs_in_and_lands_home(client, student):
    response = client.post(LOGIN, {"username": "sam", "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == HOME
    assert int(client.session["_auth_user_id"]) == student.pk
    html = client.get(HOME).content.decode()
    assert ">sam</a>" in html
    assert "Log out" in html


def test_a_wrong_password_shows_an_error_and_logs_no_one_in(client, student):
    response = client.post(LOGIN, {"username": "sam", "password": "not the password"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Please enter a correct username and password." in html
    assert 'role="alert"' in html
    assert 'value="sam"' in html
    assert "_auth_user_id" not in client.session


def test_it_goes_on_to_the_page_that_asked_for_a_login(client, student):
    target = reverse("password_change")
    response = client.get(target)
    assert response.status_code == 302
    login_page = client.get(response.url)
    assert f'name="next" value="{target}"' in login_page.content.decode()

    response = client.post(LOGIN, {"username": "sam", "password": PASSWORD, "next": target})

    assert response.status_code == 302
    assert response.url == target


def test_it_ignores_a_next_address_on_another_site(client, student):
    response = client.post(
        LOGIN, {"username": "sam", "password": PASSWORD, "next": "https://evil.example/"}
    )

    assert response.status_code == 302
    assert response.url == HOME


def test_logging_out_ends_the_session_and_lands_home(student_client):
    response = student_client.post(LOGOUT)

    assert response.status_code == 302
    assert response.url == HOME
    assert "_auth_user_id" not in student_client.session
    html = student_client.get(HOME).content.decode()
    assert f'href="{LOGIN}"' in html
    assert "Log out" not in html


def test_logging_out_needs_a_post(student_client):
    response = student_client.get(LOGOUT)

    assert response.status_code == 405
    assert "_auth_user_id" in student_client.session


def test_every_page_offers_log_out_as_a_form(student_client):
    html = student_client.get(HOME).content.decode()

    assert f'<form method="post" action="{LOGOUT}">' in html


def test_the_logged_out_page_offers_to_log_in_again(settings, student_client):
    # Lectern sends people home after logging out; without that setting Django shows
    # this page.
    settings.LOGOUT_REDIRECT_URL = None

    response = student_client.post(LOGOUT)

    assert response.status_code == 200
    html = response.content.decode()
    assert "You have logged out" in html
    assert f'href="{LOGIN}"' in html
