"""The Content Security Policy: the same strict header on the site's pages, the admin,
the API and its documentation, error pages included; and templates that keep to it (no
inline script, style or event handler), which tests/browser/test_csp.py checks in a
real browser."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
TEMPLATES = Path(settings.BASE_DIR) / "templates"


def policy_of(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in directives}


@pytest.mark.parametrize(
    "url",
    ["/", "/accounts/login/", "/accounts/signup/", "/admin/login/", "/no/such/page/"],
)
def test_the_policy_is_on_every_page(client, url):
    response = client.get(url)

    assert response.status_code in (200, 404)
    assert policy_of(response) == POLICY


def test_the_policy_is_on_the_students_and_the_admins_pages(student_client, superuser, client):
    assert policy_of(student_client.get(reverse("study"))) == POLICY
    assert policy_of(student_client.get(reverse("account"))) == POLICY
    client.force_login(superuser)
    assert policy_of(client.get("/admin/")) == POLICY
    assert policy_of(client.get("/admin/quizzes/question/")) == POLICY
    # Where an administrator sees and clears lock-outs: no inline style there either.
    lockouts = client.get("/admin/axes/accessattempt/")
    assert lockouts.status_code == 200
    assert policy_of(lockouts) == POLICY
    assert "<style" not in lockouts.content.decode()


@pytest.mark.parametrize(
    "url", ["/api/v1/auth/login/", "/api/v1/documents/", "/api/v1/schema/", "/api/v1/docs/"]
)
def test_the_policy_is_on_the_api_and_its_documentation(client, url):
    response = client.get(url)

    assert response.status_code in (200, 401, 405)
    assert policy_of(response) == POLICY


def test_the_api_documentation_loads_its_start_up_script_as_a_file(client):
    page = client.get("/api/v1/docs/").content.decode()
    script = client.get("/api/v1/docs/", {"script": ""})

    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    # No validator badge image from swagger.io, which the policy would refuse anyway.
    assert '"validatorUrl": null' in script.content.decode()
    assert not re.search(r"<script>|<style", page)
    assert 'href="/static/css/api_docs.css"' in page


def test_the_lock_out_page_carries_the_policy_too(client, student):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("login"), {"username": "sam", "password": "guess"})

    assert response.status_code == 429
    assert policy_of(response) == POLICY


def test_htmx_is_told_not_to_add_its_inline_indicator_style(client):
    html = client.get(reverse("login")).content.decode()

    config = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", html)
    assert config, "base.html lost its htmx-config"
    assert json.loads(config.group(1))["includeIndicatorStyles"] is False


# Each pattern and what it finds: inline code and styles the policy refuses.
FORBIDDEN = {
    "an inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "a <style> block": re.compile(r"<style\b", re.IGNORECASE),
    "a style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "an event-handler attribute": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "a javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def test_no_template_holds_inline_script_or_style():
    found = [
        f"{path.relative_to(TEMPLATES)}: {what}: {match.group(0)!r}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for what, pattern in FORBIDDEN.items()
        for match in pattern.finditer(path.read_text())
    ]

    assert not found, "\n".join(found)
