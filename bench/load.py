"""Students under load through gunicorn: pages, quizzes, study and sync, at 8 and 32 users.

Seeds 1,000 students, 20 documents x 10 lessons x 10 questions and 100,000 review logs
(bench/load_seed.py: each student signed in through a session written in the database,
not the login form, with a device token and a sync cursor), starts gunicorn on 127.0.0.1
(sync workers, cores + 1 as ``make serve`` runs it, at most 9) and drives it with
virtual users (bench/load_users.py) from several client processes, a few users each,
each user with one http.client connection. For each user count, three phases:

1. trivial: every user asks for a trivial view (--trivial-seconds);
2. warm-up: the mix below, not counted (--warmup-seconds);
3. mix: each user, taking its students in turn, picks a task by weight: the home page,
   a lesson page, a lesson quiz (start page, start, two questions answered with their
   feedback, finish, result), study (the next card, its rating), the progress page, a
   phone's sync (pull since its cursor, push 5 reviews), or the trivial view (--seconds).

It prints, per database and user count, each endpoint's requests, errors, p50 and p99
latency (client side: from sending the request to reading the whole answer), the mean
time gunicorn spent answering it (its access log), throughput and the share of the
trivial view's. Throughput of an endpoint is the rate (requests/s) at which the server
would answer it if it answered nothing else, at the mix phase's load: the mix's measured
rate x (the mean server time of all its requests) / (the endpoint's mean server time).
The trivial view's is computed the same way in the same phase, so "% of trivial" is the
trivial view's mean server time over the endpoint's; the trivial-only phase's measured
rate is printed beside it. Runs on SQLite (a temporary file), then on PostgreSQL (a
temporary database, as bench/sync_api.py), with the cache and sessions in Redis when a
Redis server answers on 127.0.0.1:6379, as the documented deployment on PostgreSQL has
them. Two reference views, a trivial view for a signed-in student and the site's empty
page frame, show for scale how much of the trivial view's throughput any signed-in page
keeps before its own work.

Targets: 0 errors; p99 <= 100 ms at 8 users for page views; every page at >= 40 % of the
trivial view's throughput. Exits 1 if any target fails.

    .venv/bin/python bench/load.py [--seconds 20] [--users 8 32] [--workers N]
        [--postgres URL | --no-postgres] [--no-redis]
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from queue import Empty

from load_seed import Course, Student, seed_load
from load_users import ENDPOINTS, REFERENCES, Results, client_process, endpoint
from sync_api import (
    SQLITE,
    add_database_arguments,
    database_label,
    for_each_database,
    gather_statistics,
    setup_database,
)
from sync_load import LOCKED, Gunicorn

WORKERS = min((os.cpu_count() or 1) + 1, 9)
"""As ``make serve`` runs it (``--workers`` changes it)."""
USERS_PER_PROCESS = 4
PAGES = [
    "home",
    "lesson",
    "quiz start page",
    "quiz question",
    "quiz feedback",
    "quiz result",
    "study card",
    "progress",
]
"""The page views: the targets' "pages" (the rest are form posts, API calls and the
trivial view)."""
P99_TARGET_MS = 100.0
P99_TARGET_USERS = 8
SHARE_TARGET = 0.40
LOG_SETTLE_SECONDS = 0.5
"""gunicorn writes a request's access line just after sending its answer."""


@dataclass
class Phase:
    users: int
    processes: int
    seconds: float
    results: Results
    server_ms: dict[str, list[float]]

    def requests(self, name: str | None = None) -> int:
        if name is not None:
            return len(self.results.latencies.get(name, []))
        return sum(map(len, self.results.latencies.values()))

    @property
    def rate(self) -> float:
        return self.requests() / self.seconds


# --------------------------------------------------------------------------------------
# Driving a phase
# --------------------------------------------------------------------------------------


def drive(
    server: Gunicorn,
    access_log: Path,
    students: list[Student],
    course: Course,
    users: int,
    mode: str,
    seconds: float,
) -> Phase:
    """``users`` virtual users for ``seconds`` from ``ceil(users / USERS_PER_PROCESS)``
    client processes; user n takes students n, n + users, n + 2 x users..."""
    processes = math.ceil(users / USERS_PER_PROCESS)
    offset = access_log.stat().st_size
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    start = time.monotonic() + 0.5 + 0.05 * processes  # after every process has started
    window = (start, start + seconds)
    workers = []
    for number in range(processes):
        mine = range(number, users, processes)
        workers.append(
            context.Process(
                target=client_process,
                args=(server.port, [students[u::users] for u in mine], course, mode, window),
                # A new sequence of tasks each phase: the log's size differs.
                kwargs={"seed": offset + number, "queue": queue},
            )
        )
    for process in workers:
        process.start()
    results = Results()
    waiting = len(workers)
    while waiting:
        try:
            results.merge(queue.get(timeout=1))
            waiting -= 1
        except Empty:
            if not any(process.is_alive() for process in workers) and queue.empty():
                raise SystemExit("a client process died without its results") from None
    for process in workers:
        process.join()
    time.sleep(LOG_SETTLE_SECONDS)
    return Phase(
        users, processes, results.finished - start, results, server_times(access_log, offset)
    )


def server_times(access_log: Path, offset: int) -> dict[str, list[float]]:
    """Milliseconds gunicorn took per request, by endpoint, from the log's lines after
    ``offset`` (written in sync_load.ACCESS_LOG_FORMAT: method, path, query, status,
    microseconds)."""
    times: dict[str, list[float]] = {}
    with access_log.open("rb") as log:
        log.seek(offset)
        for line in log.read().decode(errors="replace").splitlines():
            parts = line.split(" ")
            if len(parts) != 5 or not parts[4].isdigit():
                continue
            name = endpoint(parts[0], parts[1], parts[2])
            if name is not None:
                times.setdefault(name, []).append(int(parts[4]) / 1000)
    return times


# --------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------


BENCH_REDIS_URL = "redis://127.0.0.1:6379/14"
"""On PostgreSQL, the cache and sessions go to this Redis database when it answers, as
in the documented deployment on PostgreSQL (emptied before and after the run)."""


def redis_answers(url: str) -> bool:
    """Whether a Redis server answers a PING at ``url``."""
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def run(
    database: str,
    user_counts: list[int],
    seconds: dict[str, float],
    *,
    use_redis: bool,
    workers: int = WORKERS,
) -> int:
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise, no collectstatic
    redis_url = ""
    if database != SQLITE and use_redis and redis_answers(BENCH_REDIS_URL):
        redis_url = os.environ["REDIS_URL"] = BENCH_REDIS_URL  # read by the settings
        flush_redis(redis_url)
    workdir = setup_database(database)
    from django.conf import settings
    from django.db import connections

    settings.DEBUG = False
    logdir = Path(tempfile.mkdtemp(prefix="lectern-bench-load-"))
    access_log = logdir / "access.log"
    runs: list[tuple[Phase, Phase]] = []
    try:
        students, course = seed_load()
        gather_statistics()
        label = database_label() + (" + Redis" if redis_url else "")
        connections.close_all()  # the client processes are forks: no connection in them
        server = Gunicorn(
            os.environ["DATABASE_URL"],
            logdir / "gunicorn.log",
            workers=workers,
            # The seeded sessions are signed with this process's key: the server's too.
            environment={"DJANGO_SECRET_KEY": settings.SECRET_KEY},
            access_log=access_log,
        )
        try:
            server.wait_until_ready()
            for users in user_counts:
                trivial = drive(
                    server, access_log, students, course, users, "trivial", seconds["trivial"]
                )
                drive(server, access_log, students, course, users, "mix", seconds["warmup"])
                mix = drive(server, access_log, students, course, users, "mix", seconds["mix"])
                runs.append((trivial, mix))
                print_table(label, trivial, mix, workers)
        finally:
            log = server.stop()
    finally:
        connections.close_all()
        shutil.rmtree(logdir, ignore_errors=True)
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)
        if redis_url:
            flush_redis(redis_url)
    return 0 if print_targets(label, runs, log) else 1


# --------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """Nearest rank."""
    ordered = sorted(values) or [math.nan]
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def throughputs(mix: Phase) -> dict[str, float]:
    """Each endpoint's throughput (see the module's docstring), from the mix phase."""
    everything = [ms for values in mix.server_ms.values() for ms in values]
    if not everything:
        return {}
    mean = statistics.fmean(everything)
    return {
        name: mix.rate * mean / statistics.fmean(values)
        for name, values in mix.server_ms.items()
        if values
    }


def print_table(label: str, trivial: Phase, mix: Phase, workers: int) -> None:
    rates = throughputs(mix)
    base = rates.get("trivial view", math.nan)
    print(
        f"\n== {label}, {mix.users} users from {mix.processes} client processes "
        f"({USERS_PER_PROCESS} users each at most), gunicorn {workers} sync workers "
        f"on {os.cpu_count()} cores ==\n"
        f"trivial-only phase: {trivial.requests():,} requests in {trivial.seconds:.1f} s = "
        f"{trivial.rate:,.0f} req/s measured; p50 "
        f"{percentile(trivial.results.latencies.get('trivial view', []), 0.5) * 1000:.1f} ms; "
        f"{sum(trivial.results.errors.values())} errors\n"
        f"mix phase: {mix.requests():,} requests in {mix.seconds:.1f} s = {mix.rate:,.0f} req/s"
    )
    print(
        f"{'endpoint':<17}{'requests':>9}{'errors':>7}{'p50 ms':>8}{'p99 ms':>8}"
        f"{'server ms':>10}{'req/s':>8}{'% trivial':>10}"
    )
    for name in ENDPOINTS:
        latencies = mix.results.latencies.get(name, [])
        if not latencies:
            continue
        errors = sum(n for key, n in mix.results.errors.items() if key.startswith(f"{name}:"))
        server = mix.server_ms.get(name, [])
        mean = statistics.fmean(server) if server else math.nan
        rate = rates.get(name, math.nan)
        print(
            f"{name:<17}{len(latencies):>9,}{errors:>7}"
            f"{percentile(latencies, 0.5) * 1000:>8.1f}{percentile(latencies, 0.99) * 1000:>8.1f}"
            f"{mean:>10.1f}{rate:>8,.0f}{rate / base:>10.0%}"
        )
    print(
        "(p50/p99: client side, sending to reading the whole answer; server ms: gunicorn's "
        "mean time per request;\n req/s: the rate the server would answer that endpoint "
        "at alone, = mix rate x mean server ms of all / its mean server ms; % trivial: "
        "over the trivial view's, same phase)"
    )
    for phase in (trivial, mix):
        if phase.results.errors:
            print(f"errors: {phase.results.errors}")


def print_targets(label: str, runs: list[tuple[Phase, Phase]], log: str) -> bool:
    """The targets over every user count; True if none failed (a target whose user
    count was not run is not checked, and says so)."""
    errors = sum(sum(p.results.errors.values()) for run in runs for p in run)
    slow = [
        f"{name} {percentile(mix.results.latencies[name], 0.99) * 1000:.0f} ms"
        for _trivial, mix in runs
        if mix.users == P99_TARGET_USERS
        for name in PAGES
        if mix.results.latencies.get(name)
        and percentile(mix.results.latencies[name], 0.99) * 1000 > P99_TARGET_MS
    ]
    measured_p99 = any(mix.users == P99_TARGET_USERS for _trivial, mix in runs)
    low = []
    for _trivial, mix in runs:
        rates = throughputs(mix)
        if "trivial view" not in rates:
            low.append(f"no trivial view in the mix at {mix.users} users (run longer)")
            continue
        for name in PAGES:
            if not mix.results.latencies.get(name):
                continue  # not requested in this phase (a short run)
            if name not in rates:
                low.append(f"{name}: no server time in gunicorn's log at {mix.users} users")
            elif not rates[name] >= SHARE_TARGET * rates["trivial view"]:
                low.append(
                    f"{name} {rates[name] / rates['trivial view']:.0%} at {mix.users} users"
                )
    verdicts = [
        (
            f"0 errors ({errors}; gunicorn's log: {log.count(LOCKED)} '{LOCKED}', "
            f"{log.count('Traceback')} tracebacks)",
            "PASS" if errors == 0 else "FAIL",
        ),
        (
            f"p99 <= {P99_TARGET_MS:.0f} ms at {P99_TARGET_USERS} users for page views"
            + (f" (over: {', '.join(slow)})" if slow else ""),
            ("FAIL" if slow else "PASS")
            if measured_p99
            else f"NOT RUN ({P99_TARGET_USERS} users)",
        ),
        (
            f"every page at >= {SHARE_TARGET:.0%} of the trivial view's throughput"
            + (f" (under: {', '.join(low)})" if low else ""),
            "FAIL" if low else "PASS",
        ),
    ]
    if "Traceback" in log:
        first = log[log.index("Traceback") :].splitlines()
        ends = next((i for i, line in enumerate(first[1:], 1) if not line.startswith(" ")), 0)
        print(
            "\ngunicorn's first traceback (end):\n" + "\n".join(first[max(1, ends - 6) : ends + 1])
        )
    print(f"\ntargets ({label}):")
    for text, verdict in verdicts:
        print(f"  {text} -> {verdict}")
    for _trivial, mix in runs:
        rates = throughputs(mix)
        if "trivial view" in rates:
            shares = ", ".join(
                f"{name} {rates[name] / rates['trivial view']:.0%}"
                for name in REFERENCES
                if name in rates
            )
            print(f"  for scale, not a target, at {mix.users} users: {shares} of the trivial view")
    return all(verdict != "FAIL" for _text, verdict in verdicts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20, help="of the mix (default 20)")
    parser.add_argument(
        "--trivial-seconds", type=float, default=5, help="of the trivial view (default 5)"
    )
    parser.add_argument(
        "--warmup-seconds", type=float, default=3, help="of the mix, not counted (default 3)"
    )
    parser.add_argument(
        "--users", type=int, nargs="+", default=[8, 32], help="virtual users (default 8 32)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=WORKERS,
        help=f"gunicorn's worker processes (default {WORKERS}: cores + 1, as make serve)",
    )
    parser.add_argument(
        "--no-redis",
        action="store_true",
        help=f"on PostgreSQL, keep the cache and sessions in the database even when Redis "
        f"answers (default: {BENCH_REDIS_URL}, when it answers)",
    )
    add_database_arguments(parser)
    args = parser.parse_args()
    if args.database:
        seconds = {"trivial": args.trivial_seconds, "warmup": args.warmup_seconds}
        seconds["mix"] = args.seconds
        return run(
            args.database,
            args.users,
            seconds,
            use_redis=not args.no_redis,
            workers=args.workers,
        )
    forwarded = [
        *(["--no-redis"] if args.no_redis else []),
        "--workers",
        str(args.workers),
        "--seconds",
        str(args.seconds),
        "--trivial-seconds",
        str(args.trivial_seconds),
        "--warmup-seconds",
        str(args.warmup_seconds),
        "--users",
        *map(str, args.users),
    ]
    return for_each_database(__file__, args, forwarded)


if __name__ == "__main__":
    sys.exit(main())
