"""Every request carries an id: in the answer's X-Request-ID header and in its log records."""

import json
import logging
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse

from config.logging import JsonFormatter, RequestIdFilter, request_id
from config.middleware import RequestIdMiddleware

pytestmark = pytest.mark.django_db

GENERATED = re.compile(r"[0-9a-f]{32}")


def test_each_answer_carries_a_fresh_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]

    assert GENERATED.fullmatch(first)
    assert GENERATED.fullmatch(second)
    assert first != second


def test_an_id_from_the_proxy_is_kept(client):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.2026:42"})

    assert response["X-Request-ID"] == "lb-7f3a.2026:42"
    # Cleared once the answer is sent: records between requests carry no stale id.
    assert request_id.get() == "-"


def test_pages_and_errors_carry_an_id_too(client):
    assert GENERATED.fullmatch(client.get("/accounts/login/")["X-Request-ID"])
    assert GENERATED.fullmatch(client.get("/no-such-page/")["X-Request-ID"])


@pytest.mark.parametrize(
    "hostile",
    [
        "evil\nINFO forged log line",
        '"}, {"level": "CRITICAL',
        "a" * 129,
        "id with spaces",
        "<script>alert(1)</script>",
    ],
)
def test_a_hostile_incoming_id_is_replaced(hostile):
    # Through the middleware directly: the test client itself refuses newlines in headers.
    request = HttpRequest()
    request.META["HTTP_X_REQUEST_ID"] = hostile
    response = RequestIdMiddleware(lambda request: HttpResponse())(request)

    assert response["X-Request-ID"] != hostile
    assert GENERATED.fullmatch(response["X-Request-ID"])


def test_log_records_of_a_request_carry_its_id(client, caplog):
    seen = []

    def view(request: HttpRequest) -> HttpResponse:
        logging.getLogger("quizzes.services").warning("stored %d reviews", 3)
        seen.append(request_id.get())
        return HttpResponse()

    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.WARNING):
        response = RequestIdMiddleware(view)(HttpRequest())

    [record] = [r for r in caplog.records if r.name == "quizzes.services"]
    assert record.request_id == response["X-Request-ID"] == seen[0]
    # Once the answer has been sent, the id is gone again.
    request_finished.send(sender=None)
    assert request_id.get() == "-"


def test_the_json_format_is_one_line_with_time_level_logger_message_and_id():
    record = logging.LogRecord(
        "quizzes.api", logging.ERROR, __file__, 1, "push of %s failed\nretrying", ("b1",), None
    )
    record.device = "phone"
    token = request_id.set("abc123")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id.reset(token)

    line = JsonFormatter().format(record)

    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "quizzes.api"
    assert entry["message"] == "push of b1 failed\nretrying"
    assert entry["request_id"] == "abc123"
    assert entry["device"] == "phone"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", entry["time"])


def test_the_json_format_keeps_the_traceback():
    try:
        raise ValueError("bad batch")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())

    entry = json.loads(JsonFormatter().format(record))

    assert "ValueError: bad batch" in entry["exception"]
    assert entry["request_id"] == "-"


@pytest.mark.parametrize("log_format", ["json", "text"])
def test_the_configured_logs_carry_the_request_id_in_the_chosen_format(log_format):
    # A fresh process with LECTERN_LOG_FORMAT set: the settings' own LOGGING, end to end.
    code = (
        "import django; django.setup(); from django.test import Client; "
        "print(Client(HTTP_HOST='localhost').get('/no-such-page/')['X-Request-ID'])"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LECTERN_"))}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "LECTERN_LOG_FORMAT": log_format,
        },
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=True,
    )
    answered_id = result.stdout.strip()
    [line] = [line for line in result.stderr.splitlines() if "no-such-page" in line]

    if log_format == "json":
        entry = json.loads(line)
        assert entry["logger"] == "django.request"
        assert entry["level"] == "WARNING"
        assert entry["message"] == "Not Found: /no-such-page/"
        assert entry["request_id"] == answered_id
    else:
        assert f"WARNING django.request [{answered_id}] Not Found: /no-such-page/" in line
