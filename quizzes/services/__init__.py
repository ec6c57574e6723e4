"""Use cases that write. Each is one transaction; views, admin and commands call these.

- ``documents``: import and re-import documents as lessons.
- ``questions``: generate questions for lessons; publish, retire, duplicate and order them.
- ``interchange``: export a document's questions (Anki, GIFT, Moodle XML, CSV) and import
  them into a lesson.
- ``reviews``: record students' reviews and replay their card states.
- ``attempts``: start, answer and finish quiz attempts in the browser.
- ``offline_attempts``: submit a whole attempt taken offline in the app.
- ``classes``: students join and leave classes, teachers add and remove them.
"""

from quizzes.services.attempts import (
    AttemptFinished,
    InvalidAnswer,
    QuizError,
    QuizUnavailable,
    TimeUp,
    answer_question,
    finish_attempt,
    start_attempt,
)
from quizzes.services.classes import (
    AddResult,
    AddStudentsError,
    ClassError,
    IdentifierError,
    JoinResult,
    add_students,
    find_students,
    join_class,
    leave_class,
    normalise_join_code,
    remove_students,
    rotate_join_code,
)
from quizzes.services.documents import (
    DocumentImportError,
    ImportResult,
    LessonOutcome,
    LessonResult,
    import_document,
    ingest_limits,
    read_document,
    sha256,
)
from quizzes.services.interchange import (
    EXPORT_FORMATS,
    FORMAT_NAMES,
    IMPORT_FORMATS,
    MAX_IMPORT_BYTES,
    ExportedFile,
    ImportedQuestions,
    QuestionImportError,
    export_document,
    import_questions,
)
from quizzes.services.offline_attempts import (
    AttemptIdTaken,
    AttemptRefused,
    ResponseInput,
    Submission,
    submit_attempt,
)
from quizzes.services.questions import (
    GenerationResult,
    duplicate_questions,
    generate_questions,
    move_question,
    place_question,
    renumber_questions,
    set_question_status,
)
from quizzes.services.reviews import (
    MAX_REVIEWS_PER_BATCH,
    RecordResult,
    ReviewBatchError,
    ReviewInput,
    record_reviews,
    replay_card_states,
)

__all__ = [
    "EXPORT_FORMATS",
    "FORMAT_NAMES",
    "IMPORT_FORMATS",
    "MAX_IMPORT_BYTES",
    "MAX_REVIEWS_PER_BATCH",
    "AddResult",
    "AddStudentsError",
    "AttemptFinished",
    "AttemptIdTaken",
    "AttemptRefused",
    "ClassError",
    "DocumentImportError",
    "ExportedFile",
    "GenerationResult",
    "IdentifierError",
    "ImportResult",
    "ImportedQuestions",
    "InvalidAnswer",
    "JoinResult",
    "LessonOutcome",
    "LessonResult",
    "QuestionImportError",
    "QuizError",
    "QuizUnavailable",
    "RecordResult",
    "ResponseInput",
    "ReviewBatchError",
    "ReviewInput",
    "Submission",
    "TimeUp",
    "add_students",
    "answer_question",
    "duplicate_questions",
    "export_document",
    "find_students",
    "finish_attempt",
    "generate_questions",
    "import_document",
    "import_questions",
    "ingest_limits",
    "join_class",
    "leave_class",
    "move_question",
    "normalise_join_code",
    "place_question",
    "read_document",
    "record_reviews",
    "remove_students",
    "renumber_questions",
    "replay_card_states",
    "rotate_join_code",
    "set_question_status",
    "sha256",
    "start_attempt",
    "submit_attempt",
]
