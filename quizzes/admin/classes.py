"""Classes: a teacher's students and the documents they study.

Every list and form goes through ``Classroom.objects.taught_by(request.user)``, so a
teacher never sees (or reaches by id) another teacher's class. The class's teacher is
whoever creates it and never changes here. Students are added by username or email (all
or nothing, through ``services.add_students``) or join with the class code; the inline
lists them, and deleting a row takes that student out of the class.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from quizzes.admin.refusals import CheckedInlineFormSet, RefusalStatusMixin
from quizzes.models import Classroom, Document, Membership
from quizzes.services import (
    AddStudentsError,
    ClassError,
    add_students,
    find_students,
    rotate_join_code,
)

# Usernames hold no spaces, commas or semicolons: a list pasted from a spreadsheet or an
# email splits the same as one typed a name per line.
_IDENTIFIER_SEPARATORS = re.compile(r"[\s,;]+")


def _count_of(model: type, **match: Any) -> Coalesce:
    """A correlated count: a join per relation would multiply students by documents."""
    rows = (
        model.objects.filter(**match).order_by().values(*match).annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


class ClassroomForm(forms.ModelForm):
    add_students = forms.CharField(
        label=_("Add students"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 40}),
        help_text=_(
            "Usernames or email addresses, one per line. Students can also join on their "
            "own with the class code."
        ),
    )

    teacher_id: int | None = None
    """The class's teacher (the user adding it, on the add form): set by the admin."""

    class Meta:
        model = Classroom
        fields = ["name", "documents"]

    def clean_name(self) -> str:
        # The (teacher, name) constraint is skipped by the form, which has no teacher field.
        name = self.cleaned_data["name"].strip()
        taken = Classroom.objects.filter(teacher_id=self.teacher_id, name=name)
        if self.instance.pk is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("You already have a class with this name."))
        return name

    def clean_add_students(self) -> list[str]:
        """The identifiers, checked here so that a wrong one is a form error and nothing
        (not even the class) is saved."""
        identifiers = [
            name
            for name in _IDENTIFIER_SEPARATORS.split(self.cleaned_data["add_students"])
            if name
        ]
        if not identifiers:
            return []
        try:
            find_students(identifiers=identifiers, teacher_id=self.teacher_id)
        except AddStudentsError as error:
            raise forms.ValidationError(
                [f"{problem.identifier}: {problem.message}" for problem in error.errors]
            ) from error
        except ClassError as error:
            raise forms.ValidationError(str(error)) from error
        return identifiers


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = CheckedInlineFormSet
    template = "admin/quizzes/classroom/students_inline.html"
    fields = ["username", "full_name", "joined_at"]
    readonly_fields = fields
    extra = 0
    verbose_name = _("student")
    verbose_name_plural = _("students in the class")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        return (
            super().get_queryset(request).select_related("student").order_by("student__username")
        )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # students are added by name above, or join with the code

    @admin.display(description=_("username"))
    def username(self, obj: Membership) -> str:
        return obj.student.username

    @admin.display(description=_("name"))
    def full_name(self, obj: Membership) -> str:
        return obj.student.get_full_name()


@admin.action(description=_("Give the selected classes a new join code"))
def give_new_join_codes(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Classroom]
) -> None:
    classes = list(queryset)
    for classroom in classes:
        rotate_join_code(classroom=classroom)
    modeladmin.message_user(
        request,
        ngettext(
            "%(n)d class has a new join code; the old one no longer works.",
            "%(n)d classes have a new join code; the old ones no longer work.",
            len(classes),
        )
        % {"n": len(classes)},
        messages.SUCCESS,
    )


@admin.register(Classroom)
class ClassroomAdmin(RefusalStatusMixin, admin.ModelAdmin):
    form = ClassroomForm
    list_display = ["name", "join_code", "student_count", "document_count", "report"]
    search_fields = ["name", "join_code"]
    filter_horizontal = ["documents"]
    inlines = [MembershipInline]
    actions = [give_new_join_codes]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Classroom]:
        return (
            Classroom.objects.taught_by(request.user)
            .select_related("teacher")
            .annotate(
                students_in=_count_of(Membership, classroom=OuterRef("pk")),
                documents_in=_count_of(Classroom.documents.through, classroom=OuterRef("pk")),
            )
        )

    def get_list_display(self, request: HttpRequest) -> list[str]:
        # A superuser sees every teacher's classes: say whose each one is.
        if request.user.is_superuser:
            return [*self.list_display[:1], "teacher", *self.list_display[1:]]
        return self.list_display

    def get_fieldsets(self, request: HttpRequest, obj: Classroom | None = None) -> list:
        students = ["add_students"] if obj is None else ["join_code", "add_students"]
        fieldsets = [
            (None, {"fields": ["name", "documents"]}),
            (_("Students"), {"fields": students}),
        ]
        if obj is not None:
            fieldsets.append((_("Details"), {"fields": ["teacher", "created_at", "report"]}))
        return fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Classroom | None = None) -> list:
        return ["join_code", "teacher", "created_at", "report"]

    def get_form(
        self,
        request: HttpRequest,
        obj: Classroom | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> type[ClassroomForm]:
        form = super().get_form(request, obj, change=change, **kwargs)
        form.teacher_id = obj.teacher_id if obj is not None else request.user.pk
        documents = form.base_fields.get("documents")
        if documents is not None and obj is not None:
            # Keep documents someone else put in the class selectable, or saving the form
            # would refuse them as invalid choices.
            documents.queryset = Document.objects.filter(
                Q(pk__in=Document.objects.editable_by(request.user).values("pk"))
                | Q(pk__in=obj.documents.values("pk"))
            )
        return form

    def formfield_for_manytomany(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField | None:
        if db_field.name == "documents":
            kwargs["queryset"] = Document.objects.editable_by(request.user).only("id", "title")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: Classroom, form: ClassroomForm, change: bool
    ) -> None:
        if not change:
            obj.teacher = request.user
        super().save_model(request, obj, form, change)

    def save_related(
        self, request: HttpRequest, form: ClassroomForm, formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        identifiers = form.cleaned_data.get("add_students")
        if not identifiers:
            return
        result = add_students(classroom=form.instance, identifiers=identifiers)
        if result.added:
            self.message_user(
                request,
                ngettext(
                    "%(n)d student added to the class.",
                    "%(n)d students added to the class.",
                    len(result.added),
                )
                % {"n": len(result.added)},
                messages.SUCCESS,
            )
        if result.already:
            self.message_user(
                request,
                _("Already in the class: %(names)s.")
                % {"names": ", ".join(user.username for user in result.already)},
                messages.INFO,
            )

    @admin.display(description=_("students"), ordering="students_in")
    def student_count(self, obj: Classroom) -> int:
        return obj.students_in

    @admin.display(description=_("documents"), ordering="documents_in")
    def document_count(self, obj: Classroom) -> int:
        return obj.documents_in

    @admin.display(description=_("report"))
    def report(self, obj: Classroom) -> str:
        if obj.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("class_report", args=[obj.pk]), _("Class report")
        )
