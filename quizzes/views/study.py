"""Flashcard study: being written."""

from django.http import Http404, HttpRequest, HttpResponse


def study(request: HttpRequest) -> HttpResponse:
    raise Http404


def reveal(request: HttpRequest) -> HttpResponse:
    raise Http404
