"""Generation is quick: a short article in well under a second, a long document in
seconds (the 1 MB benchmark lives in bench/; this is a smaller, steady check)."""

import random
import time

from quizzes.generation import LessonText, generate_questions

from .documents import lessons_of, seed_path

NAMES = ["Amara Okafor", "Tomas Novak", "Ines Duarte", "Mehmet Aydin", "Sofia Lindqvist"]
PLACES = ["Lisbon", "Kyoto", "Reykjavik", "Valparaiso", "Mainz", "Bruges"]


def test_the_seed_article_takes_a_fraction_of_a_second():
    lessons = lessons_of(seed_path())
    generate_questions(lessons)  # warm: CLDR names are read once per process
    started = time.perf_counter()
    generate_questions(lessons)
    assert time.perf_counter() - started < 0.3


def test_a_200_kb_document_takes_a_few_seconds():
    rng = random.Random(5)
    lessons = []
    for key in range(45):
        paragraphs = []
        for _ in range(12):
            sentences = [
                f"{rng.choice(NAMES)} visited {rng.choice(PLACES)} in {rng.randint(1500, 2020)} "
                f"and counted {rng.randint(2, 900)} ships in the {rng.choice(['north', 'south'])} "
                f"harbour, about {rng.randint(2, 95)} percent more than before."
                for _ in range(3)
            ]
            paragraphs.append(" ".join(sentences))
        lessons.append(
            LessonText(key, f"Chapter {key} of the harbour book", "\n\n".join(paragraphs))
        )
    size = sum(len(lesson.body) for lesson in lessons)
    assert 150_000 < size < 300_000
    started = time.perf_counter()
    result = generate_questions(lessons)
    assert time.perf_counter() - started < 4.0
    assert all(result[lesson.key] for lesson in lessons)
