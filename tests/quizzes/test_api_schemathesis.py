"""Schemathesis against the served schema: every operation, every check, as a student.

The schema is loaded from the WSGI application itself (no server), then each operation
gets a bounded number of generated requests, valid and invalid, each carrying a fresh
device token (an operation such as log-out-everywhere revokes the ones before). Any
server error, any answer the schema does not describe, fails the test.
"""

import hypothesis
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from accounts.models import DeviceToken
from tests.quizzes.course import build_course

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 100

CONFIG = {
    # A fixed seed: the same requests on every run and every database.
    "seed": 20240501,
    "generation": {
        "max-examples": MAX_EXAMPLES,
        # Unknown query parameters are ignored, as HTTP APIs conventionally do.
        "allow-extra-parameters": False,
        # Each request carries a real token (below); the ignored_auth check still sends
        # requests without one and expects 401.
        "with-security-parameters": False,
    },
    "checks": {
        # A request can match the schema and still be wrong (a wrong password, a lesson
        # that does not exist or is not the caller's to study): the contract answers 400.
        "positive_data_acceptance": {
            "expected-statuses": ["2xx", "3xx", "400", "401", "403", "404", "409", "429"],
        },
    },
}


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    """Django's WSGI handler closes "old" connections around each request: in a test that
    would close the test's transaction (Django's own test client unhooks it too)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def course(teacher):
    return build_course(teacher)


def _auth(student) -> dict[str, str]:
    _, token = DeviceToken.objects.create(user=student, device_name="schemathesis")
    return {"Authorization": f"Token {token}"}


# Loaded while tests are collected: the schema view reads no database.
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/schema/?format=json",
    WSGIHandler(),
    config=schemathesis.config.SchemathesisConfig.from_dict(CONFIG),
)


@schema.parametrize()
@hypothesis.settings(
    deadline=None,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)
def test_every_operation_holds_to_the_schema(case, student, course):
    case.call_and_validate(headers=_auth(student))


def test_the_content_endpoints_hold_to_the_schema_for_real_objects(course, student):
    lesson = course.lessons[0].pk
    cases = [
        ("/api/v1/documents/", {}),
        ("/api/v1/documents/{id}/", {"id": course.document.pk}),
        ("/api/v1/lessons/{id}/questions/", {"id": lesson}),
        ("/api/v1/lessons/{id}/quiz/", {"id": lesson}),
    ]
    for path, parameters in cases:
        case = schema[path]["GET"].Case(path_parameters=parameters)
        response = case.call_and_validate(headers=_auth(student))
        assert response.status_code == 200, path
