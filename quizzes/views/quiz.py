"""Quizzes: being written."""

from django.http import Http404, HttpRequest, HttpResponse


def lesson_quiz(request: HttpRequest, lesson_id: int) -> HttpResponse:
    raise Http404


def document_test(request: HttpRequest, document_id: int) -> HttpResponse:
    raise Http404


def attempt_question(request: HttpRequest, attempt_id: object) -> HttpResponse:
    raise Http404


def attempt_finish(request: HttpRequest, attempt_id: object) -> HttpResponse:
    raise Http404


def attempt_result(request: HttpRequest, attempt_id: object) -> HttpResponse:
    raise Http404
