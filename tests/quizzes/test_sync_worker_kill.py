"""Fault: a gunicorn worker killed in the middle of a push, then the device retries.

gunicorn (two sync workers) serves tests/quizzes/fault_app.py on a real database that
this test reads too: a temporary SQLite file, or, in the PostgreSQL pass, a temporary
database on the same server. A flag file marks one batch, and the worker that reaches
the marked fault point (``quizzes.faults``) kills itself with SIGKILL. Killed before
the commit, the batch leaves nothing and the retry stores it; killed after the commit,
the batch is stored and the retry answers every review as a duplicate. Either way the
database ends up holding exactly the batch's reviews, applied once.
"""

from __future__ import annotations

import http.client
import importlib.util
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import environ
import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.db.utils import ConnectionHandler
from django.utils import timezone
from psycopg import sql

from quizzes import faults
from quizzes.models import CardState, ReviewLog, SyncCounter
from quizzes.services import ReviewInput, record_reviews
from tests.quizzes.course import build_course
from tests.quizzes.fault_app import FLAG_VARIABLE, kill_at_marked_point

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
WORKERS = 2
STARTUP_SECONDS = 60
PUSH_PATH = "/api/v1/sync/reviews/"
PULL_PATH = "/api/v1/sync/changes/"
RATINGS = (3, 1, 4, 3, 2)


# --------------------------------------------------------------------------------------
# The fault points, in process
# --------------------------------------------------------------------------------------


def reviews_of(questions, *, each: int = 1) -> list[ReviewInput]:
    start = timezone.now() - timedelta(days=2)
    return [
        ReviewInput(
            id=uuid.uuid4(),
            question_id=question.pk,
            rating=RATINGS[n % len(RATINGS)],
            reviewed_at=start + timedelta(minutes=n),
        )
        for n, question in enumerate(list(questions) * each)
    ]


@pytest.mark.django_db
def test_without_a_hook_a_push_registers_nothing_to_run_on_commit(
    teacher, student, django_capture_on_commit_callbacks
):
    assert faults.hook is None
    questions = build_course(teacher).published()

    with django_capture_on_commit_callbacks() as callbacks:
        result = record_reviews(user=student, reviews=reviews_of(questions))

    assert callbacks == []
    assert len(result.accepted) == ReviewLog.objects.filter(user=student).count() == 10


@pytest.mark.django_db
def test_the_push_points_come_after_the_rows_are_written_and_after_the_commit(
    teacher, student, monkeypatch, django_capture_on_commit_callbacks
):
    questions = build_course(teacher).published()
    batch = reviews_of(questions, each=2)
    reached = []

    def hook(point, *, user_id, review_ids):
        reached.append(
            (
                point,
                user_id,
                sorted(review_ids) == sorted(r.id for r in batch),
                ReviewLog.objects.filter(pk__in=review_ids).count(),
                sum(CardState.objects.filter(user_id=user_id).values_list("reps", flat=True)),
            )
        )

    monkeypatch.setattr(faults, "hook", hook)
    with django_capture_on_commit_callbacks(execute=True):
        record_reviews(user=student, reviews=batch)
        assert reached == [(faults.PUSH_WRITTEN, student.pk, True, 20, 20)]

    assert reached[1:] == [(faults.PUSH_COMMITTED, student.pk, True, 20, 20)]


@pytest.mark.django_db
def test_a_retry_made_only_of_duplicates_reaches_no_fault_point(
    teacher, student, monkeypatch, django_capture_on_commit_callbacks
):
    batch = reviews_of(build_course(teacher).published())
    record_reviews(user=student, reviews=batch)
    reached = []
    monkeypatch.setattr(faults, "hook", lambda point, **context: reached.append(point))

    with django_capture_on_commit_callbacks(execute=True):
        result = record_reviews(user=student, reviews=batch)

    assert result.accepted == [] and len(result.duplicates) == 10
    assert reached == []


def test_the_kill_hook_passes_other_points_other_batches_and_unmarked_runs(tmp_path, monkeypatch):
    flag = tmp_path / "flag"
    monkeypatch.setenv(FLAG_VARIABLE, str(flag))
    marked = uuid.uuid4()
    mark = json.dumps({"point": faults.PUSH_COMMITTED, "review": str(marked)})
    flag.write_text(mark)

    kill_at_marked_point(faults.PUSH_WRITTEN, user_id=1, review_ids=[marked])
    kill_at_marked_point(faults.PUSH_COMMITTED, user_id=1, review_ids=[uuid.uuid4()])

    assert flag.read_text() == mark  # not taken: this process goes on
    flag.unlink()
    kill_at_marked_point(faults.PUSH_COMMITTED, user_id=1, review_ids=[marked])
    assert not flag.exists()  # no mark, no kill, nothing written


# --------------------------------------------------------------------------------------
# A real database and gunicorn
# --------------------------------------------------------------------------------------


def _admin_connection() -> psycopg.Connection:
    """To the maintenance database of the PostgreSQL server the suite runs on."""
    config = settings.DATABASES["default"]
    return psycopg.connect(
        dbname="postgres",
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        autocommit=True,
        connect_timeout=10,
    )


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    """A new, empty database that this test and gunicorn both open; dropped afterwards.
    On the PostgreSQL server when the suite runs on PostgreSQL, else a SQLite file."""
    if connection.vendor == "postgresql":
        name = f"lectern_fault_{os.getpid()}_{secrets.token_hex(3)}"
        with _admin_connection() as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}").geturl()
        finally:
            with _admin_connection() as admin:
                admin.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
        return
    folder = Path(tempfile.mkdtemp(prefix="lectern-fault-"))
    try:
        yield f"sqlite:///{folder / 'db.sqlite3'}"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@dataclass(frozen=True)
class Snapshot:
    """What the database holds for one student."""

    logs: dict[str, int]
    """Review log id -> its sync version."""
    cards: dict[int, tuple[int, int]]
    """Question id -> (reps, sync version) of the student's card state."""
    counter: int | None
    """The student's sync counter (None: never bumped)."""


class Reader:
    """The server's database, read through a connection of this test's own."""

    def __init__(self, url: str, blocker) -> None:
        self.connections = ConnectionHandler({"default": environ.Env.db_url_config(url)})
        self.blocker = blocker

    def _rows(self, query: str, parameters: list) -> list[tuple]:
        with self.blocker.unblock(), self.connections["default"].cursor() as cursor:
            cursor.execute(query, parameters)
            return cursor.fetchall()

    def snapshot(self, user_id: int) -> Snapshot:
        quote = self.connections["default"].ops.quote_name
        # Only names from the models in the SQL; the values are parameters.
        logs = self._rows(
            f"SELECT id, sync_version FROM {quote(ReviewLog._meta.db_table)} "  # noqa: S608
            "WHERE user_id = %s",
            [user_id],
        )
        cards = self._rows(
            f"SELECT question_id, reps, sync_version FROM {quote(CardState._meta.db_table)} "  # noqa: S608
            "WHERE user_id = %s",
            [user_id],
        )
        counter = self._rows(
            f"SELECT value FROM {quote(SyncCounter._meta.db_table)} "  # noqa: S608
            f"WHERE {quote('key')} = %s",
            [f"user:{user_id}"],
        )
        return Snapshot(
            logs={str(uuid.UUID(str(pk))): version for pk, version in logs},
            cards={question: (reps, version) for question, reps, version in cards},
            counter=counter[0][0] if counter else None,
        )

    def close(self) -> None:
        with self.blocker.unblock():
            self.connections.close_all()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def unavailable(reason: str) -> None:
    """Skip: the server could not start here. In CI that is a failure."""
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@dataclass
class Server:
    """gunicorn on the seeded database, and what the seeding made."""

    port: int
    flag: Path
    log: Path
    reader: Reader
    questions: list[int]
    students: list[dict]

    def request(self, method: str, path: str, token: str, body: object = None) -> tuple:
        """(status, JSON body). A dropped connection raises ConnectionError."""
        client = http.client.HTTPConnection(HOST, self.port, timeout=30)
        headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        try:
            client.request(method, path, None if body is None else json.dumps(body), headers)
            response = client.getresponse()
            return response.status, json.loads(response.read())
        finally:
            client.close()

    def push(self, token: str, reviews: list[dict]) -> tuple:
        return self.request("POST", PUSH_PATH, token, {"reviews": reviews})

    def pull(self, token: str) -> dict[str, list]:
        """Every page of changes from the beginning, each kind's items in order."""
        pulled: dict[str, list] = {"review_logs": [], "card_states": []}
        query = "?limit=1000"
        while True:
            status, page = self.request("GET", PULL_PATH + query, token)
            assert status == 200, page
            for kind, items in pulled.items():
                items.extend(page[kind])
            if not page["has_more"]:
                return pulled
            query = "?" + urlencode({"limit": 1000, "cursor": page["cursor"]})

    def mark(self, point: str, review_id: str) -> None:
        """The next batch holding ``review_id`` kills its worker at ``point``."""
        self.flag.write_text(json.dumps({"point": point, "review": review_id}))

    def kills(self) -> int:
        """How many workers gunicorn's arbiter has seen die of SIGKILL."""
        return self.log.read_text(errors="replace").count("was sent SIGKILL")

    def wait_for_kills(self, count: int) -> int:
        """``kills()`` once it reaches ``count`` (the arbiter logs a little after the
        client sees the connection drop), or after 10 s."""
        deadline = time.monotonic() + 10
        while self.kills() < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.kills()


def run_in_project(command: list[str], environment: dict[str, str]) -> str:
    """Run a command of this project's Python; its standard output."""
    done = subprocess.run(
        [sys.executable, *command],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stderr[-3000:]}"
    return done.stdout


def wait_until_ready(process: subprocess.Popen, port: int, log: Path) -> None:
    """Until gunicorn answers /healthz with 200, or a skip (a failure in CI)."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        if process.poll() is not None or time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-2000:]
            unavailable(f"gunicorn did not start:\n{tail}")
        client = http.client.HTTPConnection(HOST, port, timeout=5)
        try:
            client.request("GET", "/healthz")
            if client.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
        finally:
            client.close()


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def server(database_url, django_db_blocker) -> Iterator[Server]:
    """gunicorn, two sync workers, serving tests/quizzes/fault_app.py on a migrated and
    seeded database; stopped, and its files removed, however the tests end."""
    if importlib.util.find_spec("gunicorn") is None:
        unavailable("gunicorn is not installed in this environment")
    folder = Path(tempfile.mkdtemp(prefix="lectern-fault-server-"))
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_ENV": "development",
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": HOST,
        FLAG_VARIABLE: str(folder / "flag"),
    }
    reader = Reader(database_url, django_db_blocker)
    process = None
    try:
        run_in_project(["manage.py", "migrate", "--noinput", "-v", "0"], environment)
        seeded = json.loads(run_in_project(["-m", "tests.quizzes.fault_app"], environment))
        port, log = free_port(), folder / "gunicorn.log"
        with log.open("wb") as stderr:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "tests.quizzes.fault_app:application()",
                    "--bind",
                    f"{HOST}:{port}",
                    "--workers",
                    str(WORKERS),
                    "--worker-class",
                    "sync",
                    "--graceful-timeout",
                    "5",
                    "--no-control-socket",  # its default path is shared by every gunicorn
                ],
                cwd=ROOT,
                env=environment,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        wait_until_ready(process, port, log)
        yield Server(
            port=port,
            flag=folder / "flag",
            log=log,
            reader=reader,
            questions=seeded["questions"],
            students=seeded["students"],
        )
    finally:
        try:
            if process is not None:
                stop(process)
            reader.close()
        finally:
            shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------------------
# The kill and the retry
# --------------------------------------------------------------------------------------


def batch_for(questions: list[int]) -> list[dict]:
    """Twenty new reviews: two of each of the ten questions, all in the past."""
    start = timezone.now() - timedelta(days=2)
    return [
        {
            "id": str(uuid.uuid4()),
            "question": question,
            "rating": RATINGS[n % len(RATINGS)],
            "reviewed_at": (start + timedelta(minutes=n)).isoformat(),
            "duration_ms": 4000 + n,
            "device": "phone",
        }
        for n, question in enumerate(questions * 2)
    ]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("point", "killed_after_commit"),
    [(faults.PUSH_WRITTEN, False), (faults.PUSH_COMMITTED, True)],
    ids=["mid-push", "after-commit"],
)
def test_a_push_whose_worker_is_killed_is_stored_exactly_once_after_a_retry(
    server, point, killed_after_commit
):
    student = server.students.pop()
    batch = batch_for(server.questions)
    ids = [review["id"] for review in batch]
    assert len(ids) == 20
    empty = Snapshot(logs={}, cards={}, counter=None)
    whole = Snapshot(
        logs=dict.fromkeys(ids, 1),
        cards=dict.fromkeys(server.questions, (2, 1)),
        counter=1,
    )
    assert server.reader.snapshot(student["id"]) == empty
    kills = server.kills()
    server.mark(point, ids[-1])

    with pytest.raises(ConnectionError):  # the worker died: no answer at all, not a 5xx
        server.push(student["token"], batch)

    assert not server.flag.exists()  # the mark was taken by the worker that died
    assert server.wait_for_kills(kills + 1) == kills + 1
    assert server.reader.snapshot(student["id"]) == (whole if killed_after_commit else empty)

    status, body = server.push(student["token"], batch)

    assert status == 200, body
    if killed_after_commit:
        assert body["accepted"] == [] and body["duplicates"] == ids
    else:
        assert body["accepted"] == ids and body["duplicates"] == []
    assert {state["question"]: state["reps"] for state in body["card_states"]} == dict.fromkeys(
        server.questions, 2
    )
    assert server.reader.snapshot(student["id"]) == whole
    pulled = server.pull(student["token"])
    assert Counter(log["id"] for log in pulled["review_logs"]) == Counter(ids)
    assert Counter(state["question"] for state in pulled["card_states"]) == Counter(
        server.questions
    )
