"""The shape of every API error: JSON with a human-readable ``detail``.

DRF already answers its own errors this way; ``error_response`` is for the places DRF
does not reach (the request guards, Django's own 404 and 500 pages under /api/), and
``ErrorSerializer`` / ``error_responses`` describe those answers in the schema.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.http import JsonResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.settings import api_settings


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=_("What went wrong, in words."))


ERROR_DESCRIPTIONS: dict[int, Promise] = {
    # Any operation: the request guards refuse an address that is not UTF-8 or holds a
    # null character before the view runs.
    400: _("The request is not valid (a parameter, or an address that is not UTF-8)."),
    401: _("No token, or a revoked or expired one."),
    403: _("Not allowed."),
    404: _("Not found, or not yours."),
    405: _("Method not allowed."),
    413: _("The body is larger than 1 MB."),
    415: _("Not JSON, or a charset other than UTF-8."),
    429: _("Too many requests: wait and try again."),
    500: _("Server error."),
}


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """Schema entries for the error answers an operation may give."""
    return {
        status: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[status])
        for status in statuses
    }


def error_response(status: int, message: str | Promise | None = None) -> JsonResponse:
    """An error answer in the API's shape: ``{"detail": message}``."""
    detail = message if message is not None else ERROR_DESCRIPTIONS.get(status, _("Error."))
    return JsonResponse({"detail": str(detail)}, status=status)


def error_items(
    errors: object,
    *,
    items: str,
    item_field: str | None,
    index: int | None = None,
    field: str | None = None,
) -> Iterator[dict[str, object]]:
    """A serializer's nested errors as ``{index, field, message}`` items, the shape a
    refused batch answers. ``items`` names the request's list (``answers``, ``reviews``):
    an error inside its n-th entry gets index n, its own field name, and ``item_field``
    for a problem with the entry as a whole."""
    if isinstance(errors, dict):
        for key, value in errors.items():
            if isinstance(key, int):  # an entry's place in the list: its own fields follow
                yield from error_items(
                    value, items=items, item_field=item_field, index=key, field=item_field
                )
                continue
            name = field if key == api_settings.NON_FIELD_ERRORS_KEY else str(key)
            yield from error_items(
                value, items=items, item_field=item_field, index=index, field=name
            )
    elif isinstance(errors, list) and field == items and index is None:
        # Either messages about the whole list, or one entry per item of it.
        for place, item in enumerate(errors):
            if isinstance(item, dict):
                yield from error_items(
                    item, items=items, item_field=item_field, index=place, field=item_field
                )
            elif item:
                yield {"index": None, "field": field, "message": str(item)}
    elif isinstance(errors, list):
        for item in errors:
            yield from error_items(
                item, items=items, item_field=item_field, index=index, field=field
            )
    else:
        yield {"index": index, "field": field, "message": str(errors)}
