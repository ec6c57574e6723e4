"""Roles. A student is any account; a teacher is a staff account in the Teachers group.

The group and its permissions (content only: documents, lessons, questions and choices,
never users or groups) are created by a migration in the quizzes app.
"""

TEACHERS_GROUP = "Teachers"
# App label and model names whose add/change/delete/view permissions teachers hold.
TEACHER_CONTENT_MODELS = {"quizzes": ["document", "lesson", "question", "choice"]}
