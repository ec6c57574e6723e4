"""Question export: a 150-lesson document to each format, in-process.

Seeds a fresh SQLite database with one document of 150 lessons x 10 published
questions (three cloze, two multiple choice with four options each, two true/false, two
short answer, a flashcard), then times ``export_document`` for the Anki package, Moodle
GIFT, Moodle XML and Quizlet CSV: the median of a few runs each, with the file size and
the number of queries. Target: under 2 s per format.

    .venv/bin/python bench/export.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import time

from common import setup_django
from course import published_course

LESSONS = 150
TARGET = 2.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per format")
    runs = parser.parse_args().runs

    setup_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.services import create_teacher
    from quizzes.models import Document
    from quizzes.services import EXPORT_FORMATS, export_document

    teacher = create_teacher(username="bench-teacher")
    lessons, questions = published_course(teacher, documents=1, lessons=LESSONS)
    document = Document.objects.get()
    print(f"document: {len(lessons)} lessons, {len(questions)} published questions")

    failed = False
    for file_format in EXPORT_FORMATS:
        export_document(document=document, format=file_format)  # warm-up
        times = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                exported = export_document(document=document, format=file_format)
                times.append(time.perf_counter() - started)
        median = statistics.median(times)
        verdict = "PASS" if median < TARGET else "FAIL"
        failed |= median >= TARGET
        print(
            f"{file_format:>5}: {median * 1000:7.1f} ms median of {runs} "
            f"({exported.questions} questions, {len(exported.content) / 1024:,.0f} KB, "
            f"{len(queries)} queries)  target < {TARGET:.0f} s: {verdict}"
        )
    print("all formats within target" if not failed else "SOME FORMATS OVER TARGET")


if __name__ == "__main__":
    main()
