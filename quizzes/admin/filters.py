"""List filters scoped to what the teacher may edit."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from quizzes.models import Document, Lesson


class DocumentFilter(admin.SimpleListFilter):
    """Only the documents this user may edit (the default filter would list them all)."""

    title = _("document")
    parameter_name = "document"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return list(Document.objects.editable_by(request.user).values_list("pk", "title"))

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        # str(): the admin's facet counts pass the lookup's id itself, not the query string.
        value = str(self.value() or "")
        if not (value.isascii() and value.isdigit()):
            return queryset
        field = "document_id" if queryset.model is Lesson else "lesson__document_id"
        return queryset.filter(**{field: value})


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
        value = str(self.value() or "")
        return (
            queryset.filter(lesson_id=value) if value.isascii() and value.isdigit() else queryset
        )
