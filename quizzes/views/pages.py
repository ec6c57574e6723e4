"""The student's pages. A first cut: the documents and their lessons, and a lesson's text."""

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from quizzes.models import Document, Lesson
from quizzes.rendering import render_markdown


def home(request: HttpRequest) -> HttpResponse:
    documents = []
    if request.user.is_authenticated:
        documents = Document.objects.visible_to(request.user).prefetch_related(
            Prefetch(
                "lessons", queryset=Lesson.objects.active().only("id", "heading", "document_id")
            )
        )
    return render(request, "quizzes/home.html", {"documents": documents})


@login_required
def lesson_detail(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = get_object_or_404(
        Lesson.objects.visible_to(request.user).select_related("document"), pk=lesson_id
    )
    siblings = Lesson.objects.active().filter(document=lesson.document_id)
    context = {
        "lesson": lesson,
        "body": render_markdown(lesson.body),
        "previous": siblings.filter(position__lt=lesson.position).order_by("-position").first(),
        "next": siblings.filter(position__gt=lesson.position).order_by("position").first(),
    }
    return render(request, "quizzes/lesson_detail.html", context)
