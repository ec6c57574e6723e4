"""Generating questions for lessons, and the teacher's bulk status changes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from quizzes import generation
from quizzes.models import Choice, Lesson, Question, QuestionKind, QuestionOrigin, QuestionStatus


@dataclass
class GenerationResult:
    lessons: int = 0
    created: int = 0
    replaced: int = 0
    kept: int = 0
    published: bool = False

    def summary(self) -> str:
        values = {"created": self.created, "replaced": self.replaced, "kept": self.kept}
        if self.published:
            return _("%(created)d questions published (%(kept)d kept)") % values
        return (
            _("%(created)d draft questions to review (%(replaced)d replaced, %(kept)d kept)")
            % values
        )


@transaction.atomic
def generate_questions(
    *, lessons: Sequence[Lesson], publish: bool = False, per_lesson: int | None = None
) -> GenerationResult:
    """(Re)generate questions for these lessons.

    Only untouched generated drafts are replaced; whatever a teacher authored, edited,
    published or retired stays, and the generator is told to avoid asking those again.
    A lesson gets at most ``per_lesson`` generated questions in all (the setting
    LECTERN_QUESTIONS_PER_LESSON by default), counting the generated ones it keeps.
    Every active lesson of the document feeds the distractor pools.
    """
    per_lesson = per_lesson or settings.LECTERN_QUESTIONS_PER_LESSON
    targets = {lesson.pk: lesson for lesson in lessons if not lesson.is_archived}
    result = GenerationResult(lessons=len(targets), published=publish)
    if not targets:
        return result
    replaceable = Question.objects.filter(lesson_id__in=targets).replaceable()
    result.replaced = replaceable.delete()[1].get("quizzes.Question", 0)  # choices cascade

    avoid: dict[int, list[tuple[str, str]]] = defaultdict(list)
    kept_generated: dict[int, int] = defaultdict(int)
    for lesson_id, prompt, answer, origin, status in Question.objects.filter(
        lesson_id__in=targets
    ).values_list("lesson_id", "prompt", "answer", "origin", "status"):
        avoid[lesson_id].append((prompt, answer))
        result.kept += 1
        if origin == QuestionOrigin.GENERATED and status != QuestionStatus.RETIRED:
            kept_generated[lesson_id] += 1

    # One generator call per document: its lessons are the distractor pool, and no
    # document (or teacher) lends its terms to another's questions.
    drafts: dict[int, list[generation.QuestionDraft]] = {}
    for document_id, texts in _document_texts(targets.values()).items():
        wanted = {pk for pk, lesson in targets.items() if lesson.document_id == document_id}
        drafts |= generation.generate_questions(
            texts,
            per_lesson=per_lesson,
            only=wanted,
            avoid={pk: avoid[pk] for pk in wanted if pk in avoid},
        )
    status = QuestionStatus.PUBLISHED if publish else QuestionStatus.DRAFT
    questions: list[Question] = []
    choices: list[tuple[Question, list[generation.ChoiceDraft]]] = []
    for lesson_id, lesson_drafts in drafts.items():
        room = max(0, per_lesson - kept_generated[lesson_id])
        start = len(avoid[lesson_id])
        for offset, draft in enumerate(lesson_drafts[:room]):
            question = _question_from_draft(draft, lesson_id=lesson_id, status=status)
            question.position = start + offset
            questions.append(question)
            if draft.choices:
                choices.append((question, list(draft.choices)))
    Question.objects.bulk_create(questions, batch_size=500)
    Choice.objects.bulk_create(
        [
            Choice(question=question, text=choice.text, is_correct=choice.is_correct, position=n)
            for question, drafts_ in choices
            for n, choice in enumerate(drafts_)
        ],
        batch_size=1000,
    )
    result.created = len(questions)
    return result


def _document_texts(lessons: Iterable[Lesson]) -> dict[int, list[generation.LessonText]]:
    """Every active lesson of the documents these lessons belong to, by document."""
    texts: dict[int, list[generation.LessonText]] = defaultdict(list)
    for pk, document_id, heading, body in (
        Lesson.objects.active()
        .filter(document_id__in={lesson.document_id for lesson in lessons})
        .order_by("document_id", "position")
        .values_list("pk", "document_id", "heading", "body")
    ):
        texts[document_id].append(generation.LessonText(key=pk, heading=heading, body=body))
    return texts


def _question_from_draft(
    draft: generation.QuestionDraft, *, lesson_id: int, status: str
) -> Question:
    return Question(
        lesson_id=lesson_id,
        kind=QuestionKind(draft.kind),
        status=status,
        origin=QuestionOrigin.GENERATED,
        prompt=draft.prompt,
        answer=draft.answer,
        accepted_answers=list(draft.accepted_answers),
        explanation=draft.explanation,
        source_sentence=draft.source_sentence,
        source_start=draft.source_start,
        source_end=draft.source_end,
        answer_type=draft.answer_type[:20],
        generation_score=draft.score,
    )


@transaction.atomic
def set_question_status(*, questions: QuerySet[Question], status: str) -> int:
    """Publish or retire questions in bulk. Returns how many changed."""
    return questions.exclude(status=status).update(status=status, updated_at=timezone.now())
