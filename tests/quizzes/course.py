"""A course built row by row, for the student pages: every question kind, known answers.

``build_course`` is the shape every student-page test starts from: a document whose
lessons each hold one published question of every kind (the multiple-choice one with
four options, one right), plus a draft and a retired question that students must never
see. ``give_history`` writes a student's review logs in bulk and replays their cards.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from accounts.models import User
from quizzes.models import (
    Choice,
    Document,
    Lesson,
    Question,
    QuestionKind,
    QuestionStatus,
    ReviewLog,
)
from quizzes.services import replay_card_states

BODY = (
    "The river {n} rises in the hills above the town of Alder. "
    "It flows for 42 kilometres before it reaches the sea at Port Wren. "
    "Salmon return to the river {n} every autumn to spawn in its gravel beds."
)


@dataclass
class Course:
    document: Document
    lessons: list[Lesson]
    questions: dict[int, dict[str, Question]] = field(default_factory=dict)
    """lesson id -> kind -> the lesson's published question of that kind."""

    def published(self) -> list[Question]:
        return [q for by_kind in self.questions.values() for q in by_kind.values()]


def build_course(
    owner: User,
    *,
    title: str = "Rivers of the North",
    lessons: int = 2,
    extra_questions: int = 0,
    **document_fields: object,
) -> Course:
    """A document with ``lessons`` lessons, each with one published question of each kind
    (plus ``extra_questions`` more short-answer ones), a draft and a retired question.
    Open to all students unless ``open_to_all=False`` is given."""
    document_fields.setdefault("open_to_all", True)
    document = Document.objects.create(
        owner=owner, title=title, source_text=title, checksum="0" * 64, **document_fields
    )
    course = Course(document=document, lessons=[])
    for n in range(1, lessons + 1):
        lesson = Lesson.objects.create(
            document=document,
            position=n,
            heading=f"River {n}",
            body=BODY.format(n=n),
            content_hash=f"{n:064d}",
        )
        course.lessons.append(lesson)
        sentence = f"Salmon return to the river {n} every autumn to spawn in its gravel beds."

        def add(
            kind: str,
            position: int,
            lesson: Lesson = lesson,
            sentence: str = sentence,
            **fields: object,
        ) -> Question:
            return _question(lesson, sentence=sentence, kind=kind, position=position, **fields)

        kinds = {
            QuestionKind.CLOZE: add(
                QuestionKind.CLOZE,
                1,
                prompt=f"Salmon return to the river {n} every _____ to spawn.",
                answer="autumn",
                accepted_answers=["fall"],
                explanation="They spawn in autumn.",
            ),
            QuestionKind.MULTIPLE_CHOICE: add(
                QuestionKind.MULTIPLE_CHOICE,
                2,
                prompt=f"Where does the river {n} reach the sea?",
                answer="Port Wren",
                explanation="It reaches the sea at Port Wren.",
            ),
            QuestionKind.TRUE_FALSE: add(
                QuestionKind.TRUE_FALSE,
                3,
                prompt=f"The river {n} flows for 42 kilometres.",
                answer="true",
                explanation="It flows for 42 kilometres.",
            ),
            QuestionKind.SHORT_ANSWER: add(
                QuestionKind.SHORT_ANSWER,
                4,
                prompt=f"In which hills does the river {n} rise?",
                answer="the hills above Alder",
                accepted_answers=["Alder"],
            ),
            QuestionKind.FLASHCARD: add(
                QuestionKind.FLASHCARD,
                5,
                prompt=f"River {n}: length",
                answer="42 kilometres",
            ),
        }
        Choice.objects.bulk_create(
            Choice(
                question=kinds[QuestionKind.MULTIPLE_CHOICE], text=text, is_correct=ok, position=i
            )
            for i, (text, ok) in enumerate(
                [
                    ("Port Wren", True),
                    ("Alder", False),
                    ("Kestrel Bay", False),
                    ("Easthaven", False),
                ]
            )
        )
        for extra in range(extra_questions):
            add(
                QuestionKind.SHORT_ANSWER,
                10 + extra,
                prompt=f"Extra question {extra} on river {n}?",
                answer=f"extra {extra}",
            )
        add(QuestionKind.CLOZE, 98, prompt="Draft _____", answer="hidden", status="draft")
        add(QuestionKind.CLOZE, 99, prompt="Retired _____", answer="gone", status="retired")
        course.questions[lesson.pk] = kinds
    return course


def _question(
    lesson: Lesson, *, sentence: str, kind: str, position: int, **fields: object
) -> Question:
    start = lesson.body.index(sentence)
    return Question.objects.create(
        lesson=lesson,
        kind=kind,
        status=fields.pop("status", QuestionStatus.PUBLISHED),
        position=position,
        source_sentence=sentence,
        source_start=start,
        source_end=start + len(sentence),
        **fields,
    )


def give_history(
    user: User, questions: list[Question], *, reviews: int, start: datetime, rating: int = 3
) -> None:
    """``reviews`` review logs spread round-robin over ``questions``, one a day apart per
    card, written in bulk; then the cards' states are replayed from them."""
    logs = []
    for i in range(reviews):
        question = questions[i % len(questions)]
        logs.append(
            ReviewLog(
                id=uuid.uuid4(),
                user=user,
                question=question,
                rating=rating,
                reviewed_at=start + timedelta(days=i // len(questions), minutes=i % 60),
            )
        )
    ReviewLog.objects.bulk_create(logs, batch_size=1000)
    replay_card_states(user=user, question_ids={q.pk for q in questions})
