"""The teacher's workbench. Every list and form is scoped to what the user may edit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, Q, QuerySet
from django.forms import ModelForm, Textarea
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from quizzes.forms import DocumentImportForm
from quizzes.models import Choice, Document, Lesson, Question, QuestionOrigin, QuestionStatus
from quizzes.previews import render_preview, render_source_in_context
from quizzes.services import generate_questions, import_document, set_question_status


class DocumentFilter(admin.SimpleListFilter):
    """Only the documents this user may edit (the default filter would list them all)."""

    title = _("document")
    parameter_name = "document"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return list(Document.objects.editable_by(request.user).values_list("pk", "title"))

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if not (value and value.isascii() and value.isdigit()):
            return queryset
        field = "document_id" if queryset.model is Lesson else "lesson__document_id"
        return queryset.filter(**{field: value})


class LessonInline(admin.TabularInline):
    model = Lesson
    fields = ["position", "heading", "archived_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ["archived_at", "position"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


QUIZ_SETTINGS = ["quiz_feedback", "quiz_time_limit", "quiz_max_attempts", "test_question_count"]
"""How the document's lesson quizzes and its test run; on the change form only."""

DOCUMENT_DETAILS = [
    "owner",
    "source_format",
    "source_name",
    "checksum",
    "created_at",
    "updated_at",
]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    form = DocumentImportForm
    list_display = ["title", "source_format", "owner", "lesson_count", "drafts", "updated_at"]
    search_fields = ["title"]
    readonly_fields = DOCUMENT_DETAILS
    inlines = [LessonInline]
    actions = ["regenerate_documents"]

    @admin.action(description=_("Regenerate draft questions"))
    def regenerate_documents(self, request: HttpRequest, queryset: QuerySet[Document]) -> None:
        regenerate_lessons(self, request, Lesson.objects.active().filter(document__in=queryset))

    def get_queryset(self, request: HttpRequest) -> QuerySet[Document]:
        return (
            Document.objects.editable_by(request.user)
            .select_related("owner")
            .annotate(
                active_lessons=Count(
                    "lessons", filter=Q(lessons__archived_at__isnull=True), distinct=True
                ),
                draft_questions=Count(
                    "lessons__questions",
                    filter=Q(
                        lessons__questions__status=QuestionStatus.DRAFT,
                        lessons__archived_at__isnull=True,
                    ),
                    distinct=True,
                ),
            )
        )

    @admin.display(description=_("drafts to review"), ordering="draft_questions")
    def drafts(self, obj: Document) -> str:
        if not obj.draft_questions:
            return "0"
        url = reverse("admin:quizzes_question_changelist")
        return format_html(
            '<a href="{}?document={}&amp;status=draft">{}</a>', url, obj.pk, obj.draft_questions
        )

    @admin.display(description=_("lessons"), ordering="active_lessons")
    def lesson_count(self, obj: Document) -> int:
        return obj.active_lessons

    def get_inlines(self, request: HttpRequest, obj: Document | None) -> list:
        return self.inlines if obj is not None else []

    def get_fieldsets(self, request: HttpRequest, obj: Document | None = None) -> list:
        source = (
            _("Document"),
            {"fields": ["title", "upload", "pasted_text", "import_format", "publish"]},
        )
        if obj is None:
            return [source]
        return [
            source,
            (_("Quizzes"), {"fields": QUIZ_SETTINGS}),
            (_("Details"), {"fields": DOCUMENT_DETAILS}),
        ]

    def save_model(
        self, request: HttpRequest, obj: Document, form: DocumentImportForm, change: bool
    ) -> None:
        if form.parsed is None:  # a change of title (or quiz settings) only
            obj.save()
            return
        if change and set(QUIZ_SETTINGS) & set(form.changed_data):
            # A re-import of an unchanged file does not save the document: save the
            # quiz settings here, or refresh_from_db() below would drop them.
            obj.save(update_fields=QUIZ_SETTINGS)
        result = import_document(
            owner=obj.owner if change else request.user,
            parsed=form.parsed,
            source_name=form.source_name,
            title=form.cleaned_data.get("title") or None,
            document=obj if change else None,
            publish=form.cleaned_data.get("publish", False),
        )
        # The admin goes on with `obj` (logging, redirect): make it the stored document.
        obj.pk = result.document.pk
        obj._state.adding = False
        obj.refresh_from_db()
        obj.import_result = result  # read by response_add
        self.message_user(request, result.summary(), messages.SUCCESS)

    def response_add(
        self, request: HttpRequest, obj: Document, post_url_continue: str | None = None
    ) -> HttpResponse:
        result = getattr(obj, "import_result", None)
        if result is not None and not result.document_created:
            # "Add" with the title of an existing document re-imported into it; say so
            # rather than "added successfully", and show that document.
            self.message_user(
                request,
                _("You already had “%(title)s”: the new text was imported into it.")
                % {"title": obj.title},
                messages.INFO,
            )
            return redirect("admin:quizzes_document_change", obj.pk)
        return super().response_add(request, obj, post_url_continue)


class ChoiceInline(admin.TabularInline):
    model = Choice
    fields = ["position", "text", "is_correct", "feedback"]
    extra = 0
    formfield_overrides = {models.TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 50})}}


class QuestionInline(admin.StackedInline):
    model = Question
    fields = ["kind", "status", "prompt", "answer", "explanation"]
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
class LessonAdmin(admin.ModelAdmin):
    list_display = ["heading", "document", "position", "question_count", "is_archived"]
    list_filter = [DocumentFilter, ("archived_at", admin.EmptyFieldListFilter)]
    search_fields = ["heading", "body"]
    fields = ["document", "position", "heading", "body", "archived_at"]
    readonly_fields = ["document", "heading", "body", "archived_at"]
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
        edited = [
            f.instance.pk
            for f in formset.forms
            if f.instance.pk and f.has_changed() and f not in formset.deleted_forms
        ]
        Question.objects.filter(pk__in=edited, origin=QuestionOrigin.GENERATED).update(
            teacher_edited=True
        )

    @admin.display(description=_("questions"), ordering="questions_count")
    def question_count(self, obj: Lesson) -> int:
        return obj.questions_count

    @admin.display(boolean=True, description=_("archived"))
    def is_archived(self, obj: Lesson) -> bool:
        return obj.is_archived


class LessonFilter(admin.SimpleListFilter):
    """The teacher's own active lessons, narrowed to the chosen document if any."""

    title = _("lesson")
    parameter_name = "lesson"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        lessons = Lesson.objects.editable_by(request.user).active().select_related("document")
        document = request.GET.get(DocumentFilter.parameter_name)
        if document and document.isascii() and document.isdigit():
            lessons = lessons.filter(document_id=document)
        return [(lesson.pk, f"{lesson.document.title} › {lesson.heading}") for lesson in lessons]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        return (
            queryset.filter(lesson_id=value)
            if value and value.isascii() and value.isdigit()
            else queryset
        )


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
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["prompt_text", "answer_text", "kind", "status", "origin", "lesson_heading"]
    list_display_links = ["prompt_text"]
    list_filter = ["status", "kind", "origin", DocumentFilter, LessonFilter]
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
