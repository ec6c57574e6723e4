"""A student's classes: the ones they joined, joining one with its code, and leaving one.

Everything happens at /classes/ (plain forms, no JavaScript): a POST with ``code``
joins, ``?leave=ID`` asks to confirm leaving and a POST with ``leave`` leaves. Leaving
is confirmed because coming back needs the code again.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.models import User
from quizzes.models import Classroom, Document, Lesson
from quizzes.services import ClassError, join_class, leave_class


class JoinClassForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Class code"),
        max_length=32,
        help_text=gettext_lazy("Your teacher gives it to you, for example K7QM-4XPA."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


def _joined_classes(user: User) -> list[Classroom]:
    """The user's classes with their teacher and documents, each document with its
    number of lessons and its first lesson: three queries however many there are."""
    lessons = Lesson.objects.active().filter(document=OuterRef("pk")).order_by("position", "id")
    documents = (
        Document.objects.only("id", "title")
        .annotate(
            first_lesson_id=Subquery(lessons.values("pk")[:1]),
            lesson_count=Count("lessons", filter=Q(lessons__archived_at__isnull=True)),
        )
        .order_by("title", "id")
    )
    return list(
        Classroom.objects.joined_by(user)
        .select_related("teacher")
        .prefetch_related(Prefetch("documents", queryset=documents))
        .order_by("name", "id")
    )


def _classes_page(request: HttpRequest, form: JoinClassForm, *, status: int = 200) -> HttpResponse:
    context = {"classes": _joined_classes(request.user), "form": form}
    return render(request, "quizzes/classes.html", context, status=status)


def _leave_id(value: str | None) -> int:
    if value is None or not value.isdigit():
        raise Http404
    return int(value)


@login_required
@require_http_methods(["GET", "POST"])
def my_classes(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and "leave" in request.POST:
        return _leave(request, _leave_id(request.POST.get("leave")))
    if request.method == "GET" and "leave" in request.GET:
        classroom = get_object_or_404(
            Classroom.objects.joined_by(request.user).select_related("teacher"),
            pk=_leave_id(request.GET.get("leave")),
        )
        return render(request, "quizzes/classes_leave.html", {"classroom": classroom})
    if request.method == "GET":
        return _classes_page(request, JoinClassForm())

    form = JoinClassForm(request.POST)
    if form.is_valid():
        try:
            result = join_class(student=request.user, code=form.cleaned_data["code"])
        except ClassError as error:
            form.add_error("code", str(error))
        else:
            if result.joined:
                text = _("You joined “%(name)s”. Its documents are on your home page.")
            else:
                text = _("You are already in “%(name)s”.")
            messages.success(request, text % {"name": result.classroom.name})
            return redirect("my_classes")
    return _classes_page(request, form, status=400)


def _leave(request: HttpRequest, class_id: int) -> HttpResponse:
    classroom = get_object_or_404(Classroom.objects.joined_by(request.user), pk=class_id)
    leave_class(student=request.user, classroom=classroom)
    messages.success(request, _("You left “%(name)s”.") % {"name": classroom.name})
    return redirect("my_classes")
