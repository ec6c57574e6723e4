"""Content: a teacher's Document, one Lesson per section, Questions and their Choices."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from accounts.models import User

SYNC_VERSION_HELP = _(
    "Where the row stands in its sync stream (quizzes.sync): the value of a SyncCounter "
    "taken in the transaction that last wrote it."
)


class SourceFormat(models.TextChoices):
    TEXT = "text", _("Plain text")
    MARKDOWN = "markdown", _("Markdown")
    HTML = "html", _("HTML")
    DOCX = "docx", _("Word (DOCX)")


class Feedback(models.TextChoices):
    IMMEDIATE = "immediate", _("After each question")
    DEFERRED = "deferred", _("At the end of the quiz")


class DocumentQuerySet(models.QuerySet["Document"]):
    def editable_by(self, user: User) -> DocumentQuerySet:
        """Documents this user may change: a superuser all, a teacher their own."""
        if user.is_superuser:
            return self.all()
        if not user.is_authenticated or not user.is_staff:
            return self.none()
        return self.filter(owner=user)

    def visible_to(self, user: User) -> DocumentQuerySet:
        """Documents this user may study: those open to all, those of the classes they
        belong to, and their own (a teacher tries out what students will see). A
        superuser sees every document."""
        from quizzes.models.classes import Membership

        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        in_a_class = Membership.objects.filter(student=user, classroom__documents=OuterRef("pk"))
        return self.filter(Q(open_to_all=True) | Q(owner=user) | Exists(in_a_class))


class Document(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=255)
    source_format = models.CharField(
        _("format"), max_length=16, choices=SourceFormat.choices, default=SourceFormat.TEXT
    )
    source_name = models.CharField(_("file name"), max_length=255, blank=True)
    source_text = models.TextField(_("source text"))
    checksum = models.CharField(max_length=64, help_text=_("SHA-256 of the source text"))
    open_to_all = models.BooleanField(
        _("open to all students"),
        default=False,
        help_text=_(
            "Every signed-in student may study it. Otherwise only the students of the "
            "classes it is assigned to."
        ),
    )
    # Quiz settings: they apply to every lesson quiz of the document and to its test.
    quiz_feedback = models.CharField(
        _("show feedback"),
        max_length=12,
        choices=Feedback.choices,
        default=Feedback.IMMEDIATE,
        help_text=_("When a student sees whether an answer was right."),
    )
    quiz_time_limit = models.PositiveIntegerField(
        _("time limit (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for no time limit."),
    )
    quiz_max_attempts = models.PositiveIntegerField(
        _("attempts allowed"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Per student and quiz. Leave empty for no limit."),
    )
    test_question_count = models.PositiveIntegerField(
        _("questions in the document test"),
        default=20,
        validators=[MinValueValidator(1)],
        help_text=_("A random subset of this many questions across all the lessons."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "title"], name="document_title_unique_per_owner"
            ),
            models.CheckConstraint(
                condition=Q(source_format__in=SourceFormat.values), name="document_format_valid"
            ),
            models.CheckConstraint(
                condition=Q(quiz_feedback__in=Feedback.values), name="document_feedback_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class LessonQuerySet(models.QuerySet["Lesson"]):
    def active(self) -> LessonQuerySet:
        return self.filter(archived_at__isnull=True)

    def editable_by(self, user: User) -> LessonQuerySet:
        return self.filter(document__in=Document.objects.editable_by(user))

    def visible_to(self, user: User) -> LessonQuerySet:
        return self.active().filter(document__in=Document.objects.visible_to(user))


class Lesson(models.Model):
    """One section of a document. Archived (never deleted) when its section disappears
    from a re-imported document, so progress and questions attached to it survive."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="lessons")
    position = models.PositiveIntegerField(_("position"))
    heading = models.CharField(_("heading"), max_length=300)
    body = models.TextField(_("body"), help_text=_("Markdown"))
    content_hash = models.CharField(max_length=64, help_text=_("SHA-256 of the body"))
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sync_version = models.BigIntegerField(
        default=0, db_index=True, editable=False, help_text=SYNC_VERSION_HELP
    )

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["document", "position", "id"]
        indexes = [models.Index(fields=["document", "position"], name="lesson_document_position")]

    def __str__(self) -> str:
        return self.heading

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class QuestionKind(models.TextChoices):
    CLOZE = "cloze", _("Cloze")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")
    SHORT_ANSWER = "short_answer", _("Short answer")
    FLASHCARD = "flashcard", _("Flashcard")


class QuestionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class QuestionOrigin(models.TextChoices):
    GENERATED = "generated", _("Generated")
    AUTHORED = "authored", _("Authored")


class QuestionQuerySet(models.QuerySet["Question"]):
    def published(self) -> QuestionQuerySet:
        return self.filter(status=QuestionStatus.PUBLISHED)

    def replaceable(self) -> QuestionQuerySet:
        """Generated drafts nobody has touched: the only questions regeneration replaces.
        Anything authored, edited by a teacher, published, retired or ever studied (a
        draft that was published once and withdrawn) is kept."""
        from quizzes.models.activity import ReviewLog

        return self.filter(
            ~Exists(ReviewLog.objects.filter(question=OuterRef("pk"))),
            origin=QuestionOrigin.GENERATED,
            status=QuestionStatus.DRAFT,
            teacher_edited=False,
        )

    def editable_by(self, user: User) -> QuestionQuerySet:
        return self.filter(lesson__document__in=Document.objects.editable_by(user))

    def studyable_by(self, user: User) -> QuestionQuerySet:
        """Published questions of the active lessons this user may study: their cards."""
        return self.published().filter(lesson__in=Lesson.objects.visible_to(user))

    def for_quizzes(self) -> QuestionQuerySet:
        """Kinds a quiz grades objectively; flashcards are studied, not quizzed."""
        return self.filter(kind__in=QUIZ_KINDS)


QUIZ_KINDS = (
    QuestionKind.CLOZE,
    QuestionKind.MULTIPLE_CHOICE,
    QuestionKind.TRUE_FALSE,
    QuestionKind.SHORT_ANSWER,
)


class Question(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=QuestionStatus.choices, default=QuestionStatus.DRAFT
    )
    origin = models.CharField(
        _("origin"), max_length=12, choices=QuestionOrigin.choices, default=QuestionOrigin.AUTHORED
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    prompt = models.TextField(_("prompt"), help_text=_("For a flashcard, the front."))
    answer = models.TextField(
        _("answer"),
        blank=True,
        help_text=_("For a flashcard, the back; for true/false, “true” or “false”."),
    )
    accepted_answers = models.JSONField(
        _("accepted alternatives"),
        default=list,
        blank=True,
        help_text=_("Other answers graded as correct."),
    )
    accent_sensitive = models.BooleanField(
        _("accents must match"),
        default=False,
        help_text=_("Grade “cafe” as wrong when the answer is “café”."),
    )
    explanation = models.TextField(_("explanation"), blank=True)
    answer_type = models.CharField(
        _("answer type"),
        max_length=20,
        blank=True,
        help_text=_("What the generator took the answer to be: person, place, number, …"),
    )
    generation_score = models.FloatField(_("generator score"), null=True, blank=True)
    source_sentence = models.TextField(_("source sentence"), blank=True)
    source_start = models.PositiveIntegerField(null=True, blank=True)
    source_end = models.PositiveIntegerField(null=True, blank=True)
    teacher_edited = models.BooleanField(_("edited by a teacher"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sync_version = models.BigIntegerField(
        default=0, db_index=True, editable=False, help_text=SYNC_VERSION_HELP
    )

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["lesson", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=QuestionKind.values), name="question_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=QuestionStatus.values), name="question_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(origin__in=QuestionOrigin.values), name="question_origin_valid"
            ),
            models.CheckConstraint(
                condition=Q(source_start__isnull=True, source_end__isnull=True)
                | Q(source_start__lte=models.F("source_end")),
                name="question_source_span_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.prompt[:80]

    def clean(self) -> None:
        """Accepted alternatives are a list of answers: grading compares each with the
        response, so anything else (a bare string, a number) would grade nonsense."""
        super().clean()
        alternatives = self.accepted_answers
        if not isinstance(alternatives, list) or not all(
            isinstance(item, str) and item.strip() for item in alternatives
        ):
            raise ValidationError(
                {
                    "accepted_answers": _(
                        'Give a list of answers in quotes, e.g. ["fall", "autumn"].'
                    )
                }
            )


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("text"), max_length=500)
    is_correct = models.BooleanField(_("correct"), default=False)
    feedback = models.TextField(_("feedback"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["question", "position", "id"]

    def __str__(self) -> str:
        return self.text
