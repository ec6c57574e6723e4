"""The student's reading pages: the home page (documents, lessons, what to do next) and a
lesson's text with its quiz and flashcards."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from quizzes import overview
from quizzes.models import Lesson
from quizzes.rendering import render_markdown


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Visitors get an invitation to log in; a signed-in user gets their documents."""
    context = {}
    if request.user.is_authenticated:
        page = request.GET.get("page", "1")
        context["summary"] = overview.home_summary(
            request.user, timezone.now(), page=int(page) if page.isdigit() else 1
        )
    return render(request, "quizzes/home.html", context)


@require_safe
@login_required
def lesson_detail(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = get_object_or_404(
        Lesson.objects.visible_to(request.user)
        .select_related("document")
        .defer("document__source_text"),
        pk=lesson_id,
    )
    mastery = overview.lesson_mastery(request.user, lesson, timezone.now())
    previous, next_ = overview.neighbours(lesson)
    context = {
        "lesson": lesson,
        "body": render_markdown(lesson.body),
        "has_quiz": mastery.quiz_questions > 0,
        "mastery": mastery,
        "previous": previous,
        "next": next_,
    }
    return render(request, "quizzes/lesson_detail.html", context)
