"""What every Lectern model admin answers to a form it refuses, its inlines' check of
their hidden counts, and the bounds of what a teacher may type.

Django's admin re-renders an add or change form with errors as a 200, like a page that
worked. Lectern's own pages answer 400 with the form re-rendered (the quiz, study and
class forms), and so do the admin's, so that a refused post reads the same to people,
to scripts and to tests: the form with its errors, and a 4xx status.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import connection, models
from django.forms.fields import InvalidJSONInput
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _


def _refused(request: HttpRequest, response: HttpResponse) -> bool:
    """A posted form shown again because of its errors."""
    context = getattr(response, "context_data", None) or {}
    return request.method == "POST" and response.status_code == 200 and bool(context.get("errors"))


class RefusalStatusMixin(admin.ModelAdmin):
    """Add and change forms posted with errors answer 400 (the form, with its errors); a
    bulk action posted with a selection that is not a list of ids answers 400 too (Django
    would fail on it with a server error)."""

    refused_template = "admin/quizzes/refused.html"

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.method == "POST" and "index" in request.POST:
            selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
            if not all(self._is_key(value) for value in selected):
                return self.refuse(request, _("The selection was changed: choose the rows again."))
        return super().changelist_view(request, extra_context)

    def _is_key(self, value: str) -> bool:
        """Whether ``value`` can be a primary key of the model, in the database's range."""
        try:
            key = self.opts.pk.to_python(value)
        except ValidationError:
            return False
        if isinstance(key, int):
            low, high = connection.ops.integer_field_range(self.opts.pk.get_internal_type())
            return (low is None or key >= low) and (high is None or key <= high)
        return True

    def refuse(self, request: HttpRequest, message: str) -> TemplateResponse:
        """A 400 page saying what was wrong, with the way back to the list."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Nothing was changed"),
            "message": message,
        }
        return TemplateResponse(request, self.refused_template, context, status=400)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().changeform_view(request, object_id, form_url, extra_context)
        if _refused(request, response):
            response.status_code = 400
        return response


class CheckedInlineFormSet(BaseInlineFormSet):
    """An inline whose hidden counts were tampered with (negative, more existing rows
    than rows, or far more rows than the object has) is an error, not a form silently
    taken as empty, nor two thousand empty forms built for nothing."""

    max_new_rows = 100
    """More rows than anyone adds with "Add another" before saving."""

    def total_form_count(self) -> int:
        total = super().total_form_count()
        return 0 if self.is_bound and total > self._most_rows() else total

    def _most_rows(self) -> int:
        return len(self.get_queryset()) + self.max_new_rows

    def clean(self) -> None:
        super().clean()
        counts = self.management_form.cleaned_data
        total, initial = counts.get(TOTAL_FORM_COUNT, 0), counts.get(INITIAL_FORM_COUNT, 0)
        if total < 0 or initial < 0 or initial > total or total > self._most_rows():
            raise ValidationError(
                _("This form's hidden counts were changed: reload the page and try again."),
                code="tampered",
            )


TEXT_LIMIT = 5000
"""The most characters a teacher types into one text box (a prompt, an answer, an
explanation, an option's feedback): a long paragraph, not a pasted megabyte."""

JSON_LIMIT = 10_000
"""The most characters of a JSON box (a question's accepted answers)."""


class BoundedJSONField(forms.JSONField):
    """JSON typed into the admin: bounded in size, not nested beyond what the decoder
    can follow, and without NUL characters (no database column stores them)."""

    default_error_messages = {
        "too_long": _("Keep this under %(limit)d characters."),
        "too_deep": _("This JSON is nested too deeply."),
        "nul": _("Remove the null character (\\u0000): it cannot be stored."),
    }

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and len(value) > JSON_LIMIT:
            raise ValidationError(
                self.error_messages["too_long"], code="too_long", params={"limit": JSON_LIMIT}
            )
        try:
            converted = super().to_python(value)
        except RecursionError:
            raise ValidationError(self.error_messages["too_deep"], code="too_deep") from None
        if "\\u0000" in json.dumps(converted):
            raise ValidationError(self.error_messages["nul"], code="nul")
        return converted

    def bound_data(self, data: Any, initial: Any) -> Any:
        # The form shown again with its error decodes the text once more.
        try:
            return super().bound_data(data, initial)
        except RecursionError:
            return InvalidJSONInput(data)


class BoundedTextMixin(admin.options.BaseModelAdmin):
    """Text boxes with a bound (``TEXT_LIMIT``) and a safe JSON field, on a model admin or
    an inline: what a form refuses is never stored half-way or rejected by the database."""

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if isinstance(db_field, models.JSONField):
            kwargs["form_class"] = BoundedJSONField
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, models.TextField) and field is not None:
            field.max_length = TEXT_LIMIT
            field.validators.append(MaxLengthValidator(TEXT_LIMIT))
            field.widget.attrs["maxlength"] = str(TEXT_LIMIT)
        return field
