"""What students do with the content: review logs and the card states they fold into,
quiz attempts and their answers."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from quizzes.models.content import SYNC_VERSION_HELP, Choice, Document, Feedback, Lesson, Question

if TYPE_CHECKING:
    from accounts.models import User


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
            # A class report's leeches: each student's cards forgotten 8 times or more.
            models.Index(fields=["user", "lapses"], name="cardstate_user_lapses"),
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
