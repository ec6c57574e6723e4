"""Offline sync under load: 16 devices syncing through gunicorn, and the SQLite control.

Seeds the course of bench/sync_api.py and 16 students with a device token each, starts
gunicorn on 127.0.0.1 (4 sync workers, 1 thread each) on the seeded database, then runs
16 client threads (http.client), each as its own student: first a trivial view for a few
seconds, then for 30 s the app's two sync writes: pushes of 20 new reviews (POST
/api/v1/sync/reviews/) and, every fourth request, a lesson quiz taken offline (POST
/api/v1/attempts/). Prints requests, errors (anything but 200, or 201 for an attempt),
p50 and p99 latency of each, checks that every accepted review and attempt was stored,
and counts "database is locked" in gunicorn's log. Runs on SQLite (a temporary file),
then on PostgreSQL (as bench/sync_api.py: a temporary database, or --postgres URL;
skipped with a note when not reachable).
Target: no errors and no "database is locked".

The control (SQLite only): the same sync load again, for --control-seconds, with the
server's SQLite connections in DEFERRED transaction mode instead of the settings'
IMMEDIATE (``TRANSACTION_MODE_ENV``, read by ``wsgi()``). It must show requests failing
on "database is locked" where IMMEDIATE shows none, or the benchmark could not tell the
two apart. A push alone does not: ``record_reviews`` opens its transaction with a write
(the upsert locking the student's sync counter), and SQLite waits out a busy lock when a
transaction's first statement is a write. An offline attempt (``submit_attempt``) reads
first (is the id stored? the lesson, its questions, attempts used) and then inserts: in
a DEFERRED transaction that upgrade from reading to writing fails at once, without
waiting, when another connection holds the write lock or has committed since the read.

    .venv/bin/python bench/sync_load.py [--seconds 30] [--control-seconds 10]
        [--postgres URL | --no-postgres]

gunicorn serves ``config.wsgi``'s application with this benchmark's URL conf (the
product's URLs plus the trivial view): ``wsgi()`` below. bench/load.py reuses it and
``Gunicorn``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from common import ROOT
from sync_api import (
    PUSH_PATH,
    TRIVIAL_PATH,
    add_database_arguments,
    bench_urlconf,
    database_label,
    for_each_database,
    gather_statistics,
    push_body,
    seed_course,
    setup_database,
    students_with_tokens,
)

CLIENTS = 16
WORKERS = 4
BATCH = 20
HOST = "127.0.0.1"
LOCKED = "database is locked"
STARTUP_SECONDS = 60
ATTEMPT_EVERY = 4
ATTEMPTS_PATH = "/api/v1/attempts/"
OFFLINE_ANSWERS = {"cloze": "autumn", "true_false": "true", "short_answer": "Alder"}
ACCESS_LOG_FORMAT = "%(m)s %(U)s %(q)s %(s)s %(D)s"
"""Method, path, query string, status, and microseconds from reading the request to
sending the answer."""
TRANSACTION_MODE_ENV = "LECTERN_BENCH_TRANSACTION_MODE"
"""Read by ``wsgi()``: the SQLite transaction mode to run with instead of the settings'."""


def wsgi() -> Any:
    """The WSGI application gunicorn runs: the project's, with the bench URL conf.

    Before the first connection, two settings are changed for the benchmarks only: the
    static files are named without collectstatic's manifest (pages render without
    running it), and on SQLite the transaction mode is the one ``TRANSACTION_MODE_ENV``
    names, if set (the control run with DEFERRED)."""
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise, no collectstatic
    from django.conf import settings

    mode = os.environ.get(TRANSACTION_MODE_ENV)
    if mode:
        database = settings.DATABASES["default"]
        if database["ENGINE"] != "django.db.backends.sqlite3":
            raise SystemExit(f"{TRANSACTION_MODE_ENV} is for SQLite only")
        database["OPTIONS"] = {**database.get("OPTIONS", {}), "transaction_mode": mode}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from config.wsgi import application

    settings.ROOT_URLCONF = bench_urlconf()
    return application


# --------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


class Gunicorn:
    """gunicorn on a free port of 127.0.0.1 (sync workers, one thread each), its stderr
    kept in a file; ``access_log``: a file of one line per request, its method, path,
    status and the time gunicorn took to answer it (see ``ACCESS_LOG_FORMAT``)."""

    def __init__(
        self,
        database_url: str,
        log: Path,
        *,
        workers: int = WORKERS,
        environment: dict[str, str] | None = None,
        access_log: Path | None = None,
    ) -> None:
        self.port = free_port()
        self.log = log
        self.workers = workers
        environment = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_ALLOWED_HOSTS": HOST,
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_DEBUG": "false",
            **(environment or {}),
        }
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "sync_load:wsgi()",
            "--chdir",
            str(ROOT),
            "--pythonpath",
            str(Path(__file__).resolve().parent),
            "--bind",
            f"{HOST}:{self.port}",
            "-w",
            str(workers),
            "--threads",
            "1",
            # gunicorn's control socket is one path per user: a second gunicorn (a test,
            # another bench) would fight over it.
            "--no-control-socket",
        ]
        if access_log is not None:
            command += [
                "--access-logfile",
                str(access_log),
                "--access-logformat",
                ACCESS_LOG_FORMAT,
            ]
        with log.open("wb") as stderr:
            self.process = subprocess.Popen(  # noqa: S603  # our own server, fixed arguments
                command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=stderr
            )

    def wait_until_ready(self) -> None:
        """Until every worker answers (a worker still booting would skew the start)."""
        deadline = time.monotonic() + STARTUP_SECONDS
        answered = 0
        while answered < self.workers * 4:
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                tail = self.log.read_text(errors="replace")[-2000:]
                raise SystemExit(f"gunicorn did not start:\n{tail}")
            connection = http.client.HTTPConnection(HOST, self.port, timeout=5)
            try:
                connection.request("GET", TRIVIAL_PATH)
                answered += connection.getresponse().status == 200
            except OSError:
                time.sleep(0.2)
            finally:
                connection.close()

    def stop(self) -> str:
        """Stop gracefully (SIGTERM; killed after 30 s); its stderr."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.log.read_text(errors="replace")


# --------------------------------------------------------------------------------------
# The clients
# --------------------------------------------------------------------------------------

Lesson = tuple[int, list[tuple[int, str]]]
"""A lesson's id and its questions' (id, kind)."""


@dataclass
class Phase:
    """What the clients measured in one phase, by kind of request."""

    name: str
    seconds: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    accepted: int = 0
    attempts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, latency: float, error: str | None, payload: bytes) -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(latency)
            if error is not None:
                label = f"{kind}: {error}"
                self.errors[label] = self.errors.get(label, 0) + 1
            elif kind == "push":
                self.accepted += len(json.loads(payload)["accepted"])
            elif kind == "attempt":
                self.attempts += 1

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def kind_errors(self, kind: str) -> int:
        return sum(n for label, n in self.errors.items() if label.startswith(f"{kind}:"))

    @property
    def requests(self) -> int:
        return sum(map(len, self.latencies.values()))

    def percentile(self, kind: str, share: float) -> float:
        """Nearest rank, in seconds."""
        ordered = sorted(self.latencies.get(kind) or [0.0])
        return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


class Client(threading.Thread):
    """One device: its own student's token, one connection (kept alive when the server
    allows it; gunicorn's sync workers close it after each answer). In the sync phase
    it pushes 20-review batches, and every ``ATTEMPT_EVERY``-th request sends a lesson
    quiz taken offline instead."""

    def __init__(
        self,
        number: int,
        port: int,
        token: str,
        course: tuple[list[int], list[Lesson]],
        phase: Phase,
        start: threading.Event,
        deadline: list[float],
    ) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        self.question_ids, self.lessons = course
        self.phase = phase
        self.start_event = start
        self.deadline = deadline
        self.rng = random.Random(number)
        self.sent = 0
        self.next_review = datetime.now().astimezone() - timedelta(days=30)

    def request(self) -> tuple[str, str, str, str | None]:
        """The kind, method, path and body of the next request."""
        self.sent += 1
        if self.phase.name == "trivial":
            return "trivial", "GET", TRIVIAL_PATH, None
        if self.sent % ATTEMPT_EVERY == 0:
            lesson = self.rng.choice(self.lessons)
            return "attempt", "POST", ATTEMPTS_PATH, offline_attempt_body(lesson, self.rng)
        ids = self.rng.sample(self.question_ids, BATCH)
        body = push_body(ids, self.next_review, self.rng)
        self.next_review += timedelta(seconds=BATCH)
        return "push", "POST", PUSH_PATH, body

    def run(self) -> None:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
        self.start_event.wait()
        while time.perf_counter() < self.deadline[0]:
            kind, method, path, body = self.request()
            started = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=self.headers)
                response = connection.getresponse()
                payload = response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                self.phase.record(kind, time.perf_counter() - started, type(error).__name__, b"")
                continue
            latency = time.perf_counter() - started
            expected = 201 if kind == "attempt" else 200
            error = None if status == expected else f"HTTP {status}"
            self.phase.record(kind, latency, error, payload)
        connection.close()


def offline_attempt_body(lesson: Lesson, rng: random.Random) -> str:
    """A lesson quiz taken offline (POST /api/v1/attempts/): the typed and true/false
    questions answered, the multiple-choice ones left unanswered, finished a minute ago."""
    lesson_id, questions = lesson
    submitted = datetime.now().astimezone() - timedelta(minutes=1)
    return json.dumps(
        {
            "id": str(uuid.uuid4()),
            "lesson": lesson_id,
            "started_at": (submitted - timedelta(minutes=3)).isoformat(),
            "submitted_at": submitted.isoformat(),
            "answers": [
                {"question": question_id, "response": OFFLINE_ANSWERS[kind]}
                for question_id, kind in questions
                if kind in OFFLINE_ANSWERS
            ],
        }
    )


def load(
    phase: Phase, port: int, tokens: list[str], course: tuple[list[int], list[Lesson]]
) -> Phase:
    start, deadline = threading.Event(), [0.0]
    clients = [
        Client(number, port, token, course, phase, start, deadline)
        for number, token in enumerate(tokens)
    ]
    for client in clients:
        client.start()
    began = time.perf_counter()
    deadline[0] = began + phase.seconds
    start.set()
    for client in clients:
        client.join()
    phase.seconds = time.perf_counter() - began
    return phase


# --------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------


def lessons_of(question_ids: list[int]) -> list[Lesson]:
    """The lessons of these questions, each with its questions' ids and kinds."""
    from quizzes.models import Question

    lessons: dict[int, list[tuple[int, str]]] = {}
    for lesson_id, question_id, kind in Question.objects.filter(pk__in=question_ids).values_list(
        "lesson_id", "pk", "kind"
    ):
        lessons.setdefault(lesson_id, []).append((question_id, kind))
    return sorted(lessons.items())


def locked_requests(log: str) -> int:
    """Requests that failed on SQLite's lock: Django's error for each, in the log."""
    return log.count(f"django.db.utils.OperationalError: {LOCKED}")


@dataclass
class Control:
    """The sync phase again, the server's SQLite connections in DEFERRED mode."""

    phase: Phase
    locked: int


def run_control(
    url: str, tokens: list[str], course: tuple[list[int], list[Lesson]], seconds: float, log: Path
) -> Control:
    server = Gunicorn(url, log, environment={TRANSACTION_MODE_ENV: "DEFERRED"})
    try:
        server.wait_until_ready()
        phase = load(Phase("sync", seconds), server.port, tokens, course)
    finally:
        text = server.stop()
    return Control(phase, locked_requests(text))


def run(database: str, seconds: float, trivial_seconds: float, control_seconds: float) -> int:
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise, no collectstatic
    workdir = setup_database(database)
    from django.conf import settings
    from django.db import connections

    from quizzes.models import QuizAttempt, ReviewLog

    settings.DEBUG = False
    logdir = Path(tempfile.mkdtemp(prefix="lectern-bench-gunicorn-"))
    control = None
    try:
        started = time.perf_counter()
        question_ids = seed_course()
        tokens = students_with_tokens(CLIENTS, "bench-load")
        gather_statistics()
        course = (question_ids, lessons_of(question_ids))
        label = database_label()
        print(
            f"seeded the course ({len(question_ids):,} questions) and {CLIENTS} students "
            f"with a token in {time.perf_counter() - started:.1f} s"
        )
        url = os.environ["DATABASE_URL"]
        connections.close_all()
        server = Gunicorn(url, logdir / "gunicorn.log")
        try:
            server.wait_until_ready()
            trivial = load(Phase("trivial", trivial_seconds), server.port, tokens, course)
            sync = load(Phase("sync", seconds), server.port, tokens, course)
        finally:
            log = server.stop()
        mine = {"user__username__startswith": "bench-load-"}
        # Only the pushed reviews: a finished offline attempt logs its answers as reviews.
        stored = ReviewLog.objects.filter(**mine, device="bench").count()
        attempts = QuizAttempt.objects.filter(**mine).count()
        if label == "SQLite" and control_seconds > 0:
            connections.close_all()
            control = run_control(url, tokens, course, control_seconds, logdir / "deferred.log")
    finally:
        connections.close_all()
        shutil.rmtree(logdir, ignore_errors=True)
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)
    passed = report(label, trivial, sync, (stored, attempts), log)
    if control is not None:
        passed = report_control(sync, locked_requests(log), control) and passed
    return 0 if passed else 1


def report(label: str, trivial: Phase, sync: Phase, stored: tuple[int, int], log: str) -> bool:
    base = trivial.percentile("trivial", 0.5)
    print(
        f"\n{CLIENTS} clients, gunicorn {WORKERS} workers x 1 thread, {label}\n"
        f"{'requests to':<24}{'seconds':>8}{'requests':>10}{'per s':>8}{'errors':>8}"
        f"{'p50 ms':>9}{'p99 ms':>9}{'p50 x trivial':>15}"
    )
    rows = (
        ("trivial view", trivial, "trivial"),
        (f"push {BATCH} reviews", sync, "push"),
        ("offline attempt", sync, "attempt"),
    )
    for name, phase, kind in rows:
        count = len(phase.latencies.get(kind, []))
        print(
            f"{name:<24}{phase.seconds:>8.1f}{count:>10,}{count / phase.seconds:>8.0f}"
            f"{phase.kind_errors(kind):>8}{phase.percentile(kind, 0.5) * 1000:>9.1f}"
            f"{phase.percentile(kind, 0.99) * 1000:>9.1f}"
            f"{phase.percentile(kind, 0.5) / base:>15.1f}"
        )
    for phase in (trivial, sync):
        if phase.errors:
            print(f"errors ({phase.name}): {phase.errors}")
    reviews, attempts = stored
    locked = log.count(LOCKED)
    print(
        f"reviews: {sync.accepted:,} accepted ({sync.accepted / sync.seconds:,.0f}/s), "
        f"{reviews:,} stored; offline attempts: {sync.attempts:,} answered 201, "
        f"{attempts:,} stored\n"
        f"gunicorn's log: {locked} '{LOCKED}', {log.count('Traceback')} tracebacks"
    )
    passed = (
        trivial.error_count == 0
        and sync.error_count == 0
        and locked == 0
        and reviews == sync.accepted
        and attempts == sync.attempts
    )
    verdict = "PASS" if passed else "FAIL"
    print(f"\ntarget: 0 errors, 0 '{LOCKED}', every accepted write stored -> {verdict}")
    return passed


def report_control(sync: Phase, locked: int, control: Control) -> bool:
    """The same sync load with the server's transactions IMMEDIATE (the settings) and
    DEFERRED: the benchmark has teeth only if DEFERRED fails where IMMEDIATE does not."""
    print("\ncontrol: the same sync load, SQLite transaction_mode IMMEDIATE vs DEFERRED")
    print(
        f"{'mode':<28}{'seconds':>8}{'requests':>10}{'errors':>8}{'push':>6}{'attempt':>9}"
        f"{'locked':>8}"
    )
    for name, phase, count in (
        ("IMMEDIATE (the settings)", sync, locked),
        ("DEFERRED", control.phase, control.locked),
    ):
        print(
            f"{name:<28}{phase.seconds:>8.1f}{phase.requests:>10,}{phase.error_count:>8}"
            f"{phase.kind_errors('push'):>6}{phase.kind_errors('attempt'):>9}{count:>8}"
        )
    print("(locked: requests that failed with 'database is locked', from gunicorn's log)")
    if control.phase.errors:
        print(f"errors (DEFERRED): {control.phase.errors}")
    teeth = control.locked > 0 and locked == 0
    verdict = "PASS" if teeth else "FAIL"
    print(
        f"control: DEFERRED shows '{LOCKED}', IMMEDIATE none -> {verdict}"
        + ("" if teeth else " (the benchmark would not catch the wrong transaction mode)")
    )
    return teeth


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30, help="of syncing (default 30)")
    parser.add_argument(
        "--trivial-seconds", type=float, default=5, help="of the trivial view (default 5)"
    )
    parser.add_argument(
        "--control-seconds",
        type=float,
        default=10,
        help="of the DEFERRED control on SQLite (default 10; 0 skips it)",
    )
    add_database_arguments(parser)
    args = parser.parse_args()
    if args.database:
        return run(args.database, args.seconds, args.trivial_seconds, args.control_seconds)
    forwarded = [
        "--seconds",
        str(args.seconds),
        "--trivial-seconds",
        str(args.trivial_seconds),
        "--control-seconds",
        str(args.control_seconds),
    ]
    return for_each_database(__file__, args, forwarded)


if __name__ == "__main__":
    sys.exit(main())
