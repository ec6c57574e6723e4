"""Importing documents: bytes to a Document and its Lessons, and re-imports."""

from __future__ import annotations

import hashlib
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from quizzes import ingest
from quizzes.models import Document, Lesson, Question, QuestionOrigin, QuestionStatus
from quizzes.services.questions import GenerationResult, generate_questions


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


class LessonOutcome(models.TextChoices):
    """What a re-import did to one lesson."""

    NEW = "new", gettext_lazy("new")
    UPDATED = "updated", gettext_lazy("updated")
    UNCHANGED = "unchanged", gettext_lazy("unchanged")
    ARCHIVED = "archived", gettext_lazy("archived")


@dataclass(frozen=True)
class LessonResult:
    """One lesson of an import: what happened to it, and the heading it had before when
    the import renamed it (so the teacher recognises the lesson)."""

    lesson: Lesson
    outcome: LessonOutcome
    previous_heading: str = ""


@dataclass
class ImportResult:
    document: Document
    document_created: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    archived: int = 0
    generation: GenerationResult | None = None
    lessons: list[LessonResult] = field(default_factory=list)
    """Every lesson the import matched, created or archived: the sections in document
    order, then the lessons archived because their section is gone."""

    @property
    def changed(self) -> bool:
        return self.document_created or bool(self.created or self.updated or self.archived)

    def record(self, lesson: Lesson, outcome: LessonOutcome, previous_heading: str = "") -> None:
        """Note what happened to a lesson, keeping the counts in step with the list."""
        self.lessons.append(LessonResult(lesson, outcome, previous_heading))
        counter = "created" if outcome == LessonOutcome.NEW else str(outcome)
        setattr(self, counter, getattr(self, counter) + 1)

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
    open_to_all: bool = False,
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
    ``open_to_all`` applies to a new document; a re-import keeps who studies it.
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
        document.open_to_all = open_to_all
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
            lesson = Lesson(
                document=document,
                position=position,
                heading=section.heading,
                body=section.body,
                content_hash=body_hash,
            )
            to_create.append(lesson)
            result.record(lesson, LessonOutcome.NEW)
            continue
        content_changed = (lesson.heading, lesson.content_hash) != (section.heading, body_hash)
        if content_changed or lesson.is_archived:
            renamed = lesson.heading if lesson.heading != section.heading else ""
            result.record(lesson, LessonOutcome.UPDATED, previous_heading=renamed)
        else:
            result.record(lesson, LessonOutcome.UNCHANGED)
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
            result.record(lesson, LessonOutcome.ARCHIVED)

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
