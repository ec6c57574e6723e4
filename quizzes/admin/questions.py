"""Questions: review, author, publish and retire."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.forms import ModelForm, Textarea
from django.http import HttpRequest
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from quizzes.admin.filters import DocumentFilter, LessonFilter
from quizzes.admin.lessons import regenerate_lessons
from quizzes.admin.statistics import STAT_COLUMNS, STAT_FILTERS, QuestionStatisticsMixin
from quizzes.models import Choice, Lesson, Question, QuestionOrigin, QuestionStatus
from quizzes.previews import render_preview, render_source_in_context
from quizzes.services import set_question_status


class ChoiceInline(admin.TabularInline):
    model = Choice
    fields = ["position", "text", "is_correct", "feedback"]
    extra = 0
    formfield_overrides = {models.TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 50})}}


def _status_action(name: str, status: str, description: str, done: str) -> Callable:
    """A bulk action that sets the selected questions' status."""

    def action(
        modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Question]
    ) -> None:
        changed = set_question_status(questions=queryset, status=status)
        modeladmin.message_user(request, done % {"n": changed})

    action.__name__ = name
    return admin.action(description=description)(action)


publish_questions = _status_action(
    "publish_questions",
    QuestionStatus.PUBLISHED,
    _("Publish selected questions"),
    _("%(n)d questions published."),
)
retire_questions = _status_action(
    "retire_questions",
    QuestionStatus.RETIRED,
    _("Retire selected questions"),
    _("%(n)d questions retired."),
)


@admin.action(description=_("Regenerate the drafts of these questions’ lessons"))
def regenerate_question_lessons(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Question]
) -> None:
    lessons = Lesson.objects.active().filter(pk__in=queryset.values("lesson_id"))
    regenerate_lessons(modeladmin, request, lessons)


@admin.register(Question)
class QuestionAdmin(QuestionStatisticsMixin, admin.ModelAdmin):
    list_display = [
        "prompt_text",
        "answer_text",
        "kind",
        "status",
        "origin",
        "lesson_heading",
        *STAT_COLUMNS,
    ]
    list_display_links = ["prompt_text"]
    list_filter = ["status", "kind", "origin", DocumentFilter, LessonFilter, *STAT_FILTERS]
    search_fields = ["prompt", "answer", "source_sentence", "lesson__heading"]
    list_select_related = ["lesson__document"]
    list_per_page = 50
    actions = [publish_questions, retire_questions, regenerate_question_lessons]
    readonly_fields = [
        "preview",
        "source_in_context",
        "origin",
        "teacher_edited",
        "answer_type",
        "generation_score",
    ]
    fieldsets = [
        (None, {"fields": ["preview"]}),
        (
            _("Question"),
            {
                "fields": [
                    "lesson",
                    "kind",
                    "status",
                    "prompt",
                    "answer",
                    "accepted_answers",
                    "accent_sensitive",
                    "explanation",
                    "position",
                ]
            },
        ),
        (
            _("Where it comes from"),
            {
                "fields": [
                    "source_in_context",
                    "origin",
                    "teacher_edited",
                    "answer_type",
                    "generation_score",
                ]
            },
        ),
    ]
    inlines = [ChoiceInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Question]:
        return Question.objects.editable_by(request.user)

    @admin.display(description=_("prompt"), ordering="prompt")
    def prompt_text(self, obj: Question) -> str:
        return Truncator(obj.prompt).chars(110)

    @admin.display(description=_("answer"), ordering="answer")
    def answer_text(self, obj: Question) -> str:
        return Truncator(obj.answer).chars(50)

    @admin.display(description=_("lesson"), ordering="lesson__heading")
    def lesson_heading(self, obj: Question) -> str:
        return f"{obj.lesson.document.title} › {obj.lesson.heading}"

    @admin.display(description=_("as a student sees it"))
    def preview(self, obj: Question) -> str:
        return render_preview(obj) if obj.pk else "—"

    @admin.display(description=_("source sentence"))
    def source_in_context(self, obj: Question) -> str:
        return render_source_in_context(obj) if obj.pk else "—"

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name != "lesson":
            return super().formfield_for_foreignkey(db_field, request, **kwargs)
        # Archived lessons too, so a question on one can still be saved (e.g. retired).
        kwargs["queryset"] = Lesson.objects.editable_by(request.user).select_related("document")
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        # "Introduction" alone is ambiguous across documents.
        field.label_from_instance = lambda lesson: f"{lesson.document.title} › {lesson.heading}"
        return field

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        # A question a teacher writes is ready to use.
        return {"status": QuestionStatus.PUBLISHED, **super().get_changeform_initial_data(request)}

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: list, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        question = form.instance
        touched = form.has_changed() or any(formset.has_changed() for formset in formsets)
        if change and touched and question.origin == QuestionOrigin.GENERATED:
            # Regeneration never replaces what a teacher has edited.
            Question.objects.filter(pk=question.pk).update(teacher_edited=True)
