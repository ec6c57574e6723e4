"""A teacher's class report, in-process: a class of 500 students on 100 questions.

Seeds one document of 10 lessons x 10 published questions and a class of 500 students
who have each finished every lesson's quiz and one document test (50,000 graded answers
in 5,500 finished attempts), with a review log per answer plus a review of each
flashcard (55,000 logs) and a card state per student and question (50,000, about one in
a hundred a leech). Then times with Django's test client (the class's teacher signed in,
no network) the report page and its students CSV, round after round beside a trivial
view (the machine's pace), and prints each median and its query count. Runs on SQLite (a
temporary file), then on PostgreSQL like bench/sync_api.py: a temporary database made with
createdb, or the empty database given with --postgres (e.g. --postgres "$DATABASE_URL");
skipped with a note when the server is not reachable. Target: the page within 300 ms.

    .venv/bin/python bench/class_report.py [--rounds 15] [--postgres URL | --no-postgres]
"""

from __future__ import annotations

import argparse
import random
import secrets
import shutil
import statistics
import sys
import time
import uuid
import warnings
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from course import published_course
from sync_api import (
    TRIVIAL_PATH,
    add_database_arguments,
    bench_urlconf,
    database_label,
    for_each_database,
    gather_statistics,
    setup_database,
)

STUDENTS = 500
LESSONS = 10
QUESTIONS_PER_LESSON = 10
TEST_QUESTIONS = 10
"""Questions in each student's document test: with the lesson quizzes' 9 each (the
flashcard is not quizzed), 100 answers a student."""
ANSWERS = 50_000
TARGET_MS = 300.0


def seed(run: str) -> tuple[Any, Any]:
    """Write the class in bulk; return its teacher and the class."""
    from django.utils import timezone

    from accounts.models import User
    from accounts.services import create_teacher
    from quizzes.models import (
        Answer,
        CardState,
        Classroom,
        Membership,
        QuizAttempt,
        ReviewLog,
    )

    rng = random.Random(6)
    now = timezone.now()
    teacher = create_teacher(username=f"bench-report-teacher-{run}")
    lessons, questions = published_course(teacher, documents=1, lessons=LESSONS)
    document = lessons[0].document
    students = User.objects.bulk_create(
        User(
            username=f"bench-report-{run}-{number:03d}",
            first_name=f"Student {number:03d}",
            last_name=rng.choice(["Okafor", "Novak", "Duarte", "Lindqvist", "Aydin"]),
        )
        for number in range(STUDENTS)
    )
    classroom = Classroom.objects.create(teacher=teacher, name=f"Bench class {run}")
    classroom.documents.set([document])
    Membership.objects.bulk_create(
        Membership(classroom=classroom, student=student) for student in students
    )

    by_lesson: dict[int, list[Any]] = {}
    for question in questions:
        by_lesson.setdefault(question.lesson_id, []).append(question)
    quizzed = [question for question in questions if question.kind != "flashcard"]
    attempts, answers, logs, states = [], [], [], []
    for student in students:
        skill = rng.uniform(0.3, 0.95)
        reviewed: dict[int, list[tuple[datetime, bool]]] = {}
        quizzes = [
            (lesson, [q for q in by_lesson[lesson.pk] if q.kind != "flashcard"])
            for lesson in lessons
        ]
        quizzes.append((None, rng.sample(quizzed, TEST_QUESTIONS)))
        for lesson, asked in quizzes:
            started = now - timedelta(days=rng.uniform(1, 60))
            attempt = QuizAttempt(
                id=uuid.uuid4(),
                user=student,
                document=document,
                lesson=lesson,
                quiz_key=f"lesson:{lesson.pk}" if lesson else f"document:{document.pk}",
                feedback="immediate",
                seed=rng.randrange(2**31),
                started_at=started,
                submitted_at=started + timedelta(minutes=len(asked)),
                max_score=len(asked),
            )
            for position, question in enumerate(asked, start=1):
                correct = rng.random() < skill
                at = started + timedelta(minutes=position - 1, seconds=rng.randint(5, 50))
                attempt.score += correct
                answers.append(
                    Answer(
                        attempt=attempt,
                        question=question,
                        position=position,
                        response=question.answer if correct else "no idea",
                        correct=correct,
                        score=float(correct),
                        seconds=rng.uniform(3, 40),
                        answered_at=at,
                    )
                )
                reviewed.setdefault(question.pk, []).append((at, correct))
            attempts.append(attempt)
        for question in questions:
            if question.kind == "flashcard":
                at = now - timedelta(days=rng.uniform(0, 30))
                reviewed.setdefault(question.pk, []).append((at, rng.random() < skill))
        for question in questions:
            history = sorted(reviewed[question.pk])
            logs.extend(
                ReviewLog(
                    id=uuid.uuid4(),
                    user=student,
                    question=question,
                    rating=3 if correct else 1,
                    reviewed_at=at,
                    device="web",
                )
                for at, correct in history
            )
            states.append(_card_state(student, question, history[-1][0], rng))
    assert len(answers) == ANSWERS, len(answers)
    QuizAttempt.objects.bulk_create(attempts, batch_size=2_000)
    Answer.objects.bulk_create(answers, batch_size=5_000)
    ReviewLog.objects.bulk_create(logs, batch_size=5_000)
    CardState.objects.bulk_create(states, batch_size=5_000)
    return teacher, classroom


def _card_state(student: Any, question: Any, last: datetime, rng: random.Random) -> Any:
    """A card reviewed last at ``last``; about one in a hundred is a leech."""
    from quizzes.models import CardState

    stability = rng.uniform(1, 40)
    return CardState(
        user=student,
        question=question,
        state="review",
        stability=stability,
        difficulty=rng.uniform(3, 9),
        due=last + timedelta(days=stability),
        last_review=last,
        reps=rng.randint(1, 6),
        lapses=rng.randint(8, 12) if rng.random() < 0.01 else rng.randint(0, 2),
    )


def measure(
    requests: dict[str, Callable[[], Any]], rounds: int, warmup: int
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Seconds per request, each in turn once per round, after ``warmup`` rounds: on the
    clock, and of this process's CPU time (SQLite runs in-process, so on a busy machine
    the CPU time shows what the request costs without the wait for a processor; on
    PostgreSQL it leaves out the server's share)."""
    timings: dict[str, list[float]] = {name: [] for name in requests}
    cpu: dict[str, list[float]] = {name: [] for name in requests}
    for round_number in range(warmup + rounds):
        for name, request in requests.items():
            started, started_cpu = time.perf_counter(), time.process_time()
            request()
            elapsed, elapsed_cpu = time.perf_counter() - started, time.process_time() - started_cpu
            if round_number >= warmup:
                timings[name].append(elapsed)
                cpu[name].append(elapsed_cpu)
    return timings, cpu


def count_queries(request: Callable[[], Any]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        request()
    return len(queries)


def run(database: str, rounds: int, warmup: int) -> int:
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise, no collectstatic
    workdir = setup_database(database)
    from django.conf import settings
    from django.db import connections
    from django.test import Client
    from django.urls import reverse

    # As the tests do: the test client's host, static files without collectstatic, and
    # the product's URLs plus a trivial view.
    settings.DEBUG = False
    settings.ROOT_URLCONF = bench_urlconf()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    try:
        started = time.perf_counter()
        teacher, classroom = seed(secrets.token_hex(4))
        gather_statistics()
        print(
            f"seeded {STUDENTS} students, {LESSONS} lessons x {QUESTIONS_PER_LESSON} "
            f"questions, {ANSWERS:,} answers, review logs and card states "
            f"in {time.perf_counter() - started:.1f} s"
        )
        client = Client()
        client.force_login(teacher)

        def get(url: str, marker: bytes, rows: int = STUDENTS) -> Callable[[], None]:
            def request() -> None:
                response = client.get(url)
                if response.status_code != 200 or response.content.count(marker) < rows:
                    raise SystemExit(f"GET {url}: {response.status_code}, not the whole class")

            return request

        requests = {
            "trivial view": get(TRIVIAL_PATH, b"ok", rows=1),
            "report page": get(reverse("class_report", args=[classroom.pk]), b'scope="row"'),
            "students CSV": get(reverse("class_report_csv", args=[classroom.pk]), b"\n"),
        }
        timings, cpu = measure(requests, rounds, warmup)
        queries = {name: count_queries(request) for name, request in requests.items()}
        label = database_label()
    finally:
        connections.close_all()
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)

    base = statistics.median(timings["trivial view"])
    heading = f"{'request':<16}{'median ms':>11}{'x trivial':>11}{'CPU ms':>9}{'queries':>9}"
    print(f"\n{heading}   ({rounds} rounds, {label})")
    for name, values in timings.items():
        median = statistics.median(values)
        print(
            f"{name:<16}{median * 1000:>11.1f}{median / base:>11.1f}"
            f"{statistics.median(cpu[name]) * 1000:>9.1f}{queries[name]:>9}"
        )
    page_ms = statistics.median(timings["report page"]) * 1000
    verdict = "PASS" if page_ms <= TARGET_MS else "FAIL"
    print(
        f"\ntarget: the report page of {STUDENTS} students within {TARGET_MS:.0f} ms "
        f"on {label} ({page_ms:.0f} ms) -> {verdict}"
    )
    return 0 if verdict == "PASS" else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="timed rounds (median)")
    parser.add_argument("--warmup", type=int, default=2)
    add_database_arguments(parser)
    args = parser.parse_args()
    if args.database:
        return run(args.database, args.rounds, args.warmup)
    forwarded = ["--rounds", str(args.rounds), "--warmup", str(args.warmup)]
    return for_each_database(__file__, args, forwarded)


if __name__ == "__main__":
    sys.exit(main())
