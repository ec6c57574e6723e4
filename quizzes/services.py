"""Use cases that write. Each is one transaction; views, admin and commands call these."""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from quizzes import generation, ingest, scheduling
from quizzes.models import (
    CardState,
    Choice,
    Document,
    Lesson,
    Question,
    QuestionKind,
    QuestionOrigin,
    QuestionStatus,
    Rating,
    ReviewLog,
)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def ingest_limits() -> ingest.Limits:
    return ingest.Limits(
        max_bytes=settings.LECTERN_MAX_DOCUMENT_BYTES,
        max_line_bytes=settings.LECTERN_MAX_LINE_BYTES,
        max_uncompressed_bytes=settings.LECTERN_MAX_UNCOMPRESSED_BYTES,
        max_archive_entries=settings.LECTERN_MAX_ARCHIVE_ENTRIES,
        max_sections=settings.LECTERN_MAX_SECTIONS,
    )


def read_document(
    data: bytes, *, filename: str | None = None, source_format: str = "auto"
) -> ingest.ParsedDocument:
    """Parse a document with the configured limits. Raises ``ingest.IngestError``."""
    return ingest.parse(data, format=source_format, filename=filename, limits=ingest_limits())


class DocumentImportError(ValueError):
    """The import cannot go ahead; the message says why, in one line."""


def _unused_title(owner: User, title: str) -> str:
    taken = set(
        Document.objects.filter(owner=owner, title__startswith=title).values_list(
            "title", flat=True
        )
    )
    number = 1
    candidate = title
    while candidate in taken:
        number += 1
        candidate = f"{title} ({number})"
    return candidate


@dataclass
class ImportResult:
    document: Document
    document_created: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    archived: int = 0
    generation: GenerationResult | None = None

    @property
    def changed(self) -> bool:
        return self.document_created or bool(self.created or self.updated or self.archived)

    def summary(self) -> str:
        text = _(
            "“%(title)s”: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
            "%(archived)d archived"
        ) % {
            "title": self.document.title,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "archived": self.archived,
        }
        if self.generation is not None:
            text += "; " + self.generation.summary()
        return text


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


def _heading_key(heading: str) -> str:
    return " ".join(heading.casefold().split())


class _Pool:
    """Existing lessons waiting to be matched, findable by several keys, each used once."""

    def __init__(self, lessons: list[Lesson]) -> None:
        # Active lessons first so a section re-attaches to the live lesson before an
        # archived look-alike; within each, document order.
        ordered = sorted(
            lessons, key=lambda lesson: (lesson.is_archived, lesson.position, lesson.pk)
        )
        self.taken: set[int] = set()
        self.by_exact: dict[tuple[str, str], deque[Lesson]] = defaultdict(deque)
        self.by_body: dict[str, deque[Lesson]] = defaultdict(deque)
        self.by_heading: dict[str, deque[Lesson]] = defaultdict(deque)
        for lesson in ordered:
            self.by_exact[(_heading_key(lesson.heading), lesson.content_hash)].append(lesson)
            self.by_body[lesson.content_hash].append(lesson)
            self.by_heading[_heading_key(lesson.heading)].append(lesson)
        self.lessons = ordered

    def take(self, index: dict, key: object) -> Lesson | None:
        queue = index.get(key)
        while queue:
            lesson = queue.popleft()
            if lesson.pk not in self.taken:
                self.taken.add(lesson.pk)
                return lesson
        return None

    def untaken(self) -> list[Lesson]:
        return [lesson for lesson in self.lessons if lesson.pk not in self.taken]


@transaction.atomic
def import_document(
    *,
    owner: User,
    parsed: ingest.ParsedDocument,
    source_name: str = "",
    title: str | None = None,
    document: Document | None = None,
    generate: bool = True,
    publish: bool = False,
) -> ImportResult:
    """Store a parsed document and one lesson per section, or re-import into an existing
    document (the one given, else the owner's document with the same title).

    Sections are matched to existing lessons by heading and content hash: first both, then
    the body alone (a renamed heading), then the heading alone (an edited body). Matched
    unchanged lessons keep their ids and everything attached; edited ones are updated and
    their generated questions whose source sentence vanished are retired; lessons whose
    section disappeared are archived, never deleted. The same file twice writes nothing.

    With ``generate`` (the default), new and edited lessons get generated questions, as
    drafts or, with ``publish``, published; unchanged lessons keep theirs untouched.
    """
    title = (title or "").strip()
    if document is None and not title and parsed.title == ingest.DEFAULT_TITLE:
        # Nothing names this document: never re-import into another untitled one.
        title = _unused_title(owner, parsed.title)
    if document is None:
        title = title or parsed.title
        document = Document.objects.filter(owner=owner, title=title).first()
    else:
        title = title or document.title
        if Document.objects.filter(owner=owner, title=title).exclude(pk=document.pk).exists():
            raise DocumentImportError(f"There is already a document called “{title}”.")
    result = ImportResult(document=document or Document(owner=owner, title=title))
    checksum = sha256(parsed.text)

    if document is None:
        document = result.document
        _fill_document(document, parsed=parsed, checksum=checksum, source_name=source_name)
        document.save()
        result.document_created = True
    elif (document.checksum, document.title) != (checksum, title):
        document.title = title
        _fill_document(document, parsed=parsed, checksum=checksum, source_name=source_name)
        document.save()

    existing = list(document.lessons.all()) if not result.document_created else []
    pool = _Pool(existing)
    now = timezone.now()
    to_create: list[Lesson] = []
    to_update: list[Lesson] = []
    edited: list[Lesson] = []
    # Match in passes over all sections, strictest first, so that a section with an exact
    # twin is never stolen by an earlier section's looser match (repeated headings).
    keys = [(_heading_key(section.heading), sha256(section.body)) for section in parsed.sections]
    matches: list[Lesson | None] = [pool.take(pool.by_exact, key) for key in keys]
    for index, (_key, body_hash) in enumerate(keys):
        if matches[index] is None:
            matches[index] = pool.take(pool.by_body, body_hash)
    for index, (heading_key, _hash) in enumerate(keys):
        if matches[index] is None:
            matches[index] = pool.take(pool.by_heading, heading_key)

    for position, (section, lesson, (_key, body_hash)) in enumerate(
        zip(parsed.sections, matches, keys, strict=True)
    ):
        if lesson is None:
            to_create.append(
                Lesson(
                    document=document,
                    position=position,
                    heading=section.heading,
                    body=section.body,
                    content_hash=body_hash,
                )
            )
            result.created += 1
            continue
        content_changed = (lesson.heading, lesson.content_hash) != (section.heading, body_hash)
        if content_changed or lesson.is_archived:
            result.updated += 1
        else:
            result.unchanged += 1
        if lesson.content_hash != body_hash:
            edited.append(lesson)
        if content_changed or lesson.is_archived or lesson.position != position:
            lesson.heading, lesson.body, lesson.content_hash = (
                section.heading,
                section.body,
                body_hash,
            )
            lesson.position, lesson.archived_at, lesson.updated_at = position, None, now
            to_update.append(lesson)

    for lesson in pool.untaken():
        if not lesson.is_archived:
            lesson.archived_at = lesson.updated_at = now
            to_update.append(lesson)
            result.archived += 1

    Lesson.objects.bulk_create(to_create, batch_size=500)
    Lesson.objects.bulk_update(
        to_update,
        ["heading", "body", "content_hash", "position", "archived_at", "updated_at"],
        batch_size=500,
    )
    _retire_orphaned_questions(edited, now=now)
    if generate and (to_create or edited):
        result.generation = generate_questions(lessons=[*to_create, *edited], publish=publish)
    return result


def _fill_document(
    document: Document, *, parsed: ingest.ParsedDocument, checksum: str, source_name: str
) -> None:
    document.source_format = parsed.format
    document.source_text = parsed.text
    document.source_name = source_name[:255]
    document.checksum = checksum


def _retire_orphaned_questions(lessons: list[Lesson], *, now: datetime) -> None:
    """Generated questions whose source sentence is gone from an edited lesson are retired.
    Questions a teacher wrote or edited are never touched."""
    if not lessons:
        return
    bodies = {lesson.pk: lesson.body for lesson in lessons}
    candidates = (
        Question.objects.filter(
            lesson_id__in=bodies, origin=QuestionOrigin.GENERATED, teacher_edited=False
        )
        .exclude(status=QuestionStatus.RETIRED)
        .exclude(source_sentence="")
        .only("id", "lesson_id", "source_sentence")
    )
    orphaned = [q.pk for q in candidates if q.source_sentence not in bodies[q.lesson_id]]
    Question.objects.filter(pk__in=orphaned).update(status=QuestionStatus.RETIRED, updated_at=now)


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


# --- Reviews --------------------------------------------------------------------------

MAX_REVIEWS_PER_BATCH = 1000
FUTURE_SKEW = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class ReviewInput:
    id: uuid.UUID
    question_id: int
    rating: int
    reviewed_at: datetime
    duration_ms: int | None = None
    device: str = ""


class ReviewBatchError(ValueError):
    """The batch is refused whole. ``errors`` lists ``{"index", "field", "message"}``."""

    def __init__(self, errors: list[dict[str, object]]) -> None:
        super().__init__("; ".join(f"{e['index']}.{e['field']}: {e['message']}" for e in errors))
        self.errors = errors


@dataclass
class RecordResult:
    accepted: list[uuid.UUID]
    duplicates: list[uuid.UUID]
    card_states: list[CardState]


def _review_errors(
    user: User, reviews: Sequence[tuple[int, ReviewInput]], now: datetime
) -> list[dict[str, object]]:
    """What is wrong with each (batch index, review) pair."""
    studyable = set(
        Question.objects.published()
        .filter(
            pk__in={r.question_id for _, r in reviews},
            lesson__in=Lesson.objects.visible_to(user),
        )
        .values_list("pk", flat=True)
    )
    errors: list[dict[str, object]] = []
    for index, review in reviews:
        if review.question_id not in studyable:
            errors.append(
                {"index": index, "field": "question", "message": "No such question to study."}
            )
        if review.rating not in Rating.values:
            errors.append({"index": index, "field": "rating", "message": "Rating must be 1 to 4."})
        if timezone.is_naive(review.reviewed_at):
            errors.append(
                {"index": index, "field": "reviewed_at", "message": "Give a UTC offset."}
            )
        elif review.reviewed_at > now + FUTURE_SKEW:
            errors.append(
                {"index": index, "field": "reviewed_at", "message": "This time is in the future."}
            )
    return errors


@transaction.atomic
def record_reviews(
    *, user: User, reviews: Sequence[ReviewInput], now: datetime | None = None
) -> RecordResult:
    """Store a batch of reviews, all or nothing, and recompute the touched cards.

    A review whose id is already stored (or repeats earlier in the batch) is a duplicate:
    reported and not applied again, whatever its body says. Card states are replayed
    from all of the student's logs for each touched card, so the result does not depend
    on the order or batching in which reviews arrive.
    """
    now = now or timezone.now()
    if len(reviews) > MAX_REVIEWS_PER_BATCH:
        raise ReviewBatchError(
            [
                {
                    "index": None,
                    "field": "reviews",
                    "message": f"At most {MAX_REVIEWS_PER_BATCH} reviews in one batch.",
                }
            ]
        )
    ids = [review.id for review in reviews]
    stored = set(ReviewLog.objects.filter(pk__in=ids).values_list("pk", flat=True))
    # A retried batch must go through even if a question was retired since: reviews
    # already stored are duplicates and are not checked again.
    errors = _review_errors(
        user, [(i, r) for i, r in enumerate(reviews) if r.id not in stored], now
    )
    if errors:
        raise ReviewBatchError(errors)
    fresh: dict[uuid.UUID, ReviewInput] = {}
    duplicates: list[uuid.UUID] = []
    for review in reviews:
        if review.id in stored or review.id in fresh:
            duplicates.append(review.id)
        else:
            fresh[review.id] = review
    ReviewLog.objects.bulk_create(
        [
            ReviewLog(
                id=review.id,
                user=user,
                question_id=review.question_id,
                rating=review.rating,
                reviewed_at=review.reviewed_at,
                duration_ms=review.duration_ms,
                device=review.device[:100],
            )
            for review in fresh.values()
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    states = replay_card_states(user=user, question_ids={r.question_id for r in fresh.values()})
    return RecordResult(accepted=list(fresh), duplicates=duplicates, card_states=states)


def replay_card_states(*, user: User, question_ids: Iterable[int]) -> list[CardState]:
    """Recompute (and store) the card state of each question from the user's logs."""
    question_ids = set(question_ids)
    if not question_ids:
        return []
    logs: dict[int, list[scheduling.Review]] = defaultdict(list)
    for question_id, log_id, rating, reviewed_at in ReviewLog.objects.filter(
        user=user, question_id__in=question_ids
    ).values_list("question_id", "id", "rating", "reviewed_at"):
        logs[question_id].append(
            scheduling.Review(id=str(log_id), rating=rating, reviewed_at=reviewed_at)
        )
    states = []
    for question_id, question_logs in sorted(logs.items()):
        snapshot = scheduling.replay(
            question_logs, card_id=question_id, new_due=min(r.reviewed_at for r in question_logs)
        )
        states.append(
            CardState(
                user=user,
                question_id=question_id,
                state=snapshot.state,
                step=snapshot.step,
                stability=snapshot.stability,
                difficulty=snapshot.difficulty,
                due=snapshot.due,
                last_review=snapshot.last_review,
                reps=snapshot.reps,
                lapses=snapshot.lapses,
            )
        )
    CardState.objects.bulk_create(
        states,
        update_conflicts=True,
        unique_fields=["user", "question"],
        update_fields=[
            "state",
            "step",
            "stability",
            "difficulty",
            "due",
            "last_review",
            "reps",
            "lapses",
            "updated_at",
        ],
    )
    return states
