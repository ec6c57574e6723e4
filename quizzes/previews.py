"""What a teacher sees of a question in the admin: the student's view and its source."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from quizzes.models import Question


def render_preview(question: Question) -> SafeString:
    """The question as a student meets it, then the answer key below a rule."""
    return render_to_string(
        "admin/quizzes/question_preview.html",
        {
            "question": question,
            "choices": list(question.choices.all()),
            "blanked": "_____" in question.prompt,
        },
    )


def source_span(question: Question) -> tuple[int, int] | None:
    """Where the source sentence stands in the lesson body now: the stored span when it
    still holds, else the sentence's first occurrence, else None (it was edited away)."""
    body, sentence = question.lesson.body, question.source_sentence
    if not sentence:
        return None
    start, end = question.source_start, question.source_end
    if start is not None and end is not None and body[start:end] == sentence:
        return start, end
    found = body.find(sentence)
    return (found, found + len(sentence)) if found >= 0 else None


def render_source_in_context(question: Question) -> SafeString:
    """The paragraph the question came from, with its sentence highlighted."""
    if not question.source_sentence:
        return format_html("<em>{}</em>", _("Written by a teacher: no source sentence."))
    span = source_span(question)
    if span is None:
        return format_html(
            "<p>{}</p><p><em>{}</em></p>",
            question.source_sentence,
            _("This sentence is no longer in the lesson."),
        )
    body = question.lesson.body
    start, end = span
    before = body.rfind("\n\n", 0, start)
    paragraph_start = before + 2 if before >= 0 else 0
    paragraph_end = body.find("\n\n", end)
    paragraph_end = len(body) if paragraph_end < 0 else paragraph_end
    return format_html(
        '<p class="source-context">{}<mark>{}</mark>{}</p>',
        body[paragraph_start:start].lstrip(),
        body[start:end],
        body[end:paragraph_end],
    )
