"""With REDIS_URL set, sessions are read from Redis and written through to the database
(`cached_db`): a log-in's session lands in Redis, and survives Redis losing it. Without
REDIS_URL they stay in the database. Skipped when no Redis answers on REDIS_URL (or on
127.0.0.1:6379, database 15)."""

import json
import os
import subprocess
import sys

import pytest
import redis
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


def settings_with(**env: str) -> dict:
    """SESSION_ENGINE and CACHES as config/settings.py makes them from this environment."""
    code = (
        "import json, config.settings as s; "
        "print(json.dumps({'SESSION_ENGINE': getattr(s, 'SESSION_ENGINE', None), "
        "'CACHES': s.CACHES}))"
    )
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "LECTERN_", "REDIS_"))
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=True,
    )
    return json.loads(result.stdout)


@pytest.fixture
def redis_client() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"no Redis at {REDIS_URL}: {error}")
    return client


def test_without_redis_sessions_stay_in_the_database():
    configured = settings_with()

    assert configured["SESSION_ENGINE"] is None  # Django's default: the database
    assert configured["CACHES"]["default"]["BACKEND"].endswith("DatabaseCache")


def test_a_log_in_session_lands_in_redis_and_in_the_database(client, student, redis_client):
    configured = settings_with(REDIS_URL=REDIS_URL)
    assert configured["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"

    with override_settings(
        CACHES=configured["CACHES"], SESSION_ENGINE=configured["SESSION_ENGINE"]
    ):
        response = client.post(reverse("login"), {"username": "sam", "password": PASSWORD})
        assert response.status_code == 302
        session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
        redis_key = cache.make_key(f"django.contrib.sessions.cached_db{session_key}")
        try:
            assert redis_client.exists(redis_key)
            # Written through: the database holds the same session.
            assert Session.objects.get(session_key=session_key).get_decoded()[
                "_auth_user_id"
            ] == str(student.pk)

            # Redis restarted empty: the session is read back from the database.
            redis_client.delete(redis_key)
            page = client.get(reverse("account"))

            assert page.status_code == 200
            assert ">sam</a>" in page.content.decode()
            assert redis_client.exists(redis_key)
        finally:
            redis_client.delete(redis_key)
