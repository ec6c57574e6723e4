"""A question bank in the database for the interchange tests: every kind, with every
field some format carries (alternatives, choice feedback, explanations, source
sentences), plus a draft, a retired question and an archived lesson that no export
includes."""

from __future__ import annotations

from django.utils import timezone

from accounts.models import User
from quizzes.models import Choice, Document, Lesson, Question, QuestionKind, QuestionStatus

TRICKY = 'Café: {a} = b ~ c # d \\ e "quoted" ’s <b>&amp; * %50% _ :: }}'


def comparable(question: Question) -> tuple:
    """What a round trip must keep of a question."""
    return (
        question.kind,
        question.prompt,
        question.answer,
        list(question.accepted_answers),
        question.explanation,
        [(c.text, c.is_correct, c.feedback) for c in question.choices.order_by("position")],
    )


def make_bank(owner: User, *, title: str = "Printing and paper", lessons: int = 2) -> Document:
    document = Document.objects.create(
        owner=owner, title=title, source_text=title, checksum="0" * 64
    )
    for n in range(1, lessons + 1):
        lesson = Lesson.objects.create(
            document=document,
            position=n,
            heading=f"Chapter {n}",
            body=f"Gutenberg printed the Bible in Mainz around 1455 (chapter {n}).",
            content_hash=f"{n:064d}",
        )
        add_questions(lesson, n)
    archived = Lesson.objects.create(
        document=document,
        position=lessons + 1,
        heading="Old chapter",
        body="Gone.",
        content_hash="f" * 64,
        archived_at=timezone.now(),
    )
    _question(archived, QuestionKind.FLASHCARD, 1, prompt="archived", answer="never exported")
    return document


def add_questions(lesson: Lesson, n: int) -> list[Question]:
    sentence = lesson.body
    questions = [
        _question(
            lesson,
            QuestionKind.CLOZE,
            1,
            prompt=f"_____ printed the Bible in Mainz ({n}).",
            answer="Gutenberg",
            accepted_answers=["Johannes Gutenberg"],
            explanation="Around 1455.",
            source_sentence=sentence,
        ),
        _question(
            lesson,
            QuestionKind.MULTIPLE_CHOICE,
            2,
            prompt=f"Where was the Bible printed? ({n})",
            answer="Mainz",
            explanation="On the Rhine.",
            source_sentence=sentence,
        ),
        _question(
            lesson,
            QuestionKind.TRUE_FALSE,
            3,
            prompt=f"The Bible was printed in Paris. ({n})",
            answer="false",
            explanation="It was Mainz.",
        ),
        _question(
            lesson,
            QuestionKind.SHORT_ANSWER,
            4,
            prompt=f"Who printed the Bible in Mainz? ({n})\nGive the surname.",
            answer="Gutenberg",
            accepted_answers=["Johannes Gutenberg", "Gensfleisch"],
            explanation="Born Gensfleisch.",
        ),
        _question(
            lesson,
            QuestionKind.FLASHCARD,
            5,
            prompt=f"Movable type ({n})",
            answer="Letters cast one by one, set and reused.",
        ),
        _question(
            lesson,
            QuestionKind.SHORT_ANSWER,
            6,
            prompt=f"{TRICKY} ({n})",
            answer=TRICKY,
            explanation=TRICKY,
        ),
    ]
    Choice.objects.bulk_create(
        Choice(question=questions[1], text=text, is_correct=right, feedback=feedback, position=i)
        for i, (text, right, feedback) in enumerate(
            [
                ("Lyon", False, "No, that is in France."),
                ("Mainz", True, "Yes: the Gutenberg workshop."),
                ("Basel", False, ""),
                (TRICKY, False, TRICKY),
            ]
        )
    )
    _question(lesson, QuestionKind.CLOZE, 7, prompt="Draft _____", answer="x", status="draft")
    _question(lesson, QuestionKind.CLOZE, 8, prompt="Retired _____", answer="y", status="retired")
    return questions


def _question(lesson: Lesson, kind: str, position: int, **fields: object) -> Question:
    return Question.objects.create(
        lesson=lesson,
        kind=kind,
        status=fields.pop("status", QuestionStatus.PUBLISHED),
        position=position,
        **fields,
    )


def published(document: Document) -> list[Question]:
    """The questions an export holds, in its order."""
    return list(
        Question.objects.published()
        .filter(lesson__document=document, lesson__archived_at__isnull=True)
        .order_by("lesson__position", "position")
    )


def empty_lesson(owner: User, title: str = "Imports") -> Lesson:
    document = Document.objects.create(
        owner=owner, title=title, source_text=title, checksum="1" * 64
    )
    return Lesson.objects.create(
        document=document, position=1, heading="Imported", body="-", content_hash="2" * 64
    )
