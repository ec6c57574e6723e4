"""Offline sync through the API, in-process: a push of 1,000 reviews and a full pull.

Seeds 20 documents x 10 lessons x 10 questions (published) and two students with a
device token each, then times with Django's test client (no network), round after round
and interleaved: a trivial view, a trivial token-checked API view, a push of 1,000 new
reviews (POST /api/v1/sync/reviews/, one per question, fresh ids every round) and a full
pull of the course from no cursor (GET /api/v1/sync/changes/?limit=500, following
has_more). Each figure is the median; the pull's query count is taken in one more,
untimed, pull. Runs on SQLite (a temporary file), then on PostgreSQL: a temporary
database made with createdb and dropped after (postgres@127.0.0.1:5432), or the empty
database given with --postgres; skipped with a note when the server is not reachable.
Target: a push stores at least 5,000 reviews/s on SQLite.

    .venv/bin/python bench/sync_api.py [--rounds 7] [--postgres URL | --no-postgres]

bench/sync_load.py reuses the seeding, the tokens, the URL conf and the database set-up.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import time
import types
import uuid
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from common import ROOT, setup_django
from course import published_course

DOCUMENTS = 20
LESSONS_PER_DOCUMENT = 10
QUESTIONS_PER_LESSON = 10
PUSH_SIZE = 1_000
PULL_LIMIT = 500
TRIVIAL_PER_ROUND = 20
TARGET_REVIEWS_PER_SECOND = 5_000
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/"
SQLITE = "sqlite"

PUSH_PATH = "/api/v1/sync/reviews/"
PULL_PATH = "/api/v1/sync/changes/"
TRIVIAL_PATH = "/bench/trivial/"
TRIVIAL_API_PATH = "/bench/trivial-api/"
SIGNED_IN_PATH = "/bench/signed-in/"
"""A trivial view for a signed-in user only: the session and user reads, nothing else."""
EMPTY_PAGE_PATH = "/bench/empty-page/"
"""The site's page frame (base.html), empty, for a signed-in user: what every page costs
before its own content."""

RATINGS = (1, 2, 3, 3, 3, 3, 4)


# --------------------------------------------------------------------------------------
# One database per process: the parent runs a child per database
# --------------------------------------------------------------------------------------


def add_database_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="an empty PostgreSQL database to use as is (default: a temporary one made "
        f"with createdb on {DEFAULT_POSTGRES} and dropped after)",
    )
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    # The child process's database: "sqlite" (a temporary file) or a PostgreSQL URL.
    parser.add_argument("--database", help=argparse.SUPPRESS)


def for_each_database(script: str, args: argparse.Namespace, forwarded: list[str]) -> int:
    """Run ``script`` in a child process on SQLite, then on PostgreSQL when reachable
    (Django sets up one database per process). Returns 1 if any child failed."""
    failed = False
    print("== SQLite ==", flush=True)
    failed |= _child(script, forwarded, SQLITE) != 0
    if args.no_postgres:
        print("\n== PostgreSQL: skipped (--no-postgres) ==")
        return int(failed)
    with postgres_database(args.postgres) as url:
        if url is not None:
            print("\n== PostgreSQL ==", flush=True)
            failed |= _child(script, forwarded, url) != 0
    return int(failed)


def _child(script: str, forwarded: list[str], database: str) -> int:
    command = [sys.executable, script, *forwarded, "--database", database]
    return subprocess.run(command, check=False).returncode  # noqa: S603  # our own script


@contextmanager
def postgres_database(url: str | None) -> Iterator[str | None]:
    """The PostgreSQL database to run on, or None (with a printed note) if the server
    cannot be reached. Without ``url``: a temporary database, dropped afterwards."""
    if url is not None:
        problem = _unreachable(url)
        if problem:
            print(f"\n== PostgreSQL: skipped, {url} not reachable ({problem}) ==")
            yield None
        else:
            yield url
        return
    server = urlsplit(DEFAULT_POSTGRES)
    name = f"lectern_bench_{os.getpid()}_{secrets.token_hex(3)}"
    options = ["-h", server.hostname or "", "-p", str(server.port), "-U", server.username or ""]
    environment = {**os.environ, "PGCONNECT_TIMEOUT": "5"}
    createdb, dropdb = shutil.which("createdb"), shutil.which("dropdb")
    if createdb is None or dropdb is None:
        print("\n== PostgreSQL: skipped, createdb/dropdb not installed ==")
        yield None
        return
    made = subprocess.run(  # noqa: S603  # fixed arguments
        [createdb, *options, name], capture_output=True, text=True, env=environment, check=False
    )
    if made.returncode != 0:
        reason = (made.stderr.strip().splitlines() or ["createdb failed"])[-1]
        print(f"\n== PostgreSQL: skipped, {DEFAULT_POSTGRES} not reachable ({reason}) ==")
        yield None
        return
    try:
        yield f"{DEFAULT_POSTGRES}{name}"
    finally:
        subprocess.run(  # noqa: S603  # fixed arguments
            [dropdb, *options, "--if-exists", "--force", name],
            env=environment,
            check=False,
        )


def _unreachable(url: str) -> str:
    """Why ``url`` cannot be connected to ("" if it can)."""
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5):
            return ""
    except psycopg.Error as error:
        return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def setup_database(database: str) -> Path | None:
    """Set Django up on ``database`` and migrate; the SQLite file's folder (to remove
    afterwards) or None."""
    if database == SQLITE:
        setup_django()
        from django.conf import settings

        return Path(settings.DATABASES["default"]["NAME"]).parent
    os.environ["DATABASE_URL"] = database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return None


def gather_statistics() -> None:
    """On PostgreSQL, gather the planner's statistics after the bulk seeding, as
    autovacuum does on a live server within a minute or so of a bulk load. Without them
    PostgreSQL guesses the row counts of freshly filled tables, picks plans no live
    server would (a nested loop over every question instead of over the student's
    cards), and autovacuum may gather them in the middle of the measurement. Nothing
    gathers statistics on SQLite unless asked, so SQLite is measured as it is."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def database_label() -> str:
    from django.db import connection

    return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(
        connection.vendor, connection.vendor
    )


# --------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------


def seed_course() -> list[int]:
    """20 documents x 10 lessons x 10 published questions; their question ids."""
    from accounts.services import create_teacher

    run = secrets.token_hex(4)  # a database given with --postgres may hold an earlier run
    teacher = create_teacher(username=f"bench-sync-teacher-{run}")
    _lessons, questions = published_course(
        teacher, documents=DOCUMENTS, lessons=LESSONS_PER_DOCUMENT
    )
    return [question.pk for question in questions]


def students_with_tokens(count: int, prefix: str) -> list[str]:
    """``count`` new students, each with a device token; the tokens."""
    from accounts.models import DeviceToken, User

    run = secrets.token_hex(4)
    tokens = []
    for number in range(count):
        student = User.objects.create_user(username=f"{prefix}-{run}-{number:03d}")
        _instance, token = DeviceToken.objects.create(user=student, device_name="bench")
        tokens.append(token)
    return tokens


def push_body(question_ids: Sequence[int], first: datetime, rng: random.Random) -> str:
    """A push of one new review per question id, a second apart from ``first`` on."""
    return json.dumps(
        {
            "reviews": [
                {
                    "id": str(uuid.uuid4()),
                    "question": question_id,
                    "rating": rng.choice(RATINGS),
                    "reviewed_at": (first + timedelta(seconds=offset)).isoformat(),
                    "duration_ms": rng.randint(2_000, 20_000),
                    "device": "bench",
                }
                for offset, question_id in enumerate(question_ids)
            ]
        }
    )


def bench_urlconf() -> types.ModuleType:
    """The product's URLs plus the benchmarks' reference views: a trivial view, a trivial
    token-checked API view, and the trivial view and the empty page frame for a signed-in
    user. For the benchmarks only."""
    from django.contrib.auth.decorators import login_required
    from django.http import HttpRequest, HttpResponse
    from django.shortcuts import render
    from django.urls import include, path
    from rest_framework.request import Request
    from rest_framework.response import Response
    from rest_framework.views import APIView

    def trivial(request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok")

    @login_required
    def signed_in(request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok")

    @login_required
    def empty_page(request: HttpRequest) -> HttpResponse:
        return render(request, "base.html")

    class TrivialApiView(APIView):
        """The API's default authentication and permission, and nothing else."""

        def get(self, request: Request) -> Response:
            return Response({"ok": True})

    module = types.ModuleType("bench_sync_urls")
    module.urlpatterns = [  # type: ignore[attr-defined]
        path(TRIVIAL_PATH.strip("/") + "/", trivial),
        path(TRIVIAL_API_PATH.strip("/") + "/", TrivialApiView.as_view()),
        path(SIGNED_IN_PATH.strip("/") + "/", signed_in),
        path(EMPTY_PAGE_PATH.strip("/") + "/", empty_page),
        path("", include("config.urls")),
    ]
    return module


# --------------------------------------------------------------------------------------
# The in-process benchmark
# --------------------------------------------------------------------------------------


class Sync:
    """The timed requests, each answering its status (checked) and body."""

    def __init__(self, question_ids: list[int], pusher: str, reader: str) -> None:
        from django.test import Client
        from django.utils import timezone

        self.question_ids = question_ids
        self.pusher = Client(headers={"Authorization": f"Token {pusher}"})
        self.reader = Client(headers={"Authorization": f"Token {reader}"})
        self.rng = random.Random(5)
        self.pushes = 0
        self.oldest = timezone.now() - timedelta(days=90)

    def next_push(self) -> str:
        """1,000 new reviews (untimed preparation): half the course's questions in turn,
        a day later than the previous push, all in the past."""
        offset = self.pushes * PUSH_SIZE
        ids = [self.question_ids[(offset + i) % len(self.question_ids)] for i in range(PUSH_SIZE)]
        body = push_body(ids, self.oldest + timedelta(days=self.pushes), self.rng)
        self.pushes += 1
        return body

    def push(self, body: str) -> Any:
        response = self.pusher.post(PUSH_PATH, body, content_type="application/json")
        _check(response, "POST", PUSH_PATH)
        return response

    def pull(self) -> tuple[int, dict[str, int]]:
        """The whole course from no cursor: the pages and the items of each kind."""
        kinds = ("lessons", "questions", "deleted", "card_states", "review_logs")
        items = dict.fromkeys(kinds, 0)
        pages, cursor = 0, ""
        while True:
            path = f"{PULL_PATH}?limit={PULL_LIMIT}" + (f"&cursor={cursor}" if cursor else "")
            response = self.reader.get(path)
            _check(response, "GET", PULL_PATH)
            page = json.loads(response.content)
            pages += 1
            for kind in kinds:
                items[kind] += len(page[kind])
            if not page["has_more"]:
                return pages, items
            cursor = page["cursor"]

    def trivial(self) -> None:
        _check(self.pusher.get(TRIVIAL_PATH), "GET", TRIVIAL_PATH)

    def trivial_api(self) -> None:
        _check(self.pusher.get(TRIVIAL_API_PATH), "GET", TRIVIAL_API_PATH)


def _check(response: Any, method: str, path: str) -> None:
    if response.status_code != 200:
        raise SystemExit(f"{method} {path}: {response.status_code} {response.content[:300]!r}")


def _timed(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def measure(sync: Sync, rounds: int, warmup: int) -> dict[str, list[float]]:
    """Seconds per request, every kind in each round in turn, after ``warmup`` rounds."""
    timings: dict[str, list[float]] = {name: [] for name in ("trivial", "api", "push", "pull")}
    expected = {"lessons": DOCUMENTS * LESSONS_PER_DOCUMENT, "questions": len(sync.question_ids)}
    for round_number in range(warmup + rounds):
        seconds: dict[str, list[float]] = {name: [] for name in timings}
        for _ in range(TRIVIAL_PER_ROUND):
            seconds["trivial"].append(_timed(sync.trivial)[0])
            seconds["api"].append(_timed(sync.trivial_api)[0])
        body = sync.next_push()
        elapsed, response = _timed(lambda body=body: sync.push(body))
        accepted = len(json.loads(response.content)["accepted"])
        if accepted != PUSH_SIZE:
            raise SystemExit(f"push: {accepted} reviews accepted, not {PUSH_SIZE}")
        seconds["push"].append(elapsed)
        elapsed, (_pages, items) = _timed(sync.pull)
        if any(items[kind] != count for kind, count in expected.items()):
            raise SystemExit(f"pull: {items}, expected {expected}")
        seconds["pull"].append(elapsed)
        if round_number >= warmup:
            for name, values in seconds.items():
                timings[name].extend(values)
    return timings


def count_pull_queries(sync: Sync) -> tuple[int, int, dict[str, int]]:
    """One more pull, untimed: its queries, pages and items."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        pages, items = sync.pull()
    return len(queries), pages, items


def run(database: str, rounds: int, warmup: int) -> int:
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise, no collectstatic
    workdir = setup_database(database)
    from django.conf import settings
    from django.db import connections

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.ROOT_URLCONF = bench_urlconf()
    try:
        started = time.perf_counter()
        question_ids = seed_course()
        pusher, reader = students_with_tokens(2, "bench-sync")
        gather_statistics()
        print(
            f"seeded {DOCUMENTS} documents x {LESSONS_PER_DOCUMENT} lessons x "
            f"{QUESTIONS_PER_LESSON} questions (published) and 2 students with a token "
            f"in {time.perf_counter() - started:.1f} s"
        )
        sync = Sync(question_ids, pusher, reader)
        timings = measure(sync, rounds, warmup)
        queries, pages, items = count_pull_queries(sync)
        label = database_label()
    finally:
        connections.close_all()
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)
    return report(label, timings, rounds, queries, pages, items)


def report(
    label: str,
    timings: dict[str, list[float]],
    rounds: int,
    queries: int,
    pages: int,
    items: dict[str, int],
) -> int:
    median = {name: statistics.median(values) for name, values in timings.items()}
    base = median["trivial"]
    pulled = ", ".join(f"{count:,} {kind}" for kind, count in items.items() if count)
    rows = [
        ("trivial view", median["trivial"], ""),
        ("trivial API view (token)", median["api"], ""),
        (f"push {PUSH_SIZE:,} reviews", median["push"], f"{PUSH_SIZE / median['push']:,.0f}/s"),
        (f"full pull ({pages} pages)", median["pull"], f"{queries} queries"),
    ]
    print(f"\n{'request':<28}{'median ms':>11}{'x trivial':>11}   ({rounds} rounds, {label})")
    for name, seconds, note in rows:
        print(f"{name:<28}{seconds * 1000:>11.2f}{seconds / base:>11.1f}   {note}".rstrip())
    print(f"the pull: {pulled}; {queries / pages:.1f} queries a page")
    rate = PUSH_SIZE / median["push"]
    if label != "SQLite":
        print(f"\npush: {rate:,.0f} reviews/s on {label} (the target is for SQLite)")
        return 0
    verdict = "PASS" if rate >= TARGET_REVIEWS_PER_SECOND else "FAIL"
    print(
        f"\ntarget: a push stores at least {TARGET_REVIEWS_PER_SECOND:,} reviews/s on SQLite "
        f"({rate:,.0f}/s) -> {verdict}"
    )
    return 0 if verdict == "PASS" else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds (median)")
    parser.add_argument("--warmup", type=int, default=1)
    add_database_arguments(parser)
    args = parser.parse_args()
    if args.database:
        return run(args.database, args.rounds, args.warmup)
    forwarded = ["--rounds", str(args.rounds), "--warmup", str(args.warmup)]
    return for_each_database(__file__, args, forwarded)


if __name__ == "__main__":
    sys.exit(main())
