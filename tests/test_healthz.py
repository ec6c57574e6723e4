"""/healthz tells a load balancer whether this server can take traffic."""

import pytest
from django.db import OperationalError

from config import health

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _forget_earlier_probes(monkeypatch) -> None:
    # The view remembers, per process, that migrations were applied; start each test afresh.
    monkeypatch.setattr(health, "_migrations_seen_applied", False)


def test_it_answers_ok_when_the_database_answers_and_is_migrated(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "migrations": "applied"}
    assert "no-store" in response["Cache-Control"]


def test_it_needs_no_login_and_sets_no_cookie(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert not response.cookies


def test_it_answers_503_naming_the_migrations_not_yet_applied(client, monkeypatch):
    monkeypatch.setattr(health, "unapplied_migrations", lambda: ["quizzes.0042_new_column"])

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "ok",
        "unapplied_migrations": ["quizzes.0042_new_column"],
    }


def test_it_finds_a_migration_missing_from_the_database(client):
    from django.db.migrations.recorder import MigrationRecorder

    MigrationRecorder.Migration.objects.filter(app="quizzes").order_by("-id").first().delete()

    response = client.get("/healthz")

    assert response.status_code == 503
    [pending] = response.json()["unapplied_migrations"]
    assert pending.startswith("quizzes.")


def test_it_answers_503_without_details_when_the_database_is_down(client, monkeypatch, caplog):
    def refuse(*args: object, **kwargs: object) -> None:
        raise OperationalError('connection to server at "db.internal" refused')

    monkeypatch.setattr(health.connection, "cursor", refuse)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}
    # The driver's message, which names hosts, is logged for the operator only.
    assert "db.internal" in caplog.text
    assert "db.internal" not in response.content.decode()


def test_it_stops_reading_migrations_once_it_has_seen_them_applied(client, monkeypatch):
    assert client.get("/healthz").status_code == 200
    monkeypatch.setattr(health, "unapplied_migrations", lambda: ["quizzes.0042_new_column"])

    assert client.get("/healthz").status_code == 200


def test_it_refuses_writes(client):
    assert client.post("/healthz").status_code == 405
