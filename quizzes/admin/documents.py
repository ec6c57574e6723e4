"""Documents: import, re-import, quiz settings and who studies them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from quizzes.admin.interop import DocumentInteropMixin
from quizzes.admin.lessons import regenerate_lessons
from quizzes.admin.refusals import CheckedInlineFormSet, RefusalStatusMixin
from quizzes.admin.statistics import DocumentStatisticsMixin
from quizzes.forms import DocumentImportForm
from quizzes.models import Document, Lesson, QuestionStatus
from quizzes.services import ImportResult, import_document


class LessonInline(admin.TabularInline):
    model = Lesson
    formset = CheckedInlineFormSet
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

SETTINGS = [*QUIZ_SETTINGS, "open_to_all"]
"""What the change form sets on the document itself, whatever the import does."""

DOCUMENT_DETAILS = [
    "owner",
    "source_format",
    "source_name",
    "checksum",
    "created_at",
    "updated_at",
    "item_statistics_link",
]
"""The change form's read-only "Details": name a display method here (of DocumentAdmin or
one of its mixins) and it is shown there, read-only, on the change form only."""


def import_report(result: ImportResult) -> SafeString:
    """The summary, then what happened to each lesson: after uploading a new version the
    teacher checks that the right sections were kept, updated and archived."""
    rows = []
    for item in result.lessons:
        renamed = (
            format_html(
                ' <span class="lesson-renamed">{}</span>',
                _("(was “%(heading)s”)") % {"heading": item.previous_heading},
            )
            if item.previous_heading
            else ""
        )
        rows.append((item.outcome.value, item.outcome.label, item.lesson.heading, renamed))
    return format_html(
        '{}<ul class="import-result">{}</ul>',
        result.summary(),
        format_html_join(
            "",
            '<li><span class="lesson-outcome lesson-outcome-{}">{}</span> {}{}</li>',
            rows,
        ),
    )


@admin.register(Document)
class DocumentAdmin(
    RefusalStatusMixin, DocumentInteropMixin, DocumentStatisticsMixin, admin.ModelAdmin
):
    form = DocumentImportForm
    list_display = ["title", "source_format", "owner", "lesson_count", "drafts", "updated_at"]
    search_fields = ["title"]
    readonly_fields = DOCUMENT_DETAILS
    inlines = [LessonInline]
    actions = ["regenerate_documents"]

    class Media:
        css = {"all": ["css/admin.css"]}  # the re-import's per-lesson result

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
        audience = (_("Who studies it"), {"fields": ["open_to_all"]})
        if obj is None:
            return [source, audience]
        return [
            source,
            audience,
            (_("Quizzes"), {"fields": QUIZ_SETTINGS}),
            (_("Details"), {"fields": DOCUMENT_DETAILS}),
        ]

    def save_model(
        self, request: HttpRequest, obj: Document, form: DocumentImportForm, change: bool
    ) -> None:
        if form.parsed is None:  # a change of title (or quiz settings) only
            obj.save()
            return
        if change and set(SETTINGS) & set(form.changed_data):
            # A re-import of an unchanged file does not save the document: save the
            # settings here, or refresh_from_db() below would drop them.
            obj.save(update_fields=SETTINGS)
        result = import_document(
            owner=obj.owner if change else request.user,
            parsed=form.parsed,
            source_name=form.source_name,
            title=form.cleaned_data.get("title") or None,
            document=obj if change else None,
            publish=form.cleaned_data.get("publish", False),
            open_to_all=obj.open_to_all,
        )
        # The admin goes on with `obj` (logging, redirect): make it the stored document.
        obj.pk = result.document.pk
        obj._state.adding = False
        obj.refresh_from_db()
        obj.import_result = result  # read by response_add
        message = result.summary() if result.document_created else import_report(result)
        self.message_user(request, message, messages.SUCCESS)

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
