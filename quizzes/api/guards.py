"""Request guards: refuse what no view should ever have to parse.

On every path, before any view runs:

- a query string holding a NUL character -> 400 (PostgreSQL refuses it in a filter);
- a query string, or a form body (``application/x-www-form-urlencoded``), whose bytes
  are not UTF-8 -> 400: Django would quietly turn them into U+FFFD and a view would take
  the result for what the user typed (an import, an answer);
- a form sent with a ``charset`` other than UTF-8 or US-ASCII -> 415: Django decodes the
  form with it, and one that is not a text codec (``zlib_codec``) is a server error.

Under /api/, also:

- a body over ``API_MAX_BODY_BYTES`` (by its Content-Length, or counted as it is read
  when the body is sent chunked) -> 413, and the body is not read any further;
- a ``charset`` other than UTF-8 or US-ASCII -> 415: Python would happily decode a body
  with ``zlib_codec`` or ``bz2_codec`` (decompressing it) or UTF-16;
- any error page Django itself renders there (an unknown path's 404, a 500) is answered
  as JSON like every other API error.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse
from django.utils.http import parse_header_parameters
from django.utils.translation import gettext as _

from quizzes.api.errors import error_response

API_PREFIX = "/api/"
API_MAX_BODY_BYTES = 1024 * 1024
ALLOWED_CHARSETS = {"utf-8", "us-ascii"}


class ApiRequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX):
            refusal = _encoding_refusal(request)
            if refusal is not None:
                return HttpResponse(
                    refusal[1], status=refusal[0], content_type="text/plain; charset=utf-8"
                )
            return self.get_response(request)
        refusal = self._refusal(request)
        if refusal is not None:
            return refusal
        encoding = _encoding_refusal(request)
        if encoding is not None:
            return error_response(*encoding)
        return _as_json_error(self.get_response(request))

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        charset = _charset(request.META.get("CONTENT_TYPE", ""))
        if charset is not None and charset.lower() not in ALLOWED_CHARSETS:
            return error_response(
                415,
                _("Unsupported charset “%(charset)s”: send UTF-8.") % {"charset": charset[:40]},
            )
        too_large = _("The request body is larger than %(limit)d bytes.") % {
            "limit": API_MAX_BODY_BYTES
        }
        length = request.META.get("CONTENT_LENGTH", "")
        if length.strip():
            try:
                size = int(length)
            except ValueError:
                size = -1
            if size < 0:
                return error_response(400, _("The Content-Length header is not a number."))
            if size > API_MAX_BODY_BYTES:
                return error_response(413, too_large)
        elif "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            # No length announced: read at most one byte past the limit, then let the view
            # read what was received as if its length had been sent.
            body = _read_at_most(request.META["wsgi.input"], API_MAX_BODY_BYTES + 1)
            if len(body) > API_MAX_BODY_BYTES:
                return error_response(413, too_large)
            request.META["CONTENT_LENGTH"] = str(len(body))
            request._stream = LimitedStream(io.BytesIO(body), len(body))  # type: ignore[attr-defined]  # Django reads the body from here
        return None


FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def _encoding_refusal(request: HttpRequest) -> tuple[int, str] | None:
    """A status and message for a query string or form body that is not UTF-8."""
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


def _charset(content_type: str) -> str | None:
    if not content_type:
        return None
    _media_type, params = parse_header_parameters(content_type)
    return params.get("charset")


def _read_at_most(stream: io.BufferedIOBase, limit: int) -> bytes:
    chunks: list[bytes] = []
    received = 0
    while received < limit:
        chunk = stream.read(min(64 * 1024, limit - received))
        if not chunk:
            break
        chunks.append(chunk)
        received += len(chunk)
    return b"".join(chunks)


def _as_json_error(response: HttpResponse) -> HttpResponse:
    """Django's own error pages are HTML: give API clients the JSON they expect."""
    if response.status_code < 400:
        return response
    if response.get("Content-Type", "").startswith("application/json"):
        return response
    return error_response(response.status_code)
