"""The API's JSON parser: DRF's, plus a 400 for JSON nested too deeply to decode."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(
        self,
        stream: IO[bytes],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            # Python's decoder gives up on deep nesting ("[[[[..."): a client's mistake.
            raise ParseError(_("JSON parse error - the document is nested too deeply.")) from error
