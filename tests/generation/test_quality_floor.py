"""Every lesson of about 80 words or more gets at least four questions of three kinds."""

import pytest

from .documents import DOCUMENTS, lessons_of, questions_of, seed_path

FLOOR_WORDS = 80


def floor_failures(path):
    failures = []
    generated = questions_of(path)
    for lesson in lessons_of(path):
        if len(lesson.body.split()) < FLOOR_WORDS:
            continue
        questions = generated[lesson.key]
        kinds = {q.kind for q in questions}
        if len(questions) < 4 or len(kinds) < 3:
            failures.append((lesson.heading, len(questions), sorted(kinds)))
    return failures


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda path: path.name)
def test_long_lessons_get_four_questions_of_three_kinds(path):
    assert floor_failures(path) == []


def test_the_seed_article_gets_questions_in_every_section():
    path = seed_path()
    generated = questions_of(path)
    assert all(generated[lesson.key] for lesson in lessons_of(path))
    assert floor_failures(path) == []
    kinds = {q.kind for questions in generated.values() for q in questions}
    assert len(kinds) >= 3
