"""API v1 authentication: device tokens from a log-in, log-out of one device or all."""

from datetime import datetime, timedelta

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.utils import timezone
from knox.crypto import hash_token
from rest_framework.response import Response
from rest_framework.test import APIClient

from accounts.models import DeviceToken, User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/api/v1/auth/login/"
LOGOUT = "/api/v1/auth/logout/"
LOGOUT_ALL = "/api/v1/auth/logout-all/"


@pytest.fixture(autouse=True)
def _empty_cache(db) -> None:
    # Throttle counts live in the shared cache: start every test from none.
    cache.clear()


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def small_rates(settings) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"login_ip": "3/min", "login_username": "3/min"},
    }


def log_in(
    api: APIClient,
    username: str = "sam",
    password: str = PASSWORD,
    device_name: str = "Sam's phone",
    ip: str = "127.0.0.1",
    **headers: str,
) -> Response:
    body = {"username": username, "password": password, "device_name": device_name}
    return api.post(LOGIN, body, format="json", REMOTE_ADDR=ip, **headers)


def token_of(api: APIClient, **kwargs: str) -> str:
    response = log_in(api, **kwargs)
    assert response.status_code == 200, response.content
    return response.json()["token"]


def post_with_token(api: APIClient, url: str, token: str) -> Response:
    return api.post(url, HTTP_AUTHORIZATION=f"Token {token}")


# --- Logging in --------------------------------------------------------------------------


def test_a_student_logs_in_and_gets_a_token_for_the_device(api, student):
    response = log_in(api, device_name="  Sam's phone  ")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expiry", "user"}
    assert body["user"] == {"id": student.pk, "username": "sam", "role": "student"}
    stored = DeviceToken.objects.get()
    assert stored.user == student
    assert stored.device_name == "Sam's phone"
    # Only the digest is kept: the token itself is nowhere in the database row.
    assert stored.digest == hash_token(body["token"])
    assert body["token"] not in {stored.digest, stored.token_key}
    assert not DeviceToken.objects.filter(digest=body["token"]).exists()


def test_the_token_expires_after_the_configured_number_of_days(api, student):
    before = timezone.now()
    body = log_in(api).json()

    expiry = datetime.fromisoformat(body["expiry"].replace("Z", "+00:00"))
    assert expiry.tzinfo is not None
    ttl = django_settings.REST_KNOX["TOKEN_TTL"]
    assert before + ttl <= expiry <= timezone.now() + ttl
    assert DeviceToken.objects.get().expiry == expiry


def test_a_teacher_gets_the_teacher_role(api, teacher):
    body = log_in(api, username="ada").json()

    assert body["user"] == {"id": teacher.pk, "username": "ada", "role": "teacher"}


def test_each_log_in_makes_a_new_token(api, student):
    first = token_of(api, device_name="phone")
    second = token_of(api, device_name="tablet")

    assert first != second
    assert sorted(DeviceToken.objects.values_list("device_name", flat=True)) == [
        "phone",
        "tablet",
    ]


def test_logging_in_records_the_last_login(api, student):
    assert student.last_login is None

    log_in(api)

    student.refresh_from_db()
    assert student.last_login is not None


def test_the_device_name_may_be_blank_but_not_longer_than_100_characters(api, student):
    assert log_in(api, device_name="").status_code == 200

    response = log_in(api, device_name="x" * 101)

    assert response.status_code == 400
    assert refused_fields(response) == {"device_name"}
    assert DeviceToken.objects.count() == 1


# --- Refusing a log-in -------------------------------------------------------------------


def refused_fields(response) -> set[str | None]:
    """The fields a refused log-in's ``errors`` name."""
    return {error["field"] for error in response.json()["errors"]}


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(api, student):
    wrong_password = log_in(api, password="not the password")
    unknown_user = log_in(api, username="nobody")

    assert wrong_password.status_code == unknown_user.status_code == 400
    assert wrong_password.json() == unknown_user.json()
    # The API's error shape, with nothing that names the field that was wrong.
    assert wrong_password.json() == {
        "detail": "Unable to log in with the username and password provided.",
        "errors": [
            {"field": None, "message": "Unable to log in with the username and password provided."}
        ],
    }
    assert not DeviceToken.objects.exists()


def test_a_disabled_account_gets_the_same_answer_as_a_wrong_password(api, student):
    wrong_password = log_in(api, password="not the password").json()
    User.objects.filter(pk=student.pk).update(is_active=False)

    response = log_in(api)

    assert response.status_code == 400
    assert response.json() == wrong_password
    assert not DeviceToken.objects.exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({"password": PASSWORD, "device_name": "phone"}, "username"),
        ({"username": "sam", "device_name": "phone"}, "password"),
        ({"username": "sam", "password": PASSWORD}, "device_name"),
        ({"username": 12, "password": PASSWORD, "device_name": "phone"}, "username"),
        ({"username": "sam", "password": [PASSWORD], "device_name": "phone"}, "password"),
        ({"username": "sam", "password": PASSWORD, "device_name": None}, "device_name"),
        ({"username": "sam", "password": PASSWORD, "device_name": True}, "device_name"),
        ({"username": "s\x00m", "password": PASSWORD, "device_name": "phone"}, "username"),
    ],
)
def test_missing_or_mistyped_fields_are_refused_by_name(api, student, body, field):
    response = api.post(LOGIN, body, format="json")

    assert response.status_code == 400
    assert response.json()["detail"] == "The log-in was refused: a field is missing or not valid."
    assert refused_fields(response) == {field}
    assert not DeviceToken.objects.exists()


@pytest.mark.parametrize("body", ["[]", '"sam"', "12", "null"])
def test_a_json_body_that_is_not_an_object_is_refused(api, student, body):
    response = api.post(LOGIN, body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["detail"]
    assert response.json()["errors"]


def test_malformed_json_is_refused_with_a_json_message(api, student):
    response = api.post(LOGIN, '{"username": "sam", ', content_type="application/json")

    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_a_form_encoded_body_is_refused_as_unsupported(api, student):
    response = api.post(LOGIN, {"username": "sam", "password": PASSWORD, "device_name": "x"})

    assert response.status_code == 415
    assert "Unsupported media type" in response.json()["detail"]
    assert not DeviceToken.objects.exists()


def test_logging_in_takes_only_a_post(api, student):
    response = api.get(LOGIN)

    assert response.status_code == 405
    assert "detail" in response.json()


# --- Throttling --------------------------------------------------------------------------


def test_attempts_at_one_username_are_throttled_whatever_the_address(api, student, small_rates):
    for n, name in enumerate(["sam", "SAM", "Sam"]):
        assert log_in(api, username=name, password="guess", ip=f"10.0.0.{n}").status_code == 400

    # The right password from a fresh address does not get through either.
    response = log_in(api, ip="10.0.0.99")

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "throttled" in response.json()["detail"]
    assert not DeviceToken.objects.exists()
    # Another username from the same address still may log in.
    assert log_in(api, username="nobody", ip="10.0.0.99").status_code == 400


def test_attempts_from_one_address_are_throttled_whatever_the_username(api, student, small_rates):
    for name in ["ann", "bob", "cat"]:
        assert log_in(api, username=name, ip="10.0.0.1").status_code == 400

    response = log_in(api, ip="10.0.0.1")

    assert response.status_code == 429
    assert "Retry-After" in response
    assert not DeviceToken.objects.exists()
    # Another address may still log in as the same user.
    assert log_in(api, ip="10.0.0.2").status_code == 200


def test_a_made_up_forwarded_for_header_does_not_escape_the_address_throttle(
    api, student, small_rates
):
    for n in range(3):
        api.post(LOGIN, {}, format="json", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")

    response = api.post(LOGIN, {}, format="json", HTTP_X_FORWARDED_FOR="192.0.2.99")

    assert response.status_code == 429


def test_behind_a_declared_proxy_the_forwarded_address_is_the_client(
    api, student, small_rates, settings
):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    for name in ["ann", "bob", "cat"]:
        api.post(LOGIN, {"username": name}, format="json", HTTP_X_FORWARDED_FOR="192.0.2.1")

    assert api.post(LOGIN, {}, format="json", HTTP_X_FORWARDED_FOR="192.0.2.1").status_code == 429
    assert log_in(api, HTTP_X_FORWARDED_FOR="192.0.2.2").status_code == 200


def test_an_odd_username_or_address_makes_a_valid_throttle_key(api, student):
    response = api.post(
        LOGIN,
        {"username": "s a\tm\u00e9" * 1000, "password": "x", "device_name": ""},
        format="json",
        HTTP_X_FORWARDED_FOR="x" * 5000,
    )

    assert response.status_code == 400


def test_throttled_attempts_count_again_after_the_period(api, student, small_rates, monkeypatch):
    for _ in range(3):
        log_in(api, password="guess")
    assert log_in(api).status_code == 429

    later = timezone.now().timestamp() + 61
    monkeypatch.setattr("rest_framework.throttling.SimpleRateThrottle.timer", lambda _: later)

    assert log_in(api).status_code == 200


# --- Logging out -------------------------------------------------------------------------


def test_logging_out_revokes_only_this_devices_token(api, student):
    phone = token_of(api, device_name="phone")
    tablet = token_of(api, device_name="tablet")

    response = post_with_token(api, LOGOUT, phone)

    assert response.status_code == 204
    assert response.content == b""
    assert list(DeviceToken.objects.values_list("device_name", flat=True)) == ["tablet"]
    assert post_with_token(api, LOGOUT, phone).status_code == 401
    assert post_with_token(api, LOGOUT, tablet).status_code == 204


def test_logging_out_everywhere_revokes_all_of_the_users_tokens(api, student, teacher):
    tokens = [token_of(api, device_name=name) for name in ["phone", "tablet", "laptop"]]
    teachers = token_of(api, username="ada")

    response = post_with_token(api, LOGOUT_ALL, tokens[0])

    assert response.status_code == 204
    assert not DeviceToken.objects.filter(user=student).exists()
    for token in tokens:
        assert post_with_token(api, LOGOUT, token).status_code == 401
    assert post_with_token(api, LOGOUT, teachers).status_code == 204


@pytest.mark.parametrize("url", [LOGOUT, LOGOUT_ALL])
def test_logging_out_without_a_token_is_unauthorised(api, student, url):
    response = api.post(url)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "detail" in response.json()


@pytest.mark.parametrize("url", [LOGOUT, LOGOUT_ALL])
def test_an_expired_token_is_unauthorised(api, student, url):
    token = token_of(api)
    DeviceToken.objects.update(expiry=timezone.now() - timedelta(seconds=1))

    response = post_with_token(api, url, token)

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_a_session_login_does_not_stand_in_for_a_token(student_client):
    response = student_client.post(LOGOUT)

    assert response.status_code == 401


@pytest.mark.parametrize(
    "header",
    [
        "Token",
        "Token a b",
        "Token " + "0" * 64,
        "Token \xe9\xe9\xe9",
        "Token abc\x00def",
        "Token " + "f" * 5000,
    ],
)
def test_a_malformed_or_unknown_token_is_unauthorised(api, student, header):
    token_of(api)

    response = api.post(LOGOUT, HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert "detail" in response.json()
    assert DeviceToken.objects.count() == 1


# --- Schema ------------------------------------------------------------------------------


def test_the_schema_describes_the_authentication_endpoints(api):
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    login = schema["paths"]["/api/v1/auth/login/"]["post"]
    assert set(login["responses"]) == {"200", "400", "415", "429"}
    refused = login["responses"]["400"]["content"]["application/json"]["schema"]
    assert refused["required"] == ["detail"]  # as every other error of the API
    assert set(refused["properties"]["errors"]["items"]["properties"]) == {"field", "message"}
    request_schema = schema["components"]["schemas"]["LoginRequest"]
    assert set(request_schema["required"]) == {"username", "password", "device_name"}
    assert set(schema["components"]["schemas"]["LoginResponse"]["properties"]) == {
        "token",
        "expiry",
        "user",
    }
    for path in ["/api/v1/auth/logout/", "/api/v1/auth/logout-all/"]:
        operation = schema["paths"][path]["post"]
        assert set(operation["responses"]) == {"204", "401"}
        assert operation["security"] == [{"knoxApiToken": []}]
