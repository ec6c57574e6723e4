"""A student's classes: the ones they joined, joining one with its code, and leaving one.

Everything happens at /classes/ (plain forms, no JavaScript): a POST with ``code``
joins, ``?leave=ID`` asks to confirm leaving and a POST with ``leave`` leaves. Leaving
is confirmed because coming back needs the code again.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
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


# Wrong class codes are counted per student for an hour from the first one, in the
# shared cache (every worker process sees the count): beyond the limit, no code is looked
# up until the hour is over, so codes cannot be guessed by trying them in bulk.
WRONG_CODES_SECONDS = 60 * 60


def _wrong_codes_key(user: User) -> str:
    return f"join-wrong-codes:{user.pk}"


def _too_many_wrong_codes(user: User) -> bool:
    return cache.get(_wrong_codes_key(user), 0) >= settings.LECTERN_JOIN_WRONG_CODES_PER_HOUR


def _count_wrong_code(user: User) -> None:
    key = _wrong_codes_key(user)
    cache.add(key, 0, timeout=WRONG_CODES_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # the hour ended between the two calls
        cache.set(key, 1, timeout=WRONG_CODES_SECONDS)


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
    if _too_many_wrong_codes(request.user):
        form.is_valid()
        form.add_error(
            "code",
            _(
                "Too many wrong class codes. Try again in an hour, or ask your teacher "
                "to add you to the class by name."
            ),
        )
        return _classes_page(request, form, status=429)
    if form.is_valid():
        try:
            result = join_class(student=request.user, code=form.cleaned_data["code"])
        except ClassError as error:
            _count_wrong_code(request.user)
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
