"""Question generation: lesson texts in, question drafts out. Pure Python, offline and
deterministic; no Django here.

``generate_questions(lessons, per_lesson=8, only=None, avoid=None)`` returns, for each
lesson key, cloze, multiple-choice, true/false, short-answer and flashcard drafts, best
first, each pointing at the sentence it came from.
"""

from .generator import generate_questions
from .types import KINDS, ChoiceDraft, LessonText, QuestionDraft

__all__ = ["KINDS", "ChoiceDraft", "LessonText", "QuestionDraft", "generate_questions"]
