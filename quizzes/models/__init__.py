"""The quizzes app's models, one module per part of the domain."""

from quizzes.models.activity import (
    Answer,
    CardState,
    CardStateQuerySet,
    QuizAttempt,
    QuizAttemptQuerySet,
    Rating,
    ReviewLog,
)
from quizzes.models.classes import Classroom, ClassroomQuerySet, Membership
from quizzes.models.content import (
    QUIZ_KINDS,
    SYNC_VERSION_HELP,
    Choice,
    Document,
    DocumentQuerySet,
    Feedback,
    Lesson,
    LessonQuerySet,
    Question,
    QuestionKind,
    QuestionOrigin,
    QuestionQuerySet,
    QuestionStatus,
    SourceFormat,
)
from quizzes.models.sync import ContentTombstone, SyncCounter, TombstoneKind

__all__ = [
    "QUIZ_KINDS",
    "SYNC_VERSION_HELP",
    "Answer",
    "CardState",
    "CardStateQuerySet",
    "Choice",
    "Classroom",
    "ClassroomQuerySet",
    "ContentTombstone",
    "Document",
    "DocumentQuerySet",
    "Feedback",
    "Lesson",
    "LessonQuerySet",
    "Membership",
    "Question",
    "QuestionKind",
    "QuestionOrigin",
    "QuestionQuerySet",
    "QuestionStatus",
    "QuizAttempt",
    "QuizAttemptQuerySet",
    "Rating",
    "ReviewLog",
    "SourceFormat",
    "SyncCounter",
    "TombstoneKind",
]
