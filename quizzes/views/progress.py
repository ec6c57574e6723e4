"""The student's own progress: mastery, review history, forecast, retention, streak and
quiz attempts. Read-only; charts are SVG drawn on the server."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from quizzes.progress import progress_summary


@require_safe
@login_required
def progress(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "quizzes/progress.html",
        {"summary": progress_summary(request.user, timezone.now())},
    )
