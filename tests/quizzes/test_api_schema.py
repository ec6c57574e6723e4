"""The served OpenAPI schema, the local docs page, and explicit serializer fields."""

import importlib
import inspect
import pkgutil
import re
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.urls import Resolver404, resolve
from rest_framework import serializers
from rest_framework.test import APIClient

import quizzes.api

pytestmark = pytest.mark.django_db

# Every path of the mobile contract (docs: the API v1 contract), as the schema spells it.
CONTRACT_PATHS = [
    "/api/v1/auth/login/",
    "/api/v1/auth/logout/",
    "/api/v1/auth/logout-all/",
    "/api/v1/documents/",
    "/api/v1/documents/{id}/",
    "/api/v1/lessons/{id}/questions/",
    "/api/v1/lessons/{id}/quiz/",
    "/api/v1/sync/changes/",
    "/api/v1/sync/reviews/",
    "/api/v1/attempts/",
]


def _exists(path: str) -> bool:
    try:
        resolve(path.replace("{id}", "1"))
    except Resolver404:
        return False
    return True


@pytest.fixture
def schema() -> dict:
    response = APIClient().get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Lectern API"


def test_the_schema_lists_every_contract_path_that_exists(schema):
    existing = [path for path in CONTRACT_PATHS if _exists(path)]

    assert "/api/v1/documents/" in existing
    assert set(existing) <= set(schema["paths"])


def test_the_schema_describes_the_content_endpoints(schema):
    components = schema["components"]["schemas"]
    quiz_question = components["QuizQuestion"]["properties"]
    practice_question = components["PracticeQuestion"]["properties"]

    assert set(quiz_question) == {"id", "kind", "prompt", "choices"}
    assert {"answer", "alternatives", "explanation", "source_sentence"} <= set(practice_question)
    for path in ["/api/v1/documents/", "/api/v1/lessons/{id}/quiz/"]:
        responses = schema["paths"][path]["get"]["responses"]
        assert {"200", "401", "404"} <= set(responses)
        assert schema["paths"][path]["get"]["security"]


def test_every_operation_with_parameters_or_a_body_documents_400(schema):
    # The request guards answer 400 to an address or form that is not UTF-8 or holds a
    # null character, whatever the operation: the schema must say so.
    missing = [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if (operation.get("parameters") or operation.get("requestBody"))
        and "400" not in operation["responses"]
    ]

    assert missing == []


def test_every_error_the_schema_documents_is_json_with_a_detail(schema):
    """One error shape for the whole API: an app can show ``detail`` for any 4xx or 5xx
    without knowing the operation (some add ``errors``, a list of problems)."""
    components = schema["components"]["schemas"]

    def body(response: dict) -> dict:
        found = response.get("content", {}).get("application/json", {}).get("schema", {})
        return components[found["$ref"].rsplit("/", 1)[1]] if "$ref" in found else found

    shapeless = [
        f"{method.upper()} {path} {status}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        for status, response in operation["responses"].items()
        if int(status) >= 400 and "detail" not in body(response).get("required", [])
    ]

    assert shapeless == []


def test_a_null_character_in_a_query_answers_400_in_the_api_shape(student):
    api = APIClient()
    api.force_authenticate(student)

    response = api.get("/api/v1/attempts/?page=%00")

    assert response.status_code == 400
    assert response.json() == {"detail": "The address holds a null character."}


def test_the_docs_page_loads_its_assets_from_this_site_only():
    response = APIClient().get("/api/v1/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    for url in re.findall(r"""https?://[^\s"'<>)]+""", html):
        assert urlsplit(url).hostname in {"testserver", "localhost"}, url
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    static = [url for url in assets if url.startswith("/static/")]
    assert static, "the docs page loads no local assets"
    for url in static:
        assert finders.find(urlsplit(url).path.removeprefix("/static/")), url


def _api_modules() -> list[object]:
    names = [f"quizzes.api.{info.name}" for info in pkgutil.iter_modules(quizzes.api.__path__)]
    return [importlib.import_module(name) for name in [*names, "accounts.api"]]


def _field_problem(serializer: type) -> str | None:
    """Why a serializer class does not name its fields, or None when it does."""
    meta = getattr(serializer, "Meta", None)
    fields = getattr(meta, "fields", None)
    if fields == serializers.ALL_FIELDS:
        return 'fields = "__all__"'
    if getattr(meta, "exclude", None) is not None:
        return "exclude instead of fields"
    if issubclass(serializer, serializers.ModelSerializer):
        if not isinstance(fields, (list, tuple)) or not fields:
            return "no explicit Meta.fields list"
    elif not serializer._declared_fields:
        return "no declared fields"
    return None


def _serializers() -> list[type]:
    found = []
    for module in _api_modules():
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, serializers.Serializer) and value.__module__ == module.__name__:
                found.append(value)
    return found


def test_every_api_serializer_names_its_fields():
    found = _serializers()

    assert any(cls.__name__ == "QuizQuestionSerializer" for cls in found)
    problems = {
        f"{cls.__module__}.{cls.__qualname__}": problem
        for cls in found
        if (problem := _field_problem(cls))
    }
    assert problems == {}


def test_the_field_check_catches_all_fields_and_missing_fields():
    from quizzes.models import Lesson

    class Everything(serializers.ModelSerializer):
        class Meta:
            model = Lesson
            fields = "__all__"

    class Unlisted(serializers.ModelSerializer):
        class Meta:
            model = Lesson
            exclude = ["body"]

    class Empty(serializers.Serializer):
        pass

    assert _field_problem(Everything) == 'fields = "__all__"'
    assert _field_problem(Unlisted) == "exclude instead of fields"
    assert _field_problem(Empty) == "no declared fields"
