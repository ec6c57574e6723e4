"""The teacher's workbench. Every list and form is scoped to what the user may edit."""

from quizzes.admin import classes, documents, lessons, questions

__all__ = ["classes", "documents", "lessons", "questions"]
