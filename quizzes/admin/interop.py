"""Questions to and from Anki, Moodle and Quizlet: the export action and the import
page.

- Documents: the action "Export questions…" leads to a page to choose the format, then
  downloads the file (several documents: a zip holding one file each).
- Lessons: "Import questions" on the change page leads to an upload form; a file with
  problems lists each with its line, and nothing is stored.

Both reach only what the user may edit (``editable_by``): the export through the
document admin's own queryset, the import page by its scoped fetch (anything else 404).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quizzes import ingest
from quizzes.models import Document, Lesson, Question
from quizzes.services import (
    EXPORT_FORMATS,
    FORMAT_NAMES,
    IMPORT_FORMATS,
    MAX_IMPORT_BYTES,
    QuestionImportError,
    export_document,
    import_questions,
)

_IMPORT_SUFFIXES = {".txt": "gift", ".gift": "gift", ".xml": "xml", ".csv": "csv"}


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[(name, FORMAT_NAMES[name]) for name in EXPORT_FORMATS],
        initial=EXPORT_FORMATS[0],
        widget=forms.RadioSelect,
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("Moodle GIFT or Moodle XML, or a CSV of term and definition."),
    )
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[
            ("auto", gettext_lazy("From the file name: .txt or .gift, .xml, .csv")),
            *((name, FORMAT_NAMES[name]) for name in IMPORT_FORMATS),
        ],
        initial="auto",
    )
    publish = forms.BooleanField(
        label=gettext_lazy("Publish the questions at once"),
        required=False,
        initial=True,
        help_text=gettext_lazy("Otherwise they are drafts, to review in the question list."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            size, limit = ingest.too_big(upload.size, MAX_IMPORT_BYTES)
            raise forms.ValidationError(
                _("The file is %(size)s; the limit is %(limit)s.") % {"size": size, "limit": limit}
            )
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        upload = data.get("file")
        if upload is not None and data.get("format") == "auto":
            found = _IMPORT_SUFFIXES.get(PurePath(upload.name).suffix.lower())
            if found is None:
                self.add_error("format", _("Choose the format: the file name does not say which."))
            else:
                data["format"] = found
        return data


class DocumentInteropMixin(admin.ModelAdmin):
    export_template = "admin/quizzes/document/export_questions.html"

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # Added here, not in ``actions``, which the document admin sets for its own.
        actions = super().get_actions(request)
        if self.has_view_or_change_permission(request):
            func, name, description = self.get_action("export_questions")
            actions[name] = (func, name, description)
        return actions

    @admin.action(description=gettext_lazy("Export questions…"))
    def export_questions(
        self, request: HttpRequest, queryset: QuerySet[Document]
    ) -> HttpResponse | None:
        """First the page to choose a format (it posts back to this action, with the same
        selection), then the download."""
        documents = list(queryset.order_by("title", "pk"))
        counts = dict(
            Question.objects.published()
            .filter(lesson__document__in=documents, lesson__archived_at__isnull=True)
            .values_list("lesson__document")
            .annotate(n=Count("pk"))
            .values_list("lesson__document", "n")
        )
        confirmed = request.POST.get("post") == "yes"
        form = ExportForm(request.POST if confirmed else None)
        if confirmed and form.is_valid():
            if not any(counts.values()):
                self.message_user(
                    request,
                    _("These documents have no published questions to export."),
                    messages.WARNING,
                )
                return None
            return _download(documents, form.cleaned_data["format"])
        status = 400 if confirmed else 200  # a format that is not one of the choices
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Export questions"),
            "form": form,
            "documents": [(document, counts.get(document.pk, 0)) for document in documents],
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(request, self.export_template, context, status=status)


def _download(documents: list[Document], file_format: str) -> HttpResponse:
    """One document's file as it is, or a zip with one file per document."""
    if len(documents) == 1:
        exported = export_document(document=documents[0], format=file_format)
        response = HttpResponse(exported.content, content_type=exported.content_type)
        filename = exported.filename
    else:
        buffer = io.BytesIO()
        used: set[str] = set()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for document in documents:
                exported = export_document(document=document, format=file_format)
                name = exported.filename
                if name in used:  # two documents with the same title (a superuser's)
                    name = f"{document.pk}-{name}"
                used.add(name)
                archive.writestr(name, exported.content)
        response = HttpResponse(buffer.getvalue(), content_type="application/zip")
        filename = f"questions-{file_format}.zip"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


class LessonInteropMixin(admin.ModelAdmin):
    change_form_template = "admin/quizzes/lesson/change_form.html"  # the Import button
    import_template = "admin/quizzes/lesson/import_questions.html"

    def get_urls(self) -> list[URLPattern]:
        name = f"{self.opts.app_label}_{self.opts.model_name}_import_questions"
        own = [
            path(
                "<path:object_id>/import-questions/",
                self.admin_site.admin_view(self.import_questions_view),
                name=name,
            )
        ]
        return own + super().get_urls()  # before the admin's catch-all "<id>/"

    def import_questions_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Upload a file of questions into one of the user's lessons."""
        lesson = (
            Lesson.objects.editable_by(request.user)
            .select_related("document")
            .filter(pk=object_id)
            .first()
            if object_id.isascii() and object_id.isdigit()
            else None
        )
        if lesson is None:
            raise Http404(_("No such lesson among yours."))
        if not (
            self.has_change_permission(request, lesson)
            and request.user.has_perm("quizzes.add_question")
        ):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        error = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = import_questions(
                    lesson=lesson,
                    data=upload.read(MAX_IMPORT_BYTES + 1),
                    format=form.cleaned_data["format"],
                    publish=form.cleaned_data["publish"],
                )
            except QuestionImportError as refused:
                error = refused
            else:
                self.message_user(request, result.summary(), messages.SUCCESS)
                return redirect(
                    f"admin:{self.opts.app_label}_{self.opts.model_name}_change", lesson.pk
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import questions into “%(lesson)s”") % {"lesson": lesson.heading},
            "lesson": lesson,
            "form": form,
            "error": error,
            "max_size": ingest.human_size(MAX_IMPORT_BYTES),
            "media": self.media + form.media,
        }
        # A refused file (or form) is the page again, with its problems, as a 400.
        status = 400 if request.method == "POST" else 200
        return TemplateResponse(request, self.import_template, context, status=status)
