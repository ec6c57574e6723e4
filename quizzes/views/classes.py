"""A student's classes: the ones they joined, and joining one with its code."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse


@login_required
def my_classes(request: HttpRequest) -> HttpResponse:
    raise Http404
