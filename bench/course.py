"""The published course the page and sync benchmarks share: documents of lessons of ten
questions each (three cloze, two multiple choice, two true/false, two short answer, a
flashcard), written in bulk. Cloze answers are "autumn", multiple choice "Port Wren"."""

from __future__ import annotations

from typing import Any

SENTENCES = [
    "The river {n} rises in the hills above the town of Alder.",
    "It flows for {k} kilometres before it reaches the sea at Port Wren.",
    "Salmon return to the river {n} every autumn to spawn in its gravel beds.",
    "A stone bridge built in {year} still carries the old road across it.",
]
# Per lesson: the kind of each of its ten questions.
KINDS = [
    "cloze",
    "cloze",
    "cloze",
    "multiple_choice",
    "multiple_choice",
    "true_false",
    "true_false",
    "short_answer",
    "short_answer",
    "flashcard",
]


def published_course(owner: Any, *, documents: int, lessons: int) -> tuple[list[Any], list[Any]]:
    """``documents`` x ``lessons`` x 10 published questions owned by ``owner``; returns
    the lessons and the questions."""
    from quizzes.models import Choice, Document, Lesson, Question, QuestionStatus

    made = Document.objects.bulk_create(
        Document(
            owner=owner,
            title=f"Course {d:02d}: rivers and coasts",
            source_text="A generated course.",
            checksum=f"{d:064d}",
            open_to_all=True,
        )
        for d in range(documents)
    )
    all_lessons = Lesson.objects.bulk_create(
        Lesson(
            document=document,
            position=p,
            heading=f"Lesson {p} of course {document.pk}",
            body=" ".join(SENTENCES).format(n=p, k=10 + p, year=1700 + p),
            content_hash=f"{document.pk:032d}{p:032d}",
        )
        for document in made
        for p in range(1, lessons + 1)
    )
    questions = Question.objects.bulk_create(
        _question(lesson, position, kind)
        for lesson in all_lessons
        for position, kind in enumerate(KINDS, start=1)
    )
    Choice.objects.bulk_create(
        Choice(question=question, text=text, is_correct=i == 0, position=i)
        for question in questions
        if question.kind == "multiple_choice"
        for i, text in enumerate(["Port Wren", "Alder", "Kestrel Bay", "Easthaven"])
    )
    assert all(q.status == QuestionStatus.PUBLISHED for q in questions)
    return all_lessons, questions


def _question(lesson: Any, position: int, kind: str) -> Any:
    from quizzes.models import Question, QuestionStatus

    sentence = lesson.body.split(". ")[position % 3].rstrip(".") + "."
    start = lesson.body.index(sentence)
    answers = {
        "cloze": ("autumn", f"Salmon return to the river {lesson.position} every _____."),
        "multiple_choice": ("Port Wren", "Where does the river reach the sea?"),
        "true_false": ("true", "The river rises in the hills above Alder."),
        "short_answer": ("Alder", "Above which town does the river rise?"),
        "flashcard": ("Port Wren", "The river's mouth"),
    }
    answer, prompt = answers[kind]
    return Question(
        lesson=lesson,
        kind=kind,
        status=QuestionStatus.PUBLISHED,
        position=position,
        prompt=f"{prompt} ({position})",
        answer=answer,
        source_sentence=sentence,
        source_start=start,
        source_end=start + len(sentence),
    )
