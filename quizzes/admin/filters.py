"""List filters scoped to what the teacher may edit."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from quizzes.models import Document, Lesson

MAX_ID = 2**63 - 1
"""The largest id the database stores."""


def _id_filter(queryset: QuerySet, field: str, value: object) -> QuerySet:
    """``queryset`` narrowed to ``field`` = ``value``: left whole if the value is not a
    number, empty if it is beyond any id (the database would refuse to compare it)."""
    text = str(value or "")
    if not (text.isascii() and text.isdigit()):
        return queryset
    if int(text) > MAX_ID:
        return queryset.none()
    return queryset.filter(**{field: int(text)})


class DocumentFilter(admin.SimpleListFilter):
    """Only the documents this user may edit (the default filter would list them all)."""

    title = _("document")
    parameter_name = "document"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return list(Document.objects.editable_by(request.user).values_list("pk", "title"))

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        # The admin's facet counts pass the lookup's id itself, not the query string.
        field = "document_id" if queryset.model is Lesson else "lesson__document_id"
        return _id_filter(queryset, field, self.value())


class LessonFilter(admin.SimpleListFilter):
    """The teacher's own active lessons, narrowed to the chosen document if any."""

    title = _("lesson")
    parameter_name = "lesson"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        lessons = Lesson.objects.editable_by(request.user).active().select_related("document")
        lessons = _id_filter(
            lessons, "document_id", request.GET.get(DocumentFilter.parameter_name)
        )
        return [(lesson.pk, f"{lesson.document.title} › {lesson.heading}") for lesson in lessons]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return _id_filter(queryset, "lesson_id", self.value())
