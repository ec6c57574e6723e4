"""Progress: being written."""

from django.http import Http404, HttpRequest, HttpResponse


def progress(request: HttpRequest) -> HttpResponse:
    raise Http404
