"""A teacher's class report: per student and per lesson, on a page and as CSV."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse


@login_required
def class_report(request: HttpRequest, class_id: int) -> HttpResponse:
    raise Http404


@login_required
def class_report_csv(request: HttpRequest, class_id: int) -> HttpResponse:
    raise Http404
