"""Lessons: one per section of a document, with their questions inline."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from quizzes.admin.filters import DocumentFilter
from quizzes.admin.interop import LessonInteropMixin
from quizzes.admin.refusals import BoundedTextMixin, CheckedInlineFormSet, RefusalStatusMixin
from quizzes.models import Lesson, Question, QuestionOrigin
from quizzes.services import generate_questions
from quizzes.services.questions import renumber_questions


class QuestionInline(BoundedTextMixin, admin.StackedInline):
    """The lesson's questions in the order the admin, exports and the study queue use;
    change a position to move one (the lesson is renumbered 1..n on save)."""

    model = Question
    formset = CheckedInlineFormSet
    fields = ["position", "kind", "status", "prompt", "answer", "explanation"]
    ordering = ["position", "id"]
    extra = 0
    show_change_link = True


@admin.action(description=_("Regenerate draft questions"))
def regenerate_lessons(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Lesson]
) -> None:
    result = generate_questions(lessons=list(queryset.active()))
    modeladmin.message_user(
        request,
        _("%(lessons)d lessons: %(summary)s.")
        % {"lessons": result.lessons, "summary": result.summary()},
        messages.SUCCESS,
    )


@admin.register(Lesson)
class LessonAdmin(RefusalStatusMixin, LessonInteropMixin, admin.ModelAdmin):
    list_display = ["heading", "document", "position", "question_count", "is_archived"]
    list_filter = [DocumentFilter, ("archived_at", admin.EmptyFieldListFilter)]
    search_fields = ["heading", "body"]
    fields = ["document", "position", "heading", "question_list", "body", "archived_at"]
    readonly_fields = ["document", "heading", "question_list", "body", "archived_at"]
    inlines = [QuestionInline]
    actions = [regenerate_lessons]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Lesson]:
        return (
            Lesson.objects.editable_by(request.user)
            .select_related("document")
            .annotate(questions_count=Count("questions"))
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # lessons come from importing a document

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: Any, change: bool
    ) -> None:
        super().save_formset(request, form, formset, change)
        # A generated question edited here is the teacher's now: regeneration keeps it.
        # Moving it (its position) is not editing it.
        edited = [
            f.instance.pk
            for f in formset.forms
            if f.instance.pk
            and set(f.changed_data) - {"position"}
            and f not in formset.deleted_forms
        ]
        Question.objects.filter(pk__in=edited, origin=QuestionOrigin.GENERATED).update(
            teacher_edited=True
        )
        if formset.model is Question and formset.has_changed():
            renumber_questions(lesson=form.instance)

    @admin.display(description=_("questions"))
    def question_list(self, obj: Lesson) -> str:
        url = reverse("admin:quizzes_question_changelist")
        return format_html(
            '<a href="{}?lesson={}">{}</a>',
            url,
            obj.pk,
            _("Open this lesson’s questions in the question list (move up or down, duplicate)"),
        )

    @admin.display(description=_("questions"), ordering="questions_count")
    def question_count(self, obj: Lesson) -> int:
        return obj.questions_count

    @admin.display(boolean=True, description=_("archived"))
    def is_archived(self, obj: Lesson) -> bool:
        return obj.is_archived
