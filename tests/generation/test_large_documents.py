"""Generation copes with size: the seed article and a 200 KB document both come out
with questions for every lesson. How fast is measured in bench/generation.py, not here:
a shared machine makes a timed test fail for reasons of its own."""

import random

from quizzes.generation import LessonText, generate_questions

from .documents import lessons_of, seed_path

NAMES = ["Amara Okafor", "Tomas Novak", "Ines Duarte", "Mehmet Aydin", "Sofia Lindqvist"]
PLACES = ["Lisbon", "Kyoto", "Reykjavik", "Valparaiso", "Mainz", "Bruges"]


def test_the_seed_article_gives_the_same_questions_twice():
    lessons = lessons_of(seed_path())
    first = generate_questions(lessons)
    assert any(first.values())
    assert generate_questions(lessons) == first


def test_a_200_kb_document_gets_questions_for_every_lesson():
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
    result = generate_questions(lessons)
    assert all(result[lesson.key] for lesson in lessons)
