"""Give every request an id: in its log records and in the X-Request-ID answer header."""

import re
import uuid
from collections.abc import Callable

from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from config.logging import request_id

HEADER = "X-Request-ID"
# A proxy's or load balancer's id is kept so one id follows the request across servers,
# but only if it is a plain token: it is written into logs and an answer header, where
# newlines, quotes or megabytes of text have no business.
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


class RequestIdMiddleware:
    """Take a sane incoming X-Request-ID or make one; expose it while the request runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(HEADER, "")
        current = incoming if _SANE_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = current
        # Not reset on the way out: Django logs "Not Found" and server errors after the
        # middleware has returned. The id is cleared when the answer has been sent.
        request_id.set(current)
        response = self.get_response(request)
        response[HEADER] = current
        return response


@receiver(request_finished, dispatch_uid="config.middleware.forget_request_id")
def forget_request_id(**kwargs: object) -> None:
    """Once the answer is sent, later records (between requests) carry no stale id."""
    request_id.set("-")
