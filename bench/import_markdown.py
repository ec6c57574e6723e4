"""Import (without question generation) a generated 1 MB Markdown document of ~150
sections into a fresh SQLite database.

Prints the seconds and peak memory of parsing and of the whole import (parse + writes).
Targets: under 2 s and under 200 MB for the import.

    .venv/bin/python bench/import_markdown.py [--sections 150] [--bytes 1000000]
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc

from common import markdown_document, setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sections", type=int, default=150)
    parser.add_argument("--bytes", type=int, default=1_000_000)
    args = parser.parse_args()

    setup_django()
    from accounts.services import create_teacher
    from quizzes.models import Lesson
    from quizzes.services import import_document, read_document

    data = markdown_document(args.bytes, args.sections)

    # Timed without tracing (tracemalloc slows Python down); memory measured in a second,
    # traced import of the same document by another teacher.
    owner = create_teacher(username="timed")
    started = time.perf_counter()
    parsed = read_document(data, filename="handbook.md")
    parsed_at = time.perf_counter()
    result = import_document(owner=owner, parsed=parsed, generate=False)
    finished = time.perf_counter()

    again_started = time.perf_counter()
    again = import_document(
        owner=owner, parsed=read_document(data, filename="handbook.md"), generate=False
    )
    again_finished = time.perf_counter()

    traced_owner = create_teacher(username="traced")
    tracemalloc.start()
    parsed = read_document(data, filename="handbook.md")
    _, parse_peak = tracemalloc.get_traced_memory()
    import_document(owner=traced_owner, parsed=parsed, generate=False)
    _, import_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    lessons = Lesson.objects.filter(document=result.document).count()
    seconds = finished - started
    print(f"document: {len(data) / 1e6:.2f} MB, {lessons} lessons ({result.summary()})")
    print(f"parse:          {parsed_at - started:6.3f} s   peak {parse_peak / 1e6:6.1f} MB")
    print(f"import (total): {seconds:6.3f} s   peak {import_peak / 1e6:6.1f} MB")
    print(f"re-import same: {again_finished - again_started:6.3f} s   ({again.summary()})")
    print(f"process peak RSS (Django and all): {rss_peak / 1e6:.1f} MB")
    met = seconds < 2.0 and import_peak < 200e6
    print(f"target: import under 2 s and 200 MB -> {'met' if met else 'NOT MET'}")


if __name__ == "__main__":
    main()
