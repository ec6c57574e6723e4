"""Serializer fields stricter than DRF's own, for input from the app."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field({"type": "string", "format": "uuid"})
class StrictUUIDField(serializers.UUIDField):
    """A UUID given as text. DRF's own field also takes a number (``false`` becomes the
    all-zero UUID), which would let a client store ids it never made."""

    default_error_messages = {"invalid": _("Give a UUID as text.")}

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)
