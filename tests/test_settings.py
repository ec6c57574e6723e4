"""The database defaults: SQLite in WAL mode with immediate transactions, or DATABASE_URL."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite settings")
def test_sqlite_uses_immediate_transactions_and_persistent_connections():
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] is None


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite settings")
def test_a_file_database_runs_in_wal_mode(tmp_path):
    import sqlite3

    from django.db.backends.sqlite3.base import DatabaseWrapper

    db = DatabaseWrapper({**settings.DATABASES["default"], "NAME": str(tmp_path / "x.sqlite3")})
    try:
        with db.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
    finally:
        db.close()
    assert sqlite3.connect(tmp_path / "x.sqlite3").execute("PRAGMA journal_mode").fetchone() == (
        "wal",
    )


def settings_in_subprocess(**env: str) -> dict:
    code = (
        "import json, config.settings as s; "
        "print(json.dumps({'debug': s.DEBUG, 'engine': s.DATABASES['default']['ENGINE'], "
        "'name': str(s.DATABASES['default']['NAME'])}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    output = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        check=True,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    ).stdout
    return json.loads(output)


def test_debug_is_off_and_sqlite_is_used_unless_the_environment_says_otherwise():
    assert settings_in_subprocess() == {
        "debug": False,
        "engine": "django.db.backends.sqlite3",
        "name": str(settings.BASE_DIR / "db.sqlite3"),
    }
    configured = settings_in_subprocess(
        DJANGO_DEBUG="true", DATABASE_URL="postgres://postgres@127.0.0.1:5432/lectern"
    )
    assert configured == {
        "debug": True,
        "engine": "django.db.backends.postgresql",
        "name": "lectern",
    }
