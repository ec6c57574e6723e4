"""Questions to and from the tools teachers already use: a document's published questions
exported as an Anki package, Moodle GIFT, Moodle XML or Quizlet CSV; a GIFT, Moodle XML or
CSV file imported into a lesson.

The formats themselves live in ``quizzes.interop`` (pure Python); this module maps them
onto the models. An import is all or nothing: every problem in the file is reported with
its line, and then nothing is stored.

Imported questions are *authored* and, unless the caller asks for drafts, *published*:
a teacher importing a question bank from Moodle or a Quizlet set has already written and
checked it, just as a question written in the admin is published from the start.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from quizzes import ingest
from quizzes.interop import (
    InterchangeChoice,
    InterchangeError,
    InterchangeQuestion,
    Problem,
    apkg,
    gift,
    moodle_xml,
    quizlet_csv,
)
from quizzes.models import (
    Choice,
    Document,
    Lesson,
    Question,
    QuestionKind,
    QuestionOrigin,
    QuestionStatus,
)

EXPORT_FORMATS = ("apkg", "gift", "xml", "csv")
IMPORT_FORMATS = ("gift", "xml", "csv")
FORMAT_NAMES = {
    "apkg": _lazy("Anki package (.apkg)"),
    "gift": _lazy("Moodle GIFT (.txt)"),
    "xml": _lazy("Moodle XML (.xml)"),
    "csv": _lazy("Quizlet CSV: term and definition (.csv)"),
}
"""What each format is called where a teacher chooses one."""

MAX_IMPORT_BYTES = 5 * 1024 * 1024

_FILES = {  # format -> (file name ending, content type)
    "apkg": (".apkg", "application/apkg"),
    "gift": (".gift.txt", "text/plain; charset=utf-8"),
    "xml": (".xml", "application/xml; charset=utf-8"),
    "csv": (".csv", "text/csv; charset=utf-8"),
}
_TEXT_FORMATS = {"gift": gift, "xml": moodle_xml, "csv": quizlet_csv}


@dataclass(frozen=True)
class ExportedFile:
    content: bytes
    filename: str
    content_type: str
    questions: int


@dataclass(frozen=True)
class ImportedQuestions:
    lesson: Lesson
    questions: list[Question]
    published: bool

    def summary(self) -> str:
        values = {"n": len(self.questions), "lesson": self.lesson.heading}
        if self.published:
            return (
                ngettext(
                    "%(n)d question imported into “%(lesson)s” and published.",
                    "%(n)d questions imported into “%(lesson)s” and published.",
                    values["n"],
                )
                % values
            )
        return (
            ngettext(
                "%(n)d question imported into “%(lesson)s” as a draft to review.",
                "%(n)d questions imported into “%(lesson)s” as drafts to review.",
                values["n"],
            )
            % values
        )


class QuestionImportError(ValueError):
    """Nothing was imported. ``message`` says why, for the teacher; ``problems`` lists
    each bad line of the file as (line, what is wrong), in line order."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        self.message = message
        self.problems = sorted(problems)
        lines = [f"Line {line}: {text}" for line, text in self.problems]
        super().__init__("\n".join([message, *lines]))


# ---------------------------------------------------------------- export


def export_document(*, document: Document, format: str) -> ExportedFile:
    """The document's published questions, from its active lessons in lesson and question
    order, as a file of the given format. Two queries, whatever the document's size."""
    if format not in EXPORT_FORMATS:
        raise ValueError(f"Unknown export format {format!r}.")
    rows = (
        Question.objects.published()
        .filter(lesson__document=document, lesson__archived_at__isnull=True)
        .order_by("lesson__position", "lesson_id", "position", "pk")
        .values_list(
            "pk", "kind", "prompt", "answer", "accepted_answers", "explanation", "source_sentence"
        )
    )
    choices: dict[int, list[InterchangeChoice]] = defaultdict(list)
    for question_id, text, correct, feedback in (
        Choice.objects.filter(
            question__lesson__document=document,
            question__lesson__archived_at__isnull=True,
            question__status=QuestionStatus.PUBLISHED,
            question__kind=QuestionKind.MULTIPLE_CHOICE,
        )
        .order_by("question_id", "position", "pk")
        .values_list("question_id", "text", "is_correct", "feedback")
    ):
        choices[question_id].append(InterchangeChoice(text, correct, feedback))
    # (question id, source sentence, the question as the formats take it)
    items = [
        (
            pk,
            source,
            InterchangeQuestion(
                kind=kind,
                prompt=prompt,
                answer=answer,
                alternatives=tuple(str(item) for item in alternatives or ()),
                choices=tuple(choices.get(pk, ())),
                explanation=explanation,
            ),
        )
        for pk, kind, prompt, answer, alternatives, explanation, source in rows
    ]
    if format == "apkg":
        content = apkg.dump(
            [apkg.AnkiCard(f"question:{pk}", item, source) for pk, source, item in items],
            deck_name=document.title,
            deck_key=f"document:{document.pk}",
        )
    else:
        content = _TEXT_FORMATS[format].dump(item for *_, item in items).encode()
    ending, content_type = _FILES[format]
    stem = slugify(document.title) or f"document-{document.pk}"
    return ExportedFile(content, stem + ending, content_type, len(items))


# ---------------------------------------------------------------- import


@transaction.atomic
def import_questions(
    *, lesson: Lesson, data: bytes, format: str, publish: bool = True
) -> ImportedQuestions:
    """Add every question of the file to the lesson, after its existing questions, or
    raise ``QuestionImportError`` listing every problem, and then store nothing."""
    if format not in IMPORT_FORMATS:
        raise QuestionImportError(
            _("Questions can be imported from %(formats)s, not “%(format)s”.")
            % {"formats": ", ".join(IMPORT_FORMATS), "format": format}
        )
    if len(data) > MAX_IMPORT_BYTES:
        size, limit = ingest.too_big(len(data), MAX_IMPORT_BYTES)
        raise QuestionImportError(
            _("The file is %(size)s; the limit is %(limit)s.") % {"size": size, "limit": limit}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise QuestionImportError(
            _("The file is not UTF-8 text (line %(line)d). Save it as UTF-8 and try again.")
            % {"line": line},
            [(line, "This line is not UTF-8 text.")],
        ) from None
    if "\x00" in text:
        # No database column takes it (PostgreSQL refuses it in text): say where it is.
        line = text[: text.index("\x00")].count("\n") + 1
        raise QuestionImportError(
            _("The file holds a null character (line %(line)d): it is not a text file.")
            % {"line": line},
            [(line, _("This line holds a null character."))],
        )
    try:
        loaded = _TEXT_FORMATS[format].load(text)
    except InterchangeError as error:
        raise _refused(error.problems) from None
    if not loaded:
        raise QuestionImportError(_("The file holds no questions."))

    lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)  # one import at a time
    if lesson.is_archived:
        raise QuestionImportError(
            _("“%(lesson)s” is archived: import into one of the document's current lessons.")
            % {"lesson": lesson.heading}
        )
    start = (lesson.questions.aggregate(last=Max("position"))["last"] or 0) + 1
    status = QuestionStatus.PUBLISHED if publish else QuestionStatus.DRAFT
    questions: list[Question] = []
    choices: list[list[Choice]] = []
    problems: list[Problem] = []
    for offset, item in enumerate(loaded):
        question, its_choices = _from_interchange(item, lesson, start + offset, status)
        problems.extend((item.line, message) for message in _check(question, its_choices))
        questions.append(question)
        choices.append(its_choices)
    if problems:
        raise _refused(problems)

    Question.objects.bulk_create(questions, batch_size=500)
    for question, its_choices in zip(questions, choices, strict=True):
        for choice in its_choices:
            choice.question = question
    Choice.objects.bulk_create([c for group in choices for c in group], batch_size=1000)
    return ImportedQuestions(lesson=lesson, questions=questions, published=publish)


def _refused(problems: Sequence[Problem]) -> QuestionImportError:
    return QuestionImportError(
        ngettext(
            "Nothing was imported: the file has a problem.",
            "Nothing was imported: the file has %(n)d problems.",
            len(problems),
        )
        % {"n": len(problems)},
        problems,
    )


def _from_interchange(
    item: InterchangeQuestion, lesson: Lesson, position: int, status: str
) -> tuple[Question, list[Choice]]:
    question = Question(
        lesson=lesson,
        kind=item.kind,
        status=status,
        origin=QuestionOrigin.AUTHORED,
        position=position,
        prompt=item.prompt,
        answer=item.answer,
        accepted_answers=list(item.alternatives),
        explanation=item.explanation,
    )
    choices = [
        Choice(text=choice.text, is_correct=choice.correct, feedback=choice.feedback, position=n)
        for n, choice in enumerate(item.choices)
    ]
    return question, choices


def _check(question: Question, choices: list[Choice]) -> list[str]:
    """What the models would refuse in this question, in words for the teacher."""
    found: list[str] = []
    try:
        question.full_clean(exclude=["lesson"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        found.extend(_messages(error, Question))
    for choice in choices:
        try:
            choice.full_clean(
                exclude=["question"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            found.extend(_messages(error, Choice, prefix=_("Choice “%s”") % choice.text[:40]))
    if question.kind == QuestionKind.MULTIPLE_CHOICE and (
        len(choices) < 2 or not any(choice.is_correct for choice in choices)
    ):
        found.append(
            _("A multiple-choice question needs at least two choices, one of them right.")
        )
    return found


def _messages(error: ValidationError, model: type, prefix: str = "") -> list[str]:
    found = []
    for field, messages in error.message_dict.items():
        label = prefix
        if not label and field != NON_FIELD_ERRORS:
            label = str(model._meta.get_field(field).verbose_name).capitalize()
        found.extend(f"{label}: {message}" if label else message for message in messages)
    return found
