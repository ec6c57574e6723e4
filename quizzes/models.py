"""Content (a teacher's Document, one Lesson per section, Questions and their Choices) and
what students do with it (quiz attempts and their answers, review logs, card states)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Now
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
        """Documents this user may study. Classes (who studies what) come later; until
        then every signed-in user may read every document."""
        if not user.is_authenticated:
            return self.none()
        return self.all()


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


class Rating(models.IntegerChoices):
    AGAIN = 1, _("Again")
    HARD = 2, _("Hard")
    GOOD = 3, _("Good")
    EASY = 4, _("Easy")


class ReviewLog(models.Model):
    """One review of one card by one student: append-only. The id is made by the client
    (browser or phone) so that sending the same review twice stores it once."""

    id = models.UUIDField(primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_logs"
    )
    # PROTECT: a student's history outlives a teacher's mistake; retire a question instead.
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="review_logs")
    rating = models.PositiveSmallIntegerField(_("rating"), choices=Rating.choices)
    reviewed_at = models.DateTimeField(_("reviewed at"))
    duration_ms = models.PositiveIntegerField(_("time taken (ms)"), null=True, blank=True)
    device = models.CharField(_("device"), max_length=100, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    sync_version = models.BigIntegerField(default=0, editable=False, help_text=SYNC_VERSION_HELP)

    class Meta:
        ordering = ["reviewed_at", "id"]
        indexes = [
            models.Index(fields=["user", "question", "reviewed_at"], name="reviewlog_card_time"),
            models.Index(fields=["user", "sync_version", "id"], name="reviewlog_user_sync"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=4), name="reviewlog_rating_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.question_id}:{self.rating}@{self.reviewed_at:%Y-%m-%d %H:%M}"


class CardStateQuerySet(models.QuerySet["CardState"]):
    def due_for(self, user: User, now: datetime) -> CardStateQuerySet:
        return self.filter(user=user, due__lte=now).order_by("due", "question_id")


class CardState(models.Model):
    """A student's FSRS state for one question. Derived, never edited: it is the replay of
    the student's review logs for the question in (reviewed_at, id) order, so devices that
    reviewed offline converge whatever order they sync in."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="card_states"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="card_states")
    state = models.CharField(max_length=12)
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField()
    last_review = models.DateTimeField(null=True, blank=True)
    reps = models.PositiveIntegerField(default=0)
    lapses = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    sync_version = models.BigIntegerField(default=0, editable=False, help_text=SYNC_VERSION_HELP)

    objects = CardStateQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="cardstate_one_per_card"),
        ]
        indexes = [
            models.Index(fields=["user", "due"], name="cardstate_user_due"),
            models.Index(fields=["user", "sync_version", "id"], name="cardstate_user_sync"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.question_id} {self.state} due {self.due:%Y-%m-%d}"


class QuizAttemptQuerySet(models.QuerySet["QuizAttempt"]):
    def owned_by(self, user: User) -> QuizAttemptQuerySet:
        """The only way a view reaches an attempt: anyone else's is simply not found."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def unfinished(self) -> QuizAttemptQuerySet:
        return self.filter(submitted_at__isnull=True)

    def finished(self) -> QuizAttemptQuerySet:
        return self.filter(submitted_at__isnull=False)


class QuizAttempt(models.Model):
    """One student's run through a quiz: a lesson's quiz, or (``lesson`` empty) a test
    drawing a random subset of the whole document's questions.

    The questions, their order and each multiple-choice question's option order are
    fixed when the attempt starts (one Answer row each), so a resumed attempt shows the
    same quiz. ``quiz_key`` names the quiz ("lesson:12" or "document:3") so that the
    database, not a race between two clicks, keeps one unfinished attempt per quiz.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="attempts")
    lesson = models.ForeignKey(
        Lesson, on_delete=models.CASCADE, related_name="attempts", null=True, blank=True
    )
    quiz_key = models.CharField(max_length=40)
    feedback = models.CharField(_("feedback"), max_length=12, choices=Feedback.choices)
    seed = models.PositiveIntegerField(help_text=_("Seeds the order of questions and options."))
    started_at = models.DateTimeField(_("started at"))
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    score = models.FloatField(_("score"), default=0)
    max_score = models.PositiveIntegerField(_("out of"), default=0)

    objects = QuizAttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["user", "quiz_key"], name="attempt_user_quiz"),
            models.Index(fields=["user", "-started_at"], name="attempt_user_recent"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "quiz_key"],
                condition=Q(submitted_at__isnull=True),
                name="attempt_one_unfinished_per_quiz",
            ),
            models.CheckConstraint(
                condition=Q(feedback__in=Feedback.values), name="attempt_feedback_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.quiz_key}@{self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_finished(self) -> bool:
        return self.submitted_at is not None


class Answer(models.Model):
    """One question of an attempt: created unanswered when the attempt starts, graded on
    the server when the student answers it. A multiple-choice question is graded against
    the copy of its options in ``choice_order``, so editing them mid-attempt changes
    nothing for the student."""

    attempt = models.ForeignKey(QuizAttempt, on_delete=models.CASCADE, related_name="answers")
    # PROTECT: like review logs, a student's attempt outlives a teacher's mistake.
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    position = models.PositiveSmallIntegerField()
    choice_order = models.JSONField(
        default=list,
        blank=True,
        help_text=_(
            "The options as they were when the attempt started, in the order this student "
            'sees them: {"id", "text", "correct"} each.'
        ),
    )
    response = models.TextField(_("response"), blank=True)
    choice = models.ForeignKey(
        Choice, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    correct = models.BooleanField(_("correct"), null=True, blank=True)
    score = models.FloatField(_("score"), null=True, blank=True)
    seconds = models.FloatField(_("time taken (s)"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "position"], name="answer_one_per_position"
            ),
            models.UniqueConstraint(
                fields=["attempt", "question"], name="answer_one_per_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}#{self.position}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


class SyncCounter(models.Model):
    """One stream of sync versions: ``"content"`` (lessons, questions, deletions; bumped
    by database triggers) or ``"user:<id>"`` (a student's review logs and card states;
    bumped by ``services.record_reviews``). A writer bumps the row inside its transaction
    and keeps it locked until commit, so versions become visible in increasing order and
    a pull that pages by version never skips a row committed late (see quizzes.sync)."""

    key = models.CharField(max_length=64, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class TombstoneKind(models.TextChoices):
    LESSON = "lesson", _("Lesson")
    QUESTION = "question", _("Question")


class ContentTombstone(models.Model):
    """A deleted lesson or question, written by a database trigger, so that devices that
    pulled it learn it is gone. Kept forever: a device may come back after months."""

    kind = models.CharField(max_length=12, choices=TombstoneKind.choices)
    object_id = models.BigIntegerField()
    sync_version = models.BigIntegerField(db_index=True, help_text=SYNC_VERSION_HELP)
    deleted_at = models.DateTimeField(db_default=Now())

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=TombstoneKind.values), name="tombstone_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} deleted at version {self.sync_version}"
