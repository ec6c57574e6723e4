"""The teacher's workbench. Every list and form is scoped to what the user may edit."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from quizzes.forms import DocumentImportForm
from quizzes.models import Choice, Document, Lesson, Question, QuestionOrigin, QuestionStatus
from quizzes.services import import_document


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
    list_display = ["title", "source_format", "owner", "lesson_count", "updated_at"]
    list_filter = ["source_format"]
    search_fields = ["title"]
    readonly_fields = DOCUMENT_DETAILS
    inlines = [LessonInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Document]:
        return (
            Document.objects.editable_by(request.user)
            .select_related("owner")
            .annotate(active_lessons=Count("lessons", filter=Q(lessons__archived_at__isnull=True)))
        )

    @admin.display(description=_("lessons"), ordering="active_lessons")
    def lesson_count(self, obj: Document) -> int:
        return obj.active_lessons

    def get_inlines(self, request: HttpRequest, obj: Document | None) -> list:
        return self.inlines if obj is not None else []

    def get_fieldsets(self, request: HttpRequest, obj: Document | None = None) -> list:
        source = (_("Document"), {"fields": ["title", "upload", "pasted_text", "import_format"]})
        if obj is None:
            return [source]
        return [source, (_("Details"), {"fields": DOCUMENT_DETAILS})]

    def save_model(
        self, request: HttpRequest, obj: Document, form: DocumentImportForm, change: bool
    ) -> None:
        if form.parsed is None:  # a change of title only
            obj.save()
            return
        result = import_document(
            owner=obj.owner if change else request.user,
            parsed=form.parsed,
            source_name=form.source_name,
            title=form.cleaned_data.get("title") or None,
            document=obj if change else None,
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


class QuestionInline(admin.StackedInline):
    model = Question
    fields = ["kind", "status", "prompt", "answer", "explanation"]
    extra = 0
    show_change_link = True


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ["heading", "document", "position", "is_archived"]
    list_filter = [("archived_at", admin.EmptyFieldListFilter)]
    search_fields = ["heading", "body"]
    fields = ["document", "position", "heading", "body", "archived_at"]
    readonly_fields = ["document", "heading", "body", "archived_at"]
    inlines = [QuestionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Lesson]:
        return Lesson.objects.editable_by(request.user).select_related("document")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # lessons come from importing a document

    @admin.display(boolean=True, description=_("archived"))
    def is_archived(self, obj: Lesson) -> bool:
        return obj.is_archived


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "status", "origin", "lesson"]
    list_filter = ["status", "kind", "origin"]
    search_fields = ["prompt", "answer"]
    list_select_related = ["lesson"]
    readonly_fields = ["origin", "teacher_edited", "source_sentence"]
    inlines = [ChoiceInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Question]:
        return Question.objects.editable_by(request.user)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "lesson":
            kwargs["queryset"] = (
                Lesson.objects.editable_by(request.user).active().select_related("document")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        # A question a teacher writes is ready to use.
        return {"status": QuestionStatus.PUBLISHED, **super().get_changeform_initial_data(request)}

    def save_model(
        self, request: HttpRequest, obj: Question, form: ModelForm, change: bool
    ) -> None:
        if change and obj.origin == QuestionOrigin.GENERATED and form.has_changed():
            obj.teacher_edited = True
        super().save_model(request, obj, form, change)
