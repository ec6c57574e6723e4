"""Item statistics in the admin, in-process: the question list with its figures (as it
opens, filtered to the questions that need attention, sorted by discrimination) and a
document's pattern page.

Seeds a fresh SQLite database with one teacher's document of 150 lessons x 10 questions
and 500 students finishing random lesson quizzes until there are 50,000 answers, then
times each page with Django's test client (the teacher signed in, no network): the
median of the rounds, and the queries each page ran. Target: every page under 1 s.

The list as it opens computes the figures of its 50 rows only; filtering on "needs
attention", sorting on a figure and the pattern page compute them for every question,
one pass over the answers (with their attempts) each.

    .venv/bin/python bench/item_statistics.py [--rounds 20] [--answers 50000]
"""

from __future__ import annotations

import argparse
import math
import random
import shutil
import statistics
import sys
import time
import uuid
import warnings
from datetime import timedelta
from pathlib import Path
from typing import Any

from common import setup_django
from course import published_course

STUDENTS = 500
LESSONS = 150
TARGET_MS = 1_000.0
WRONG = {
    "multiple_choice": ["Alder", "Kestrel Bay", "Easthaven"],
    "true_false": ["false"],
    "cloze": ["spring", "winter"],
    "short_answer": ["Port Wren", "the sea"],
}


def seed(answers: int) -> tuple[Any, Any]:
    """Write the data set in bulk; return the teacher and the document."""
    from django.utils import timezone

    from accounts.models import User
    from accounts.services import create_teacher
    from quizzes.models import Answer, Feedback, Question, QuestionOrigin, QuizAttempt

    rng = random.Random(6)
    now = timezone.now()
    teacher = create_teacher(username="bench-teacher")
    User.objects.bulk_create(User(username=f"student{i:03d}") for i in range(STUDENTS))
    students = list(User.objects.filter(username__startswith="student"))
    lessons, questions = published_course(teacher, documents=1, lessons=LESSONS)
    # Generated questions with an answer type, so that the pattern page has patterns.
    for question in questions:
        question.origin = QuestionOrigin.GENERATED
        question.answer_type = rng.choice(["place", "year", "person"])
    Question.objects.bulk_update(questions, ["origin", "answer_type"], batch_size=1_000)

    quizzed: dict[int, list[Any]] = {}
    for question in questions:
        if question.kind != "flashcard":
            quizzed.setdefault(question.lesson_id, []).append(question)
    # Each question has a difficulty; one in twenty is keyed wrong (the strong get it
    # wrong), so the list has every kind of figure.
    difficulty = {q.pk: rng.uniform(-2.5, 2.5) for q in questions}
    backwards = {q.pk for q in questions if rng.random() < 0.05}
    ability = {s.pk: rng.gauss(0, 1) for s in students}

    attempts, rows = [], []
    while len(rows) < answers:
        student = rng.choice(students)
        lesson = rng.choice(lessons)
        attempt = QuizAttempt(
            id=uuid.uuid4(),
            user=student,
            document_id=lesson.document_id,
            lesson=lesson,
            quiz_key=f"lesson:{lesson.pk}",
            feedback=Feedback.IMMEDIATE,
            seed=0,
            started_at=now - timedelta(days=rng.randint(1, 60)),
            submitted_at=now,
            max_score=len(quizzed[lesson.pk]),
        )
        for position, question in enumerate(quizzed[lesson.pk], start=1):
            edge = ability[student.pk] - difficulty[question.pk]
            right = rng.random() < 1 / (
                1 + math.exp(3 * edge if question.pk in backwards else -3 * edge)
            )
            attempt.score += float(right)
            rows.append(
                Answer(
                    attempt=attempt,
                    question=question,
                    position=position,
                    response=question.answer if right else rng.choice(WRONG[question.kind]),
                    correct=right,
                    score=float(right),
                    answered_at=now,
                )
            )
        attempts.append(attempt)
    QuizAttempt.objects.bulk_create(attempts, batch_size=2_000)
    Answer.objects.bulk_create(rows, batch_size=5_000)
    return teacher, lessons[0].document


def measure(client: Any, pages: dict[str, str], rounds: int) -> dict[str, tuple[float, int]]:
    """Median milliseconds and the query count of each page, interleaved round by round."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings: dict[str, list[float]] = {name: [] for name in pages}
    queries: dict[str, int] = {}
    for _round in range(rounds + 2):  # two warm-up rounds
        for name, url in pages.items():
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                elapsed = time.perf_counter() - started
            if response.status_code != 200:
                raise SystemExit(f"GET {url}: {response.status_code}")
            timings[name].append(elapsed)
            queries[name] = len(captured)
    return {
        name: (statistics.median(values[2:]) * 1000, queries[name])
        for name, values in timings.items()
    }


def _column(teacher: Any, name: str) -> int:
    """The index of a column of the question list as its ?o= sorting counts them."""
    from django.contrib.admin import site
    from django.test import RequestFactory

    from quizzes.models import Question

    request = RequestFactory().get("/")
    request.user = teacher
    return site._registry[Question].get_changelist_instance(request).list_display.index(name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--answers", type=int, default=50_000)
    args = parser.parse_args()

    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise, no collectstatic
    setup_django()
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    database = Path(settings.DATABASES["default"]["NAME"])
    try:
        started = time.perf_counter()
        teacher, document = seed(args.answers)
        print(
            f"seeded {STUDENTS} students, {LESSONS} lessons x 10 questions, "
            f"{args.answers:,}+ answers in {time.perf_counter() - started:.1f} s"
        )
        client = Client()
        client.force_login(teacher)
        questions = reverse("admin:quizzes_question_changelist")
        by_discrimination = _column(teacher, "item_discrimination")
        pages = {
            "question list": questions,
            "needs attention": f"{questions}?needs_attention=yes",
            "by discrimination": f"{questions}?o=-{by_discrimination}",
            "pattern page": reverse("admin:quizzes_document_statistics", args=[document.pk]),
        }
        results = measure(client, pages, args.rounds)
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(database.parent, ignore_errors=True)

    print(f"\n{'page':<20}{'median ms':>11}{'queries':>9}   ({args.rounds} rounds)")
    for name, (ms, count) in results.items():
        print(f"{name:<20}{ms:>11.1f}{count:>9}")
    worst = max(ms for ms, _count in results.values())
    verdict = "PASS" if worst <= TARGET_MS else "FAIL"
    print(f"\ntarget: every page under {TARGET_MS:.0f} ms -> {verdict}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
