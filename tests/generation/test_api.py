"""The entry point's contract: keys, per_lesson, only, avoid; no Django in the package."""

import subprocess
import sys
from pathlib import Path

from quizzes.generation import LessonText, QuestionDraft, generate_questions

from .documents import DOCUMENTS, ROOT, lessons_of, questions_of

PRESS = next(p for p in DOCUMENTS if p.name == "the-printing-press.md")


def test_every_requested_key_is_present_even_without_questions():
    lessons = [
        LessonText(10, "Empty", ""),
        LessonText(11, "Code", "```\nprint('hello world, this is not prose at all')\n```"),
        *lessons_of(PRESS),
    ]
    result = generate_questions(lessons, only=[10, 11, 3, 99])
    assert sorted(result) == [3, 10, 11, 99]
    assert result[10] == [] and result[11] == [] and result[99] == []
    assert all(isinstance(q, QuestionDraft) for q in result[3])
    assert generate_questions([]) == {}


def test_per_lesson_caps_the_number_and_keeps_the_best():
    lessons = lessons_of(PRESS)
    full = generate_questions(lessons, per_lesson=8)
    few = generate_questions(lessons, per_lesson=3)
    assert generate_questions(lessons, per_lesson=0) == {lesson.key: [] for lesson in lessons}
    for lesson in lessons:
        assert len(few[lesson.key]) <= 3
        assert len(full[lesson.key]) <= 8
        if few[lesson.key]:
            assert few[lesson.key][0] == full[lesson.key][0]


def test_avoid_keeps_near_duplicates_of_existing_questions_out():
    lessons = lessons_of(PRESS)
    first = questions_of(PRESS)[3]
    kept = [(q.prompt, q.answer) for q in first[:3]]
    again = generate_questions(lessons, only=[3], avoid={3: kept})[3]
    for q in again:
        assert (q.prompt, q.answer) not in kept
    reworded = [(first[0].prompt.replace(".", " ."), first[0].answer)]
    assert first[0].prompt not in [
        q.prompt for q in generate_questions(lessons, avoid={3: reworded})[3]
    ]


def test_nothing_in_the_package_imports_django():
    package = ROOT / "quizzes" / "generation"
    for path in package.glob("*.py"):
        source = path.read_text()
        assert "import django" not in source and "from django" not in source, path.name
    code = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r}); import quizzes.generation; "
        "print(any(name.startswith('django') for name in sys.modules))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"


def test_module_files_stay_small():
    for path in Path(ROOT / "quizzes" / "generation").glob("*.py"):
        assert len(path.read_text().splitlines()) <= 420, path.name
