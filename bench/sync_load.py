"""Offline sync under load: 16 devices pushing review batches through gunicorn.

Seeds the course of bench/sync_api.py and 16 students with a device token each, starts
gunicorn on 127.0.0.1 (4 sync workers, 1 thread each) on the seeded database, then runs
16 client threads (http.client), each as its own student: first a trivial view for a few
seconds, then pushes of 20 new reviews (POST /api/v1/sync/reviews/) for 30 s. Prints
requests, errors (anything but 200), p50 and p99 latency of each, checks that every
accepted review was stored, and counts "database is locked" in gunicorn's log. Runs on
SQLite (a temporary file), then on PostgreSQL (as bench/sync_api.py: a temporary
database, or --postgres URL; skipped with a note when not reachable).
Target: no errors and no "database is locked".

    .venv/bin/python bench/sync_load.py [--seconds 30] [--postgres URL | --no-postgres]

gunicorn serves ``config.wsgi``'s application with this benchmark's URL conf (the
product's URLs plus the trivial view): ``wsgi()`` below.
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


def wsgi() -> Any:
    """The WSGI application gunicorn runs: the project's, with the bench URL conf."""
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise, no collectstatic
    from django.conf import settings

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
    """gunicorn on a free port of 127.0.0.1, its stderr kept in a file."""

    def __init__(self, database_url: str, log: Path) -> None:
        self.port = free_port()
        self.log = log
        environment = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_ALLOWED_HOSTS": HOST,
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_DEBUG": "false",
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
            str(WORKERS),
            "--threads",
            "1",
        ]
        with log.open("wb") as stderr:
            self.process = subprocess.Popen(  # noqa: S603  # our own server, fixed arguments
                command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=stderr
            )

    def wait_until_ready(self) -> None:
        """Until every worker answers (a worker still booting would skew the start)."""
        deadline = time.monotonic() + STARTUP_SECONDS
        answered = 0
        while answered < WORKERS * 4:
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


@dataclass
class Phase:
    name: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    accepted: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, latency: float, error: str | None, accepted: int) -> None:
        with self.lock:
            self.latencies.append(latency)
            self.accepted += accepted
            if error is not None:
                self.errors[error] = self.errors.get(error, 0) + 1

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def percentile(self, share: float) -> float:
        """Nearest rank, in seconds."""
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


class Client(threading.Thread):
    """One device: its own student's token, one connection (kept alive when the server
    allows it; gunicorn's sync workers close it after each answer)."""

    def __init__(
        self,
        number: int,
        port: int,
        token: str,
        question_ids: list[int],
        phase: Phase,
        start: threading.Event,
        deadline: list[float],
    ) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        self.question_ids = question_ids
        self.phase = phase
        self.start_event = start
        self.deadline = deadline
        self.rng = random.Random(number)
        self.next_review = datetime.now().astimezone() - timedelta(days=30)

    def request(self) -> tuple[str, str, str | None]:
        if self.phase.name == "trivial":
            return "GET", TRIVIAL_PATH, None
        ids = self.rng.sample(self.question_ids, BATCH)
        body = push_body(ids, self.next_review, self.rng)
        self.next_review += timedelta(seconds=BATCH)
        return "POST", PUSH_PATH, body

    def run(self) -> None:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
        self.start_event.wait()
        while time.perf_counter() < self.deadline[0]:
            method, path, body = self.request()
            started = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=self.headers)
                response = connection.getresponse()
                payload = response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                self.phase.record(time.perf_counter() - started, type(error).__name__, 0)
                continue
            latency = time.perf_counter() - started
            if status != 200:
                self.phase.record(latency, f"HTTP {status}", 0)
            elif body is None:
                self.phase.record(latency, None, 0)
            else:
                self.phase.record(latency, None, len(json.loads(payload)["accepted"]))
        connection.close()


def load(phase: Phase, port: int, tokens: list[str], question_ids: list[int]) -> Phase:
    start, deadline = threading.Event(), [0.0]
    clients = [
        Client(number, port, token, question_ids, phase, start, deadline)
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


def run(database: str, seconds: float, trivial_seconds: float) -> int:
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise, no collectstatic
    workdir = setup_database(database)
    from django.conf import settings
    from django.db import connections

    from quizzes.models import ReviewLog

    settings.DEBUG = False
    logdir = Path(tempfile.mkdtemp(prefix="lectern-bench-gunicorn-"))
    try:
        started = time.perf_counter()
        question_ids = seed_course()
        tokens = students_with_tokens(CLIENTS, "bench-load")
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
            trivial = load(Phase("trivial", trivial_seconds), server.port, tokens, question_ids)
            push = load(Phase("push", seconds), server.port, tokens, question_ids)
        finally:
            log = server.stop()
        stored = ReviewLog.objects.filter(user__username__startswith="bench-load-").count()
    finally:
        connections.close_all()
        shutil.rmtree(logdir, ignore_errors=True)
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)
    return report(label, trivial, push, stored, log)


def report(label: str, trivial: Phase, push: Phase, stored: int, log: str) -> int:
    base = trivial.percentile(0.5)
    print(
        f"\n{CLIENTS} clients, gunicorn {WORKERS} workers x 1 thread, {label}\n"
        f"{'requests to':<22}{'seconds':>8}{'requests':>10}{'per s':>8}{'errors':>8}"
        f"{'p50 ms':>9}{'p99 ms':>9}{'p50 x trivial':>15}"
    )
    for name, phase in (("trivial view", trivial), (f"push {BATCH} reviews", push)):
        count = len(phase.latencies)
        print(
            f"{name:<22}{phase.seconds:>8.1f}{count:>10,}{count / phase.seconds:>8.0f}"
            f"{phase.error_count:>8}{phase.percentile(0.5) * 1000:>9.1f}"
            f"{phase.percentile(0.99) * 1000:>9.1f}{phase.percentile(0.5) / base:>15.1f}"
        )
    for name, phase in (("trivial view", trivial), ("push", push)):
        if phase.errors:
            print(f"errors ({name}): {phase.errors}")
    locked = log.count(LOCKED)
    tracebacks = log.count("Traceback")
    print(
        f"reviews: {push.accepted:,} accepted ({push.accepted / push.seconds:,.0f}/s), "
        f"{stored:,} stored\n"
        f"gunicorn's log: {locked} '{LOCKED}', {tracebacks} tracebacks"
    )
    passed = (
        trivial.error_count == 0
        and push.error_count == 0
        and locked == 0
        and stored == push.accepted
    )
    verdict = "PASS" if passed else "FAIL"
    print(f"\ntarget: 0 errors, 0 '{LOCKED}', every accepted review stored -> {verdict}")
    return 0 if passed else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30, help="of pushing (default 30)")
    parser.add_argument(
        "--trivial-seconds", type=float, default=5, help="of the trivial view (default 5)"
    )
    add_database_arguments(parser)
    args = parser.parse_args()
    if args.database:
        return run(args.database, args.seconds, args.trivial_seconds)
    forwarded = ["--seconds", str(args.seconds), "--trivial-seconds", str(args.trivial_seconds)]
    return for_each_database(__file__, args, forwarded)


if __name__ == "__main__":
    sys.exit(main())
