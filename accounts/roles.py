"""Roles. A student is any account; a teacher is a staff account in the Teachers group.

The group and its permissions are created by migrations in the quizzes app: content
(documents, lessons, questions and choices) and classes (a class and its memberships),
never users or groups. Which rows of those a teacher reaches is decided by the scoped
reads (``editable_by``, ``taught_by``), not by these permissions.
"""

TEACHERS_GROUP = "Teachers"
# App label and model names whose add/change/delete/view permissions teachers hold.
TEACHER_CONTENT_MODELS = {
    "quizzes": ["document", "lesson", "question", "choice", "classroom", "membership"]
}
