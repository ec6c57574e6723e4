"""Log-in lock-out: after five failed log-ins at one username from one address, that pair
is refused (even with the right password) for fifteen minutes, on the site's log-in page,
the admin's, the API's token log-in, the old password asked before changing it, and the
password check before deleting an account.
Other usernames and other addresses are not affected."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.core.management import call_command
from django.db.models import F
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import DeviceToken, User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
ADMIN_LOGIN = reverse("admin:login")
API_LOGIN = "/api/v1/auth/login/"
DELETE = reverse("delete_account")
PASSWORD_CHANGE = reverse("password_change")
LIMIT = 5


@pytest.fixture(autouse=True)
def _no_throttle_counts(db) -> None:
    # The API's throttles count in the shared cache, which may be Redis (not rolled back).
    cache.clear()


def web_login(client: Client, username: str = "sam", password: str = PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def api_login(api: APIClient, username: str = "sam", password: str = PASSWORD, **extra):
    body = {"username": username, "password": password, "device_name": "phone"}
    return api.post(API_LOGIN, body, format="json", **extra)


def fail_web_logins(client: Client, username: str = "sam", times: int = LIMIT, **extra) -> list:
    return [web_login(client, username, "wrong guess", **extra) for _ in range(times)]


def end_cool_off() -> None:
    """Sixteen minutes pass for every recorded failure."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- The site's log-in page ---------------------------------------------------------------


def test_four_failures_still_say_wrong_password_and_the_fifth_locks_out(client, student):
    responses = fail_web_logins(client)

    assert [r.status_code for r in responses] == [400, 400, 400, 400, 429]
    assert "Please enter a correct username and password." in responses[3].content.decode()
    locked = responses[4].content.decode()
    assert "Logging in is paused" in locked
    assert "try again in 15 minutes" in locked
    assert int(responses[4]["Retry-After"]) == 15 * 60
    assert AccessAttempt.objects.get().failures_since_start == LIMIT


def test_the_right_password_is_refused_while_locked_out(client, student):
    fail_web_logins(client)

    response = web_login(client)

    assert response.status_code == 429
    assert "Logging in is paused" in response.content.decode()
    assert not logged_in(client)
    # Attempts made while locked out are not counted, so the pause is not lengthened.
    assert AccessAttempt.objects.get().failures_since_start == LIMIT


def test_logging_in_works_again_after_the_cool_off(client, student):
    fail_web_logins(client)
    end_cool_off()

    response = web_login(client)

    assert response.status_code == 302
    assert logged_in(client)


def test_a_successful_log_in_clears_the_count(client, student):
    fail_web_logins(client, times=LIMIT - 1)
    assert web_login(client).status_code == 302
    assert not AccessAttempt.objects.exists()
    client.logout()

    responses = fail_web_logins(client, times=LIMIT - 1)

    assert {r.status_code for r in responses} == {400}
    assert web_login(client).status_code == 302


def test_other_usernames_are_not_locked_out(client, student):
    kim = User.objects.create_user(username="kim", password=PASSWORD)
    fail_web_logins(client, "sam")

    response = web_login(client, "kim")

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == kim.pk


def test_the_same_username_from_another_address_is_not_locked_out(client, student):
    fail_web_logins(client, REMOTE_ADDR="203.0.113.5")

    assert web_login(client, REMOTE_ADDR="203.0.113.5").status_code == 429
    assert web_login(client, REMOTE_ADDR="198.51.100.7").status_code == 302


def test_an_unknown_username_is_locked_out_like_a_real_one(client, student):
    responses = fail_web_logins(client, "nobody")

    assert responses[-1].status_code == 429
    assert "Logging in is paused" in responses[-1].content.decode()


def test_a_username_longer_than_any_account_is_counted_not_a_server_error(client):
    # axes keeps the username in 255 characters; PostgreSQL refuses anything longer.
    responses = fail_web_logins(client, "x" * 100_000)

    assert [r.status_code for r in responses] == [400, 400, 400, 400, 429]
    assert AccessAttempt.objects.get().username == "x" * 150


def test_the_lock_out_numbers_come_from_the_settings(client, student, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(minutes=3)

    responses = fail_web_logins(client, times=2)

    assert [r.status_code for r in responses] == [400, 429]
    assert "try again in 3 minutes" in responses[1].content.decode()
    assert responses[1]["Retry-After"] == "180"


def test_an_administrator_unlocks_a_username(client, student):
    fail_web_logins(client)

    call_command("axes_reset_username", "sam", verbosity=0)

    assert web_login(client).status_code == 302


# --- Behind a proxy -----------------------------------------------------------------------


def test_a_made_up_forwarded_for_header_does_not_escape_the_lock_out(client, student):
    for n in range(LIMIT):
        web_login(client, password="wrong guess", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")

    response = web_login(client, HTTP_X_FORWARDED_FOR="192.0.2.99")

    assert response.status_code == 429


def test_behind_a_declared_proxy_the_forwarded_address_is_the_client(client, student, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    fail_web_logins(client, HTTP_X_FORWARDED_FOR="192.0.2.1")

    assert web_login(client, HTTP_X_FORWARDED_FOR="192.0.2.1").status_code == 429
    assert AccessAttempt.objects.get().ip_address == "192.0.2.1"
    # Same proxy (REMOTE_ADDR), another client behind it.
    assert web_login(client, HTTP_X_FORWARDED_FOR="192.0.2.2").status_code == 302


# --- The admin's log-in page --------------------------------------------------------------


def test_the_admin_log_in_locks_out_too(client, teacher):
    form = {"username": "ada", "password": "wrong guess", "next": "/admin/"}
    responses = [client.post(ADMIN_LOGIN, form) for _ in range(LIMIT)]

    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    response = client.post(ADMIN_LOGIN, {**form, "password": PASSWORD})
    assert response.status_code == 429
    assert "Logging in is paused" in response.content.decode()
    assert not logged_in(client)


def test_failures_on_the_site_and_in_the_admin_add_up(client, teacher):
    fail_web_logins(client, "ada", times=LIMIT - 1)

    response = client.post(ADMIN_LOGIN, {"username": "ada", "password": "wrong guess"})

    assert response.status_code == 429


# --- The API's token log-in ---------------------------------------------------------------


def test_the_api_answers_429_json_once_locked_out(student):
    api = APIClient()
    responses = [api_login(api, password="wrong guess") for _ in range(LIMIT)]

    assert [r.status_code for r in responses] == [400, 400, 400, 400, 429]
    body = responses[-1].json()
    assert set(body) == {"detail"}
    assert "try again in 15 minutes" in body["detail"]
    assert responses[-1]["Retry-After"] == str(15 * 60)

    right_password = api_login(api)

    assert right_password.status_code == 429
    assert not DeviceToken.objects.exists()
    assert api_login(api, REMOTE_ADDR="198.51.100.7").status_code == 200


def test_the_api_and_the_site_share_the_count(client, student):
    api = APIClient()
    for _ in range(LIMIT - 1):
        api_login(api, password="wrong guess")

    assert web_login(client, password="wrong guess").status_code == 429
    assert api_login(api).status_code == 429


def test_a_token_log_in_clears_the_count(student):
    api = APIClient()
    for _ in range(LIMIT - 1):
        api_login(api, password="wrong guess")

    assert api_login(api).status_code == 200
    assert not AccessAttempt.objects.exists()


# --- The old password asked before changing it ---------------------------------------------


def change_password(client: Client, old_password: str):
    new = "a-new-long-passphrase-42"
    body = {"old_password": old_password, "new_password1": new, "new_password2": new}
    return client.post(PASSWORD_CHANGE, body)


def test_guessing_the_old_password_to_change_it_locks_out(student_client, student):
    responses = [change_password(student_client, "wrong guess") for _ in range(LIMIT)]

    assert [r.status_code for r in responses] == [400, 400, 400, 400, 429]
    assert "Your old password was entered incorrectly" in responses[0].content.decode()
    assert "Logging in is paused" in responses[-1].content.decode()

    right_password = change_password(student_client, PASSWORD)

    assert right_password.status_code == 429
    student.refresh_from_db()
    assert student.check_password(PASSWORD)


def test_the_right_old_password_still_changes_it(student_client, student):
    change_password(student_client, "wrong guess")

    response = change_password(student_client, PASSWORD)

    assert response.status_code == 302
    student.refresh_from_db()
    assert student.check_password("a-new-long-passphrase-42")


# --- The password check before deleting an account ----------------------------------------


def test_guessing_the_password_to_delete_an_account_locks_out(student_client, student):
    responses = [student_client.post(DELETE, {"password": "wrong guess"}) for _ in range(LIMIT)]

    assert [r.status_code for r in responses] == [400, 400, 400, 400, 429]
    assert "That is not your password" in responses[0].content.decode()
    assert "Logging in is paused" in responses[-1].content.decode()

    right_password = student_client.post(DELETE, {"password": PASSWORD})

    assert right_password.status_code == 429
    assert User.objects.filter(pk=student.pk).exists()


def test_a_locked_out_username_cannot_delete_its_account_either(client, student):
    fail_web_logins(client)
    client.force_login(student)

    response = client.post(DELETE, {"password": PASSWORD})

    assert response.status_code == 429
    assert User.objects.filter(pk=student.pk).exists()


def test_the_right_password_still_deletes_the_account(student_client, student):
    student_client.post(DELETE, {"password": "wrong guess"})

    response = student_client.post(DELETE, {"password": PASSWORD})

    assert response.status_code == 302
    assert not User.objects.filter(pk=student.pk).exists()
