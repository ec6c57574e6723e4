"""backup_database and restore_database: a restored backup holds the data as it was, and a
file that is not an intact Lectern backup is refused without touching the database."""

import io
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from accounts.models import User
from quizzes.models import CardState, Document, Lesson, Question, ReviewLog
from tests.quizzes.api_clients import concurrent_db
from tests.quizzes.course import build_course, give_history

# Restoring replaces every table, so these tests commit for real and are flushed after.
pytestmark = [
    concurrent_db,
    pytest.mark.skipif(
        connection.vendor == "postgresql" and not shutil.which("pg_dump"),
        reason="the PostgreSQL client tools (pg_dump, pg_restore) are not installed",
    ),
]

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="checks SQLite's own backup file"
)


def run(command: str, *args: str, answer: str | None = None) -> str:
    out = io.StringIO()
    stdin = sys.stdin
    if answer is not None:
        sys.stdin = io.StringIO(answer)
    try:
        call_command(command, *args, stdout=out, stderr=io.StringIO())
    finally:
        sys.stdin = stdin
    return out.getvalue()


def snapshot() -> dict[str, object]:
    """What a restore must bring back: counts, and the fields a student would notice."""
    return {
        "users": sorted(User.objects.values_list("username", flat=True)),
        "documents": list(Document.objects.values_list("title", "owner__username")),
        "lessons": list(Lesson.objects.order_by("pk").values_list("heading", "body")),
        "questions": list(Question.objects.order_by("pk").values_list("prompt", "status")),
        "reviews": sorted(ReviewLog.objects.values_list("id", "rating", "reviewed_at")),
        "cards": sorted(CardState.objects.values_list("question_id", "reps", "due")),
    }


@pytest.fixture
def course():
    author = User.objects.create_user(username="ada", password="x", is_staff=True)
    student = User.objects.create_user(username="sam", password="x")
    built = build_course(author, lessons=3)
    give_history(student, built.published(), reviews=40, start=datetime(2026, 1, 5, 9, tzinfo=UTC))
    return built


def test_a_restored_backup_holds_the_data_as_it_was(course, tmp_path):
    before = snapshot()
    backup = tmp_path / "lectern.backup"

    out = run("backup_database", "-o", str(backup))

    assert backup.stat().st_size > 0
    assert f"to {backup}" in out
    assert not [p for p in tmp_path.iterdir() if p != backup]  # no temporary file left

    Document.objects.filter(pk=course.document.pk).update(title="Renamed")
    ReviewLog.objects.filter(rating=3)[:1].get().delete()
    User.objects.filter(username="sam").delete()
    User.objects.create_user(username="newcomer", password="x")
    assert snapshot() != before

    out = run("restore_database", str(backup), "--yes")

    assert snapshot() == before
    assert ReviewLog.objects.count() == 40
    assert Document.objects.get().title == "Rivers of the North"
    assert "run `manage.py migrate`" in out


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics")
def test_a_postgresql_restore_gathers_the_planners_statistics(course, tmp_path):
    """pg_restore brings back the rows but not the column statistics (``pg_stats``) the
    planner estimates a filter's rows from: without an ANALYZE they stay empty until
    autovacuum runs."""
    backup = tmp_path / "lectern.backup"
    run("backup_database", "-o", str(backup))
    tables = ["quizzes_question", "quizzes_reviewlog", "quizzes_cardstate"]

    run("restore_database", str(backup), "--yes")

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT tablename FROM pg_stats WHERE tablename = ANY(%s)", [tables]
        )
        analysed = sorted(row[0] for row in cursor.fetchall())
    assert analysed == sorted(tables)


def test_it_refuses_a_file_that_is_not_a_database_and_changes_nothing(course, tmp_path):
    before = snapshot()
    junk = tmp_path / "notes.backup"
    junk.write_bytes(b"Shopping list: eggs, flour, 42 pencils\n" * 100)

    with pytest.raises(CommandError, match="Nothing was changed"):
        run("restore_database", str(junk), "--yes")

    assert snapshot() == before
    assert junk.read_bytes().startswith(b"Shopping list")


def test_it_refuses_a_missing_file(course, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run("restore_database", str(tmp_path / "absent.backup"), "--yes")


def test_it_restores_only_after_the_operator_says_yes(course, tmp_path):
    backup = tmp_path / "lectern.backup"
    run("backup_database", "-o", str(backup))
    Document.objects.update(title="Renamed")

    with pytest.raises(CommandError, match="cancelled"):
        run("restore_database", str(backup), answer="no\n")
    assert Document.objects.get().title == "Renamed"

    run("restore_database", str(backup), answer="yes\n")
    assert Document.objects.get().title == "Rivers of the North"


def test_a_backup_to_a_missing_folder_is_refused(course, tmp_path):
    with pytest.raises(CommandError, match="no such directory"):
        run("backup_database", "-o", str(tmp_path / "absent" / "lectern.backup"))


@sqlite_only
def test_it_refuses_a_sqlite_database_that_is_not_lecterns(course, tmp_path):
    before = snapshot()
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE recipes (name TEXT)")
    db.close()

    with pytest.raises(CommandError, match="no django_migrations table"):
        run("restore_database", str(other), "--yes")
    assert snapshot() == before


@sqlite_only
def test_it_refuses_a_damaged_backup(course, tmp_path):
    before = snapshot()
    backup = tmp_path / "lectern.backup"
    run("backup_database", "-o", str(backup))
    data = bytearray(backup.read_bytes())
    page = 4096
    data[page * 3 : page * 40] = b"\xff" * (page * 37)  # scribble over tables' pages
    backup.write_bytes(bytes(data))

    with pytest.raises(CommandError, match=r"damaged|cannot be read"):
        run("restore_database", str(backup), "--yes")
    assert snapshot() == before


@sqlite_only
@pytest.mark.slow
def test_the_command_line_backs_up_a_live_wal_database_that_a_file_copy_would_miss(tmp_path):
    """Through manage.py on a real file database in WAL mode, as in production: a row still
    in the -wal file is in the backup, though not in a copy of the database file."""
    database = tmp_path / "lectern.sqlite3"
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}

    def manage(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )

    run("backup_database", "-o", str(database))  # a migrated database, quicker than migrate
    live = sqlite3.connect(database, isolation_level=None)
    live.execute("PRAGMA journal_mode=WAL")
    live.execute("PRAGMA wal_autocheckpoint=0")  # keep the write in the -wal file
    live.execute(
        "INSERT INTO django_migrations (app, name, applied) VALUES ('x', 'marker', '2026-01-01')"
    )
    marker = "SELECT count(*) FROM django_migrations WHERE name = 'marker'"
    try:
        copy = tmp_path / "copy.sqlite3"
        # In another process, as `cp` would be: closing a file this process has open
        # would drop the live connection's locks (POSIX), a different hazard.
        copy_file = "import shutil, sys; shutil.copyfile(sys.argv[1], sys.argv[2])"
        subprocess.run([sys.executable, "-c", copy_file, database, copy], check=True)
        backup = tmp_path / "lectern.backup"

        backed_up = manage("backup_database", "-o", str(backup))

        assert backed_up.returncode == 0, backed_up.stderr
        assert "Backed up SQLite database" in backed_up.stdout
        with sqlite3.connect(copy) as copied:
            assert copied.execute(marker).fetchone() == (0,)
        copied.close()
        with sqlite3.connect(backup) as restored_from:
            assert restored_from.execute(marker).fetchone() == (1,)
            assert restored_from.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        restored_from.close()

        live.execute("DELETE FROM django_migrations WHERE name = 'marker'")
        restored = manage("restore_database", str(backup), "--yes")

        assert restored.returncode == 0, restored.stderr
        assert live.execute(marker).fetchone() == (1,)
    finally:
        live.close()


@sqlite_only
@pytest.mark.slow
def test_a_backup_made_while_students_write_is_consistent(tmp_path):
    """A writer commits as fast as it can while manage.py backs up: the backup finishes,
    passes SQLite's integrity check and holds a prefix of the writes, none half-made."""
    database = tmp_path / "lectern.sqlite3"
    run("backup_database", "-o", str(database))
    writer = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    writer.execute("PRAGMA journal_mode=WAL")
    stop = threading.Event()
    written = []

    def write() -> None:
        while not stop.is_set():
            n = len(written)
            writer.execute("BEGIN IMMEDIATE")
            for part in ("a", "b"):  # two rows per transaction: a torn copy would split them
                writer.execute(
                    "INSERT INTO django_migrations (app, name, applied) VALUES (?, ?, ?)",
                    (f"load-{part}", str(n), "2026-01-01"),
                )
            writer.execute("COMMIT")
            written.append(n)
            time.sleep(0.001)  # a busy site, not a benchmark

    thread = threading.Thread(target=write)
    thread.start()
    try:
        backup = tmp_path / "lectern.backup"
        completed = subprocess.run(
            [sys.executable, "manage.py", "backup_database", "-o", str(backup)],
            cwd=settings.BASE_DIR,
            env={**os.environ, "DATABASE_URL": f"sqlite:///{database}"},
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    finally:
        stop.set()
        thread.join()
        writer.close()

    assert completed.returncode == 0, completed.stderr
    assert len(written) > 10
    with sqlite3.connect(backup) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        a, b = (
            copy.execute(
                "SELECT count(*) FROM django_migrations WHERE app = ?", (f"load-{part}",)
            ).fetchone()[0]
            for part in "ab"
        )
    copy.close()
    assert a == b
    assert 0 < a <= len(written)
