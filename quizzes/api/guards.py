"""The API's request guard: under /api/, refuse what no API view should have to parse,
and answer every error in the API's JSON shape.

- a body over ``API_MAX_BODY_BYTES`` (by its Content-Length, or counted as it is read
  when the body is sent chunked) -> 413, and the body is not read any further;
- a ``charset`` other than UTF-8 or US-ASCII, whatever the media type -> 415: Python
  would happily decode a body with ``zlib_codec`` or ``bz2_codec`` (decompressing it) or
  UTF-16;
- any error page Django itself renders there (an unknown path's 404, a 500) is answered
  as JSON like every other API error, and so is a refusal of the site-wide encoding
  guard (``config.middleware.RequestEncodingMiddleware``, which runs after this one),
  with its message.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse
from django.utils.http import parse_header_parameters
from django.utils.translation import gettext as _

from config.middleware import ALLOWED_CHARSETS
from quizzes.api.errors import error_response

API_PREFIX = "/api/"
API_MAX_BODY_BYTES = 1024 * 1024


class ApiRequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        refusal = self._refusal(request)
        if refusal is not None:
            return refusal
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
    """Django's own error pages are HTML: give API clients the JSON they expect. A plain
    text refusal (the encoding guard's) keeps its words as the detail."""
    if response.status_code < 400:
        return response
    content_type = response.get("Content-Type", "")
    if content_type.startswith("application/json"):
        return response
    if content_type.startswith("text/plain") and not response.streaming:
        return error_response(response.status_code, response.content.decode())
    return error_response(response.status_code)
