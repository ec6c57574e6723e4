"""Production mode: the documented environment passes `check --deploy`, and what it needs
is refused when missing. Settings are read at start-up, so each case runs in a fresh
Python process with a clean environment."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings

DOCS = Path(settings.BASE_DIR) / "docs" / "deployment.md"


def documented_production_environment() -> dict[str, str]:
    """The ```env block of docs/deployment.md, so the docs and this test cannot drift."""
    block = re.search(r"```env\n(.*?)```", DOCS.read_text(), re.DOTALL)
    assert block, "docs/deployment.md lost its ```env block"
    pairs = (line.split("=", 1) for line in block.group(1).splitlines() if "=" in line)
    return {key.strip(): value.strip() for key, value in pairs}


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    """Run a command in the project with only the given Lectern/Django variables set."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "LECTERN_", "REDIS_"))
    }
    return subprocess.run(
        args, env={**clean, **env}, capture_output=True, text=True, cwd=settings.BASE_DIR
    )


def settings_with(**env: str) -> dict:
    code = (
        "import json, config.settings as s; print(json.dumps({name: getattr(s, name, None) "
        "for name in ['SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_SSL_REDIRECT', "
        "'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD', "
        "'SECURE_PROXY_SSL_HEADER', 'SECRET_KEY', 'ALLOWED_HOSTS', 'CSRF_TRUSTED_ORIGINS', "
        "'SECURE_CONTENT_TYPE_NOSNIFF', 'SECURE_REFERRER_POLICY', 'LOG_FORMAT']}))"
    )
    result = run([sys.executable, "-c", code], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.slow
def test_the_documented_production_environment_passes_check_deploy():
    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        **documented_production_environment(),
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_catches_a_weakened_production_environment():
    weakened = {**documented_production_environment(), "DJANGO_SECURE_SSL_REDIRECT": "false"}

    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], **weakened
    )

    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY is required when DJANGO_ENV=production"),
        ("DJANGO_ALLOWED_HOSTS", "DJANGO_ALLOWED_HOSTS is required when DJANGO_ENV=production"),
    ],
)
def test_production_refuses_to_start_without_a_required_value(missing, message):
    environment = documented_production_environment()
    del environment[missing]

    result = run([sys.executable, "manage.py", "check"], **environment)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_refuses_debug_and_unknown_modes():
    debug = run(
        [sys.executable, "manage.py", "check"],
        **documented_production_environment(),
        DJANGO_DEBUG="true",
    )
    typo = run([sys.executable, "manage.py", "check"], DJANGO_ENV="prod")

    assert "DJANGO_DEBUG must be off when DJANGO_ENV=production" in debug.stderr
    assert "DJANGO_ENV must be 'development' or 'production'" in typo.stderr


def test_production_turns_on_https_cookies_hsts_and_the_proxy_header():
    production = settings_with(**documented_production_environment())

    assert production["SECRET_KEY"] == documented_production_environment()["DJANGO_SECRET_KEY"]
    assert production["ALLOWED_HOSTS"] == ["lectern.example.org"]
    assert production["CSRF_TRUSTED_ORIGINS"] == ["https://lectern.example.org"]
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] == 31_536_000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_HSTS_PRELOAD"] is False
    assert production["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert production["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert production["SECURE_REFERRER_POLICY"] == "same-origin"
    assert production["LOG_FORMAT"] == "json"


def test_development_needs_no_environment_and_stays_on_plain_http():
    development = settings_with()

    assert development["SECRET_KEY"].startswith("django-insecure-")
    assert development["SESSION_COOKIE_SECURE"] is None
    assert development["SECURE_SSL_REDIRECT"] is None
    assert development["SECURE_PROXY_SSL_HEADER"] is None
    assert development["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert development["LOG_FORMAT"] == "text"


def test_the_log_format_is_chosen_by_the_environment():
    assert settings_with(LECTERN_LOG_FORMAT="json")["LOG_FORMAT"] == "json"
    result = run([sys.executable, "manage.py", "check"], LECTERN_LOG_FORMAT="xml")
    assert "LECTERN_LOG_FORMAT must be 'json' or 'text'" in result.stderr


@pytest.mark.django_db
@override_settings(
    SECURE_SSL_REDIRECT=True,
    SECURE_REDIRECT_EXEMPT=[r"^healthz$"],
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    SECURE_HSTS_SECONDS=31_536_000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
)
def test_plain_http_is_redirected_except_the_health_probe():
    client = Client()

    redirected = client.get("/accounts/login/")
    via_proxy = client.get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})
    probe = client.get("/healthz")

    assert redirected.status_code == 301
    assert redirected["Location"] == "https://testserver/accounts/login/"
    assert via_proxy.status_code == 200
    assert via_proxy["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert probe.status_code == 200


def test_static_files_use_whitenoise_compressed_manifest_storage():
    # Read from a fresh process: the test settings swap the storage for one that needs
    # no collectstatic.
    code = "import config.settings as s; print(s.STORAGES['staticfiles']['BACKEND'])"
    result = run([sys.executable, "-c", code])

    assert result.stdout.strip() == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_hashed_static_files_are_cached_for_years_and_plain_names_briefly(tmp_path):
    # A one-file static folder keeps collectstatic fast; the storage and whitenoise are
    # the production ones.
    source = tmp_path / "static"
    (source / "css").mkdir(parents=True)
    (source / "css" / "site.css").write_text("body { color: #222; }\n" * 50)
    collected = tmp_path / "collected"
    with override_settings(
        STATIC_ROOT=collected,
        STATICFILES_DIRS=[source],
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
        },
    ):
        call_command("collectstatic", "--noinput", verbosity=0)
        [hashed] = [
            path.name
            for path in (collected / "css").iterdir()
            if re.fullmatch(r"site\.[0-9a-f]{12}\.css", path.name)
        ]
        client = Client()  # a new client builds whitenoise's file list from STATIC_ROOT
        long_lived = client.get(f"/static/css/{hashed}")
        short_lived = client.get("/static/css/site.css")
        compressed = client.get(f"/static/css/{hashed}", headers={"Accept-Encoding": "gzip"})

    assert long_lived.status_code == 200
    assert long_lived["Cache-Control"] == "max-age=315360000, public, immutable"
    assert short_lived.status_code == 200
    assert short_lived["Cache-Control"] == "max-age=60, public"
    assert compressed["Content-Encoding"] == "gzip"
