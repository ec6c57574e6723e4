"""API request guards: oversized bodies, foreign charsets, non-JSON and malformed JSON
are refused with a JSON message before (or instead of) the view's work."""

import io
import json
import zlib

import pytest
from django.urls import include, path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

from quizzes.api.parsers import JSONParser

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


class Echo(APIView):
    """Answers the JSON it was sent: proof that a body reached a view intact."""

    authentication_classes = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser]

    def post(self, request):
        return Response({"received": request.data})


class Broken(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def get(self, request):
        raise RuntimeError("a bug")


urlpatterns = [
    path("api/echo/", Echo.as_view()),
    path("api/broken/", Broken.as_view()),
    path("", include("config.urls")),
]


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def _is_json_error(response) -> bool:
    return response["Content-Type"].startswith("application/json") and bool(
        response.json()["detail"]
    )


def test_a_body_over_1_mb_is_refused_with_413_before_the_view_runs(api):
    body = json.dumps({"padding": "x" * (2 * MB)})

    # Anonymous: the view would answer 401; the guard answers first.
    response = api.post("/api/v1/documents/", body, content_type="application/json")

    assert response.status_code == 413
    assert _is_json_error(response)


@pytest.mark.urls(__name__)
def test_a_body_of_just_under_1_mb_reaches_the_view(api):
    body = json.dumps({"padding": "x" * (MB - 100)})

    response = api.post("/api/echo/", body, content_type="application/json")

    assert response.status_code == 200
    assert len(response.json()["received"]["padding"]) == MB - 100


@pytest.mark.urls(__name__)
def test_a_chunked_body_over_1_mb_is_refused_with_413(api):
    body = json.dumps({"padding": "x" * (2 * MB)}).encode()

    response = api.generic(
        "POST",
        "/api/echo/",
        b"",
        content_type="application/json",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": io.BytesIO(body)},
    )

    assert response.status_code == 413
    assert _is_json_error(response)


@pytest.mark.urls(__name__)
def test_a_small_chunked_body_reaches_the_view(api):
    response = api.generic(
        "POST",
        "/api/echo/",
        b"",
        content_type="application/json",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": io.BytesIO(b'{"greeting": "hello"}')},
    )

    assert response.status_code == 200
    assert response.json() == {"received": {"greeting": "hello"}}


def test_a_content_length_that_is_not_a_number_is_a_400(api):
    response = api.generic(
        "POST", "/api/v1/documents/", b"{}", content_type="application/json", CONTENT_LENGTH="-5"
    )

    assert response.status_code == 400
    assert _is_json_error(response)


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("charset", "body"),
    [
        ("zlib_codec", zlib.compress(b'{"a": "' + b"a" * 10_000 + b'"}')),
        ("bz2_codec", b"BZh9"),
        ("utf-16", '{"a": 1}'.encode("utf-16")),
        ("latin-1", b'{"a": 1}'),
        ("ZLIB_CODEC", b"x"),
    ],
)
def test_a_charset_other_than_utf_8_is_refused_with_415(api, charset, body):
    response = api.post("/api/echo/", body, content_type=f"application/json; charset={charset}")

    assert response.status_code == 415
    assert _is_json_error(response)
    assert charset in response.json()["detail"]


def test_a_foreign_charset_is_refused_even_on_a_read(api):
    response = api.generic(
        "GET", "/api/v1/documents/", content_type="text/plain; charset=zlib_codec"
    )

    assert response.status_code == 415
    assert _is_json_error(response)


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("charset", ["utf-8", "UTF-8", "us-ascii"])
def test_utf_8_and_ascii_bodies_are_accepted(api, charset):
    response = api.post(
        "/api/echo/", b'{"a": "b"}', content_type=f"application/json; charset={charset}"
    )

    assert response.status_code == 200
    assert response.json() == {"received": {"a": "b"}}


@pytest.mark.urls(__name__)
def test_a_non_json_content_type_is_a_json_415(api):
    response = api.post("/api/echo/", "hello", content_type="text/plain")

    assert response.status_code == 415
    assert _is_json_error(response)


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    "body",
    [
        b"{",
        b'{"a": }',
        b"\xff\xfe\x00",
        b"NaN",
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a": ' * 50_000 + b"1" + b"}" * 50_000,
    ],
    ids=["unclosed", "missing-value", "not-utf-8", "nan", "deep-array", "deep-object"],
)
def test_malformed_json_is_a_json_400(api, body):
    response = api.post("/api/echo/", body, content_type="application/json")

    assert response.status_code == 400
    assert _is_json_error(response)


def test_an_unknown_api_path_is_a_json_404(api):
    response = api.get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert _is_json_error(response)


def test_pages_outside_the_api_are_left_alone(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


@pytest.mark.urls(__name__)
def test_a_server_error_under_the_api_is_still_a_json_answer(api):
    api.raise_request_exception = False

    response = api.get("/api/broken/")

    assert response.status_code == 500
    assert _is_json_error(response)
    assert "a bug" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("q=%FF%FE", "The address holds characters that are not UTF-8."),
        ("q=a%00b", "The address holds a null character."),
    ],
)
def test_an_address_the_site_refuses_is_refused_in_json_with_its_reason_under_the_api(
    api, client, query, message
):
    """The site-wide encoding guard answers plain text; under /api/ the same refusal is
    the API's JSON error, with the same words."""
    page = client.get(f"/?{query}")
    response = api.get(f"/api/v1/documents/?{query}")

    assert page.status_code == response.status_code == 400
    assert page["Content-Type"].startswith("text/plain")
    assert page.content.decode() == message
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": message}


def test_a_form_in_a_foreign_charset_is_refused_in_json_under_the_api(api):
    response = api.generic(
        "POST",
        "/api/v1/auth/login/",
        "username=sam",
        content_type="application/x-www-form-urlencoded; charset=latin-1",
    )

    assert response.status_code == 415
    assert response.json() == {"detail": "Unsupported charset “latin-1”: send UTF-8."}
