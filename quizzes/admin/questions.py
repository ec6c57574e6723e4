"""Questions: review, author, duplicate, put in order, publish and retire."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.forms import ModelForm, Textarea
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from quizzes.admin.filters import DocumentFilter, LessonFilter
from quizzes.admin.lessons import regenerate_lessons
from quizzes.admin.refusals import BoundedTextMixin, CheckedInlineFormSet, RefusalStatusMixin
from quizzes.admin.statistics import STAT_COLUMNS, STAT_FILTERS, QuestionStatisticsMixin
from quizzes.models import Choice, Lesson, Question, QuestionOrigin, QuestionStatus
from quizzes.previews import render_preview, render_source_in_context
from quizzes.services import set_question_status
from quizzes.services.questions import (
    duplicate_questions,
    move_question,
    place_question,
    renumber_questions,
)


def _lesson_filter(request: HttpRequest) -> int | None:
    """The lesson the question list is narrowed to, if any."""
    value = request.GET.get(LessonFilter.parameter_name, "")
    return int(value) if value.isascii() and value.isdigit() else None


class ChoiceInline(BoundedTextMixin, admin.TabularInline):
    model = Choice
    formset = CheckedInlineFormSet
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


@admin.action(description=_("Duplicate selected questions"), permissions=["add"])
def duplicate_selected_questions(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Question]
) -> HttpResponse | None:
    copies = duplicate_questions(questions=list(queryset))
    for copy in copies:
        modeladmin.log_addition(request, copy, [{"added": {}}])
    if len(copies) == 1:
        return _open_copy(modeladmin, request, copies[0])
    modeladmin.message_user(
        request,
        _("%(n)d questions duplicated as drafts, each right after its original.")
        % {"n": len(copies)},
        messages.SUCCESS,
    )
    return None


def _open_copy(modeladmin: admin.ModelAdmin, request: HttpRequest, copy: Question) -> HttpResponse:
    modeladmin.message_user(
        request,
        _("This copy is a draft placed right after the original: edit it, then publish it."),
        messages.SUCCESS,
    )
    return redirect("admin:quizzes_question_change", copy.pk)


MOVES = {"up": -1, "down": 1}
"""The reorder buttons of the question list: how many places each moves a question."""


@admin.register(Question)
class QuestionAdmin(
    RefusalStatusMixin, BoundedTextMixin, QuestionStatisticsMixin, admin.ModelAdmin
):
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
    actions = [
        publish_questions,
        retire_questions,
        duplicate_selected_questions,
        regenerate_question_lessons,
    ]
    change_form_template = "admin/quizzes/question/change_form.html"  # the Duplicate button
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
                    # The sentence the question came from, beside the prompt being edited.
                    ("prompt", "source_in_context"),
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
                    "origin",
                    "teacher_edited",
                    "answer_type",
                    "generation_score",
                ]
            },
        ),
    ]
    inlines = [ChoiceInline]

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Question]:
        # The list names each row's lesson and document: not their texts (a document's
        # source can be a megabyte, read once per row).
        return Question.objects.editable_by(request.user).defer(
            "lesson__body", "lesson__document__source_text"
        )

    def get_urls(self) -> list:
        duplicate = path(
            "<path:object_id>/duplicate/",
            self.admin_site.admin_view(self.duplicate_view),
            name="quizzes_question_duplicate",
        )
        return [duplicate, *super().get_urls()]

    def duplicate_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The change page's Duplicate button: copy the question, then open the copy."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        question = self.get_object(request, unquote(object_id))
        if question is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not (
            self.has_add_permission(request) and self.has_change_permission(request, question)
        ):
            raise PermissionDenied
        [copy] = duplicate_questions(questions=[question])
        self.log_addition(request, copy, [{"added": {}}])
        return _open_copy(self, request, copy)

    def get_list_display(self, request: HttpRequest) -> list:
        columns = list(super().get_list_display(request))
        if _lesson_filter(request) is not None and self.has_change_permission(request):
            # One lesson's questions: they can be put in order here.
            columns[1:1] = ["position", "reorder"]
        return columns

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.method == "POST" and "_move" in request.POST:
            return self._move(request)
        return super().changelist_view(request, extra_context)

    def _move(self, request: HttpRequest) -> HttpResponse:
        """A move up / down button of the list: the list posts itself back, so the
        filters in its address survive the redirect."""
        pk, _sep, direction = request.POST["_move"].partition(":")
        question = (
            self.get_queryset(request).filter(pk=pk).first()
            if pk.isascii() and pk.isdigit() and direction in MOVES
            else None
        )
        if question is None:
            self.message_user(request, _("That question cannot be moved."), messages.ERROR)
        elif not self.has_change_permission(request, question):
            raise PermissionDenied
        else:
            move_question(question=question, by=MOVES[direction])
        return redirect(request.get_full_path())

    @admin.display(description=_("move"))
    def reorder(self, obj: Question) -> str:
        buttons = format_html_join(
            "",
            '<button type="submit" name="_move" value="{}:{}" title="{}" aria-label="{}">'
            "{}</button>",
            [
                (obj.pk, "up", _("Move up"), _("Move up"), "↑"),
                (obj.pk, "down", _("Move down"), _("Move down"), "↓"),
            ],
        )
        return format_html('<span class="reorder">{}</span>', buttons)

    @admin.display(description=_("prompt"), ordering="prompt")
    def prompt_text(self, obj: Question) -> str:
        return Truncator(obj.prompt).chars(110)

    @admin.display(description=_("answer"), ordering="answer")
    def answer_text(self, obj: Question) -> str:
        return Truncator(obj.answer).chars(50)

    @admin.display(description=_("lesson"), ordering="lesson__heading")
    def lesson_heading(self, obj: Question) -> str:
        # Shortened so the statistics columns fit beside it; the whole name on hover.
        lesson, document = obj.lesson.heading, obj.lesson.document.title
        return format_html(
            '<span title="{} › {}">{} › {}</span>',
            document,
            lesson,
            Truncator(document).chars(24),
            Truncator(lesson).chars(36),
        )

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

    def _place(self, form: ModelForm, change: bool) -> None:
        """Keep the lesson numbered 1..n: a position typed puts the question at that place;
        a new question left at 0, or one moved to another lesson, goes last."""
        question, changed = form.instance, set(form.changed_data)
        if change and not changed & {"position", "lesson"}:
            return
        typed = "position" in changed if change else bool(question.position)
        place = max(question.position, 1) if typed else None
        question.position = place_question(question=question, position=place)
        if change and "lesson" in changed:
            left = Lesson.objects.filter(pk=form.initial.get("lesson")).first()
            if left is not None:
                renumber_questions(lesson=left)

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "position" and field is not None:
            field.help_text = _(
                "Its place in the lesson: 1 is first. Leave 0 on a new question to put it "
                "last; the lesson is renumbered 1, 2, 3… on save."
            )
        return field

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        # A question a teacher writes is ready to use.
        return {"status": QuestionStatus.PUBLISHED, **super().get_changeform_initial_data(request)}

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: list, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        question = form.instance
        self._place(form, change)
        # Moving a question is not rewording it.
        touched = set(form.changed_data) - {"position"} or any(
            formset.has_changed() for formset in formsets
        )
        if change and touched and question.origin == QuestionOrigin.GENERATED:
            # Regeneration never replaces what a teacher has edited.
            Question.objects.filter(pk=question.pk).update(teacher_edited=True)
