"""Generating questions for lessons, the teacher's bulk status changes, duplicating
questions and putting a lesson's questions in order."""

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
    last_position: dict[int, int] = defaultdict(int)
    for lesson_id, prompt, answer, origin, status, position in Question.objects.filter(
        lesson_id__in=targets
    ).values_list("lesson_id", "prompt", "answer", "origin", "status", "position"):
        avoid[lesson_id].append((prompt, answer))
        last_position[lesson_id] = max(last_position[lesson_id], position)
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
        start = last_position[lesson_id] + 1  # after the questions kept, in their order
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


@transaction.atomic
def duplicate_questions(*, questions: Sequence[Question]) -> list[Question]:
    """Copy each question and its choices as a draft the teacher wrote, placed right
    after its original in the lesson; the copies come back in the order given.

    As Moodle names a duplicate, the copy's prompt ends in "(copy)", so the list tells
    the two apart until the teacher rewords it. The copy keeps the source sentence (the
    teacher still sees where it came from) but not the generator's score: it is the
    teacher's question, which regeneration never replaces. Each lesson touched is
    renumbered 1..n.
    """
    wanted = list(dict.fromkeys(question.pk for question in questions))
    originals = {
        question.pk: question
        for question in Question.objects.filter(pk__in=wanted)
        .select_for_update()
        .prefetch_related("choices")
    }
    copies: dict[int, Question] = {}
    for pk in wanted:
        original = originals.get(pk)
        if original is None:
            continue  # deleted meanwhile
        copies[pk] = Question(
            lesson_id=original.lesson_id,
            kind=original.kind,
            status=QuestionStatus.DRAFT,
            origin=QuestionOrigin.AUTHORED,
            position=original.position,
            prompt=_("%(prompt)s (copy)") % {"prompt": original.prompt},
            answer=original.answer,
            accepted_answers=list(original.accepted_answers),
            accent_sensitive=original.accent_sensitive,
            explanation=original.explanation,
            answer_type=original.answer_type,
            source_sentence=original.source_sentence,
            source_start=original.source_start,
            source_end=original.source_end,
        )
    Question.objects.bulk_create(copies.values())
    Choice.objects.bulk_create(
        Choice(
            question=copies[pk],
            text=choice.text,
            is_correct=choice.is_correct,
            feedback=choice.feedback,
            position=choice.position,
        )
        for pk in copies
        for choice in originals[pk].choices.all()
    )
    copy_of = {copy.pk: pk for pk, copy in copies.items()}
    for lesson_id in {copy.lesson_id for copy in copies.values()}:
        positions = _positions(lesson_id)
        order: list[int] = []
        for pk in positions:
            if pk in copy_of:
                continue  # it goes right after its original
            order.append(pk)
            if pk in copies:
                order.append(copies[pk].pk)
        _number(positions, order)
    return list(copies.values())


@transaction.atomic
def move_question(*, question: Question, by: int) -> int:
    """Move a question ``by`` places within its lesson (negative: earlier), stopping at
    either end, and renumber the lesson 1..n. Returns its new position."""
    positions = _positions(question.lesson_id)
    order = list(positions)
    index = order.index(question.pk)
    target = min(max(index + by, 0), len(order) - 1)
    order.insert(target, order.pop(index))
    _number(positions, order)
    return target + 1


@transaction.atomic
def place_question(*, question: Question, position: int | None) -> int:
    """Put a question at this place in its lesson (1 is first; None, or a place past the
    end, is last), the others keeping their order, and renumber the lesson 1..n. Returns
    its position."""
    positions = _positions(question.lesson_id)
    order = [pk for pk in positions if pk != question.pk]
    index = len(order) if position is None else min(max(position - 1, 0), len(order))
    order.insert(index, question.pk)
    _number(positions, order)
    return index + 1


@transaction.atomic
def renumber_questions(*, lesson: Lesson) -> None:
    """Number a lesson's questions 1..n in their current order (position, then id), so
    that the positions a teacher typed (gaps, ties) become a plain sequence."""
    positions = _positions(lesson.pk)
    _number(positions, list(positions))


def _positions(lesson_id: int) -> dict[int, int]:
    """The lesson's question ids in order, with their positions, locked until the
    transaction ends so two reorderings of one lesson cannot interleave."""
    return dict(
        Question.objects.select_for_update()
        .filter(lesson_id=lesson_id)
        .order_by("position", "id")
        .values_list("pk", "position")
    )


def _number(positions: dict[int, int], order: list[int]) -> None:
    """Give the questions positions 1..n in this order, writing only those that move."""
    moved = [
        Question(pk=pk, position=position)
        for position, pk in enumerate(order, start=1)
        if positions.get(pk) != position
    ]
    Question.objects.bulk_update(moved, ["position"], batch_size=500)
