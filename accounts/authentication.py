"""How API calls authenticate: a knox device token, `Authorization: Token <token>`.

Its own module (not accounts/api.py) because it is the API's default authentication
class, which DRF imports while loading the views themselves.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from rest_framework import exceptions

from accounts.models import DeviceToken, User

# Knox tokens are an optional prefix and hexadecimal digits: anything else is refused
# before it reaches the database (a NUL byte or a non-UTF-8 header must be a 401, not a
# database or decoding error).
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,200}")


class DeviceTokenAuthentication(TokenAuthentication):
    """knox's token authentication that answers 401 to any malformed token."""

    def authenticate_credentials(self, token: bytes) -> tuple[User, DeviceToken]:
        try:
            text = token.decode("ascii")
        except UnicodeDecodeError:
            text = ""
        if not TOKEN_SHAPE.fullmatch(text):
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        return super().authenticate_credentials(token)


class DeviceTokenScheme(OpenApiAuthenticationExtension):
    """The same security scheme as drf-spectacular's for knox: `Authorization: Token …`.
    It is the API's default authentication (``REST_FRAMEWORK`` in the settings)."""

    target_class = DeviceTokenAuthentication
    name = "knoxApiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=self.target.authenticate_header(None)
        )
