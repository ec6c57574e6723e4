"""Site-wide middleware: every request gets an id (in its log records and the
X-Request-ID answer header), and requests whose address or form is not UTF-8 are refused
before any view runs."""

import re
import uuid
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.http import parse_header_parameters
from django.utils.translation import gettext as _

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


# --- Encodings ---------------------------------------------------------------------------

ALLOWED_CHARSETS = {"utf-8", "us-ascii"}
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


class RequestEncodingMiddleware:
    """Refuse, on every path and before any view runs, what no view should have to parse:

    - a query string holding a NUL character -> 400 (PostgreSQL refuses it in a filter);
    - a query string, or a form body (``application/x-www-form-urlencoded``), whose bytes
      are not UTF-8 -> 400: Django would quietly turn them into U+FFFD and a view would
      take the result for what the user typed (an import, an answer);
    - a form sent with a ``charset`` other than UTF-8 or US-ASCII -> 415: Django decodes
      the form with it, and one that is not a text codec (``zlib_codec``) is a server
      error.

    The refusal is plain text; under /api/ the API's guard (``quizzes.api.guards``),
    which runs first, turns it into the API's JSON error.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = encoding_refusal(request)
        if refusal is not None:
            status, message = refusal
            return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def encoding_refusal(request: HttpRequest) -> tuple[int, str] | None:
    """A status and message for a query string or form that is not UTF-8 (see
    :class:`RequestEncodingMiddleware`), or None."""
    query = unquote_to_bytes(_wsgi_bytes(request.META.get("QUERY_STRING", "")))
    if not _is_utf_8(query):
        return 400, _("The address holds characters that are not UTF-8.")
    if b"\x00" in query:
        # No filter or search can use it, and PostgreSQL refuses it in a comparison.
        return 400, _("The address holds a null character.")
    media_type, params = parse_header_parameters(request.META.get("CONTENT_TYPE", ""))
    if media_type not in FORM_TYPES:
        return None
    charset = params.get("charset")
    if charset is not None and charset.lower() not in ALLOWED_CHARSETS:
        return 415, _("Unsupported charset “%(charset)s”: send UTF-8.") % {"charset": charset[:40]}
    if media_type == "application/x-www-form-urlencoded" and not _is_utf_8(
        unquote_to_bytes(request.body)
    ):
        return 400, _("The form holds characters that are not UTF-8.")
    return None


def _wsgi_bytes(value: str) -> bytes:
    """The bytes a WSGI server received (it hands them on as ISO-8859-1 text)."""
    try:
        return value.encode("iso-8859-1")
    except UnicodeEncodeError:  # not from a WSGI server: already text
        return value.encode("utf-8", "surrogatepass")


def _is_utf_8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
