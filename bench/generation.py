"""Import with question generation: an article, then a generated 1 MB document.

The article is the demo course's longer document, or the file LECTERN_SEED_DOCUMENT names.

Prints seconds (and peak memory for the large one). Targets: the article under 0.5 s;
1 MB / ~150 sections under 10 s and under 300 MB.

    .venv/bin/python bench/generation.py
"""

from __future__ import annotations

import time
import tracemalloc

from common import SEED, markdown_document, setup_django


def main() -> None:
    setup_django()
    from accounts.services import create_teacher
    from quizzes.models import Question
    from quizzes.services import import_document, read_document

    if SEED.exists():
        owner = create_teacher(username="seed")
        data = SEED.read_bytes()
        started = time.perf_counter()
        result = import_document(owner=owner, parsed=read_document(data, filename=SEED.name))
        seconds = time.perf_counter() - started
        questions = Question.objects.filter(lesson__document=result.document).count()
        verdict = "met" if seconds < 0.5 else "NOT MET"
        print(
            f"article {SEED.name}: {len(data):,} bytes, {questions} questions in {seconds:.3f} s"
        )
        print(f"  target: under 0.5 s -> {verdict}")
    else:
        print(f"article {SEED.name}: not found, skipped")

    data = markdown_document()
    owner = create_teacher(username="timed")
    started = time.perf_counter()
    result = import_document(owner=owner, parsed=read_document(data, filename="handbook.md"))
    seconds = time.perf_counter() - started
    questions = Question.objects.filter(lesson__document=result.document).count()

    traced = create_teacher(username="traced")
    tracemalloc.start()
    import_document(owner=traced, parsed=read_document(data, filename="handbook.md"))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    lessons = result.created
    print(
        f"1 MB document: {lessons} lessons, {questions} questions in {seconds:.2f} s, "
        f"peak {peak / 1e6:.0f} MB (traced run)"
    )
    verdict = "met" if seconds < 10 and peak < 300e6 else "NOT MET"
    print(f"  target: under 10 s and 300 MB -> {verdict}")


if __name__ == "__main__":
    main()
