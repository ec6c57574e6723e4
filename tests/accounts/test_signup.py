"""Sign-up: anyone can create a student account, and lands home logged in."""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SIGNUP = reverse("signup")


def sign_up(client, **overrides):
    data = {
        "username": "lin",
        "email": "lin@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }
    return client.post(SIGNUP, data)


def test_the_sign_up_page_shows_a_labelled_form(client):
    response = client.get(SIGNUP)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Create your account</h1>" in html
    for name in ["username", "email", "password1", "password2"]:
        assert f'<label for="id_{name}">' in html
        assert f'name="{name}"' in html
    assert 'type="email"' in html
    assert f'href="{reverse("login")}"' in html


def test_it_signs_up_a_student_and_logs_them_in(client):
    response = sign_up(client)

    assert response.status_code == 302
    assert response.url == reverse("home")
    user = User.objects.get(username="lin")
    assert user.email == "lin@example.org"
    assert user.check_password(PASSWORD)
    assert int(client.session["_auth_user_id"]) == user.pk


def test_it_welcomes_the_new_student_on_the_home_page(client):
    response = client.get(reverse("home"))
    assert "Welcome to Lectern" not in response.content.decode()

    response = sign_up(client)
    response = client.get(response.url)

    html = response.content.decode()
    assert "Welcome to Lectern, lin!" in html
    assert ">lin</a>" in html  # the nav now shows the account


def test_it_normalises_the_email_domain(client):
    sign_up(client, email="Lin@Example.ORG")

    assert User.objects.get(username="lin").email == "Lin@example.org"


def test_it_refuses_an_email_already_in_use_whatever_its_case(client, student):
    response = sign_up(client, email="SAM@example.org")

    assert response.status_code == 400
    assert "An account with this email already exists." in response.content.decode()
    assert not User.objects.filter(username="lin").exists()


def test_it_requires_an_email(client):
    response = sign_up(client, email="")

    assert response.status_code == 400
    assert response.context["form"].errors["email"] == ["This field is required."]
    assert not User.objects.filter(username="lin").exists()


def test_it_refuses_a_malformed_email(client):
    response = sign_up(client, email="lin-at-example")

    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert not User.objects.exists()


def test_it_refuses_a_username_taken_in_another_case(client, student):
    response = sign_up(client, username="SAM")

    assert response.status_code == 400
    assert "A user with that username already exists." in response.content.decode()
    assert User.objects.filter(username__iexact="sam").count() == 1


def test_it_refuses_passwords_that_do_not_match(client):
    response = sign_up(client, password2=PASSWORD + "!")

    assert response.status_code == 400
    assert "The two password fields didn’t match." in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("password", "This password is too common."),
        ("7x2q", "This password is too short."),
        ("lin@example.org", "The password is too similar to the"),
    ],
)
def test_it_refuses_a_weak_password(client, password, message):
    response = sign_up(client, password1=password, password2=password)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not User.objects.exists()
    assert "_auth_user_id" not in client.session


def test_it_shows_each_error_next_to_its_field(client):
    response = sign_up(client, email="")

    html = response.content.decode()
    assert '<ul class="errorlist" id="id_email_error">' in html
    assert 'aria-describedby="id_email_helptext id_email_error"' in html
    assert 'aria-invalid="true"' in html
    # The error sits between the email's label and its input.
    label = html.index('<label for="id_email">')
    assert label < html.index('id="id_email_error"') < html.index('name="email"')


def test_it_keeps_what_was_typed_except_the_passwords(client):
    response = sign_up(client, password2="something else")

    html = response.content.decode()
    assert 'value="lin"' in html
    assert 'value="lin@example.org"' in html
    assert PASSWORD not in html


def test_a_logged_in_user_is_sent_home_from_the_sign_up_page(student_client):
    response = student_client.get(SIGNUP)

    assert response.status_code == 302
    assert response.url == reverse("home")


def test_a_logged_in_user_cannot_sign_up_another_account(student_client):
    response = sign_up(student_client)

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert not User.objects.filter(username="lin").exists()


@pytest.mark.parametrize(
    ("taken", "field", "message"),
    [
        ({"username": "lin", "email": "other@example.org"}, "username", "username already exists"),
        ({"username": "someone", "email": "lin@example.org"}, "email", "email already exists"),
    ],
)
def test_an_account_taken_while_the_form_was_checked_is_named_on_the_right_field(
    client, monkeypatch, taken, field, message
):
    from accounts import services, views

    def racing_sign_up(**kwargs):
        # Another sign-up wins the race between the form's checks and this insert.
        User.objects.create_user(password=PASSWORD, **taken)
        return services.sign_up_student(**kwargs)

    monkeypatch.setattr(views, "sign_up_student", racing_sign_up)

    response = sign_up(client)

    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert message in response.content.decode()
    assert User.objects.count() == 1


def test_it_refuses_a_password_longer_than_anyone_types(client):
    password = "correct horse battery staple " * 40  # 1,160 characters

    response = sign_up(client, password1=password, password2=password)

    assert response.status_code == 400
    assert "This password is too long. It must contain at most 1024 characters." in (
        response.content.decode()
    )
    assert not User.objects.exists()
