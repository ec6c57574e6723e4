"""API v1 authentication: log in for a device token, log out one device or all of them.

Tokens are django-rest-knox `DeviceToken`s: the client sees the token once, the database
keeps only its digest, and each one expires after `LECTERN_API_TOKEN_DAYS`. Logging in is
throttled per client IP and per submitted username in Django's default cache, which every
worker process shares (Redis or the database cache table), and, like the site's log-in
page, locked for a while after repeated failures at one username from one address
(accounts/lockout.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from django.contrib.auth import authenticate, user_logged_in, user_logged_out
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from accounts.lockout import client_ip, cool_off_minutes, lockout_message
from accounts.models import DeviceToken, User

# The one answer to every failed log-in, whichever of the username or password was wrong
# (or the account is disabled), so the API does not tell which usernames exist.
BAD_CREDENTIALS = _("Unable to log in with the username and password provided.")

# --- Throttles ---------------------------------------------------------------------------


class _LoginThrottle(SimpleRateThrottle):
    def get_rate(self) -> str | None:
        # DRF binds the rates when its module is imported; read them at request time so a
        # settings change (or a test's override) applies.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def key_for(self, ident: str) -> str:
        # Hashed: any text makes a short cache key with no spaces or control characters.
        digest = hashlib.sha256(ident.encode("utf-8", "surrogatepass")).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": digest}


class LoginIPThrottle(_LoginThrottle):
    """Log-in attempts from one client address, whatever usernames it tries."""

    scope = "login_ip"

    def get_ident(self, request: Request) -> str:
        # Unless REST_FRAMEWORK["NUM_PROXIES"] says how many proxies stand in front, DRF
        # would take the client's own X-Forwarded-For header at its word, and a new
        # made-up address each time would escape this throttle. The lock-out counts the
        # same address.
        return client_ip(request) or ""

    def get_cache_key(self, request: Request, view: APIView) -> str:
        return self.key_for(self.get_ident(request))


class LoginUsernameThrottle(_LoginThrottle):
    """Log-in attempts at one username (case-folded), from whichever addresses."""

    scope = "login_username"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        data = request.data
        username = data.get("username") if isinstance(data, Mapping) else None
        if not isinstance(username, str):
            return None  # the serializer refuses the request anyway
        return self.key_for(username.strip().casefold())


class LockedOut(exceptions.APIException):
    """Too many failed log-ins at this username from this address: refused, whatever the
    password, until the cool-off ends (django-axes keeps the count)."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"

    def __init__(self, request: Request) -> None:
        super().__init__(lockout_message(request))
        # DRF's exception handler turns `wait` into the Retry-After header.
        self.wait = cool_off_minutes(request) * 60


# --- Serializers -------------------------------------------------------------------------


class StrictCharField(serializers.CharField):
    """A string field that refuses numbers and booleans instead of turning them to text."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class LoginSerializer(serializers.Serializer):
    username = StrictCharField(max_length=150)
    password = StrictCharField(max_length=4096, trim_whitespace=False, write_only=True)
    device_name = StrictCharField(
        max_length=100,
        allow_blank=True,
        help_text=_("A name the user will recognise the device by, e.g. “Sam’s phone”."),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # Django's backend refuses inactive accounts and runs the password hasher for
        # unknown usernames too, so neither the answer nor its timing tells them apart.
        request = self.context.get("request")
        user = authenticate(request, username=attrs["username"], password=attrs["password"])
        if user is None:
            # Set by django-axes on this request when the pair is (or has just become)
            # locked out.
            if getattr(request, "axes_locked_out", False):
                raise LockedOut(request)
            raise serializers.ValidationError(BAD_CREDENTIALS, code="authorization")
        attrs["user"] = user
        return attrs


class TokenUserSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "role"]
        read_only_fields = fields
        extra_kwargs = {"username": {"help_text": _("The name the user logs in with.")}}

    @extend_schema_field(serializers.ChoiceField(choices=["teacher", "student"]))
    def get_role(self, user: User) -> str:
        return "teacher" if user.is_teacher else "student"


class LoginResponseSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text=_("Send it as `Authorization: Token <token>`; it is shown only once.")
    )
    expiry = serializers.DateTimeField()
    user = TokenUserSerializer()


# --- Error bodies in the schema ----------------------------------------------------------

DETAIL_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_SCHEMA = {
    "type": "object",
    "description": "`detail` says what went wrong; `errors` lists each problem, with the "
    "field it is about (null for wrong credentials). A body that is not valid JSON gets "
    "`detail` only.",
    "properties": {
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string", "nullable": True},
                    "message": {"type": "string"},
                },
                "required": ["field", "message"],
            },
        },
    },
    "required": ["detail"],
}
FIELDS_REFUSED = _("The log-in was refused: a field is missing or not valid.")
UNAUTHORIZED = OpenApiResponse(DETAIL_SCHEMA, description="No token, or a revoked or expired one.")
UNSUPPORTED = OpenApiResponse(DETAIL_SCHEMA, description="The body is not JSON.")


# --- Views -------------------------------------------------------------------------------


class LoginView(APIView):
    """Exchange a username and password for a new token for this device."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [LoginIPThrottle, LoginUsernameThrottle]

    @extend_schema(
        operation_id="auth_login",
        request=LoginSerializer,
        responses={
            200: LoginResponseSerializer,
            400: OpenApiResponse(
                VALIDATION_SCHEMA,
                description="Missing or malformed fields, or wrong credentials (one message "
                "that does not say which).",
            ),
            415: UNSUPPORTED,
            429: OpenApiResponse(
                DETAIL_SCHEMA,
                description="Too many attempts from this address or at this username, or "
                "too many failed ones at this username from this address (then even the "
                "right password is refused for a while); the Retry-After header says when "
                "to try again.",
            ),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = LoginSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            return _refused(serializer.errors)
        user = serializer.validated_data["user"]
        instance, token = DeviceToken.objects.create(
            user=user, device_name=serializer.validated_data["device_name"]
        )
        # Records last_login, as a log-in through the web pages does.
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        body = LoginResponseSerializer({"token": token, "expiry": instance.expiry, "user": user})
        return Response(body.data)


def _refused(errors: Mapping[str, Any]) -> Response:
    """A refused log-in in the API's error shape: ``detail``, and each problem in
    ``errors`` as ``{field, message}`` (field null for wrong credentials)."""
    items = [
        {
            "field": None if name == api_settings.NON_FIELD_ERRORS_KEY else name,
            "message": str(message),
        }
        for name, messages in errors.items()
        for message in (messages if isinstance(messages, list) else [messages])
    ]
    general = [item["message"] for item in items if item["field"] is None]
    detail = general[0] if general else str(FIELDS_REFUSED)
    return Response({"detail": detail, "errors": items}, status=status.HTTP_400_BAD_REQUEST)


class LogoutView(APIView):
    """Revoke the token this request carries; the user's other devices stay logged in."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="auth_logout",
        request=None,
        responses={
            204: OpenApiResponse(description="The token is revoked. No body."),
            401: UNAUTHORIZED,
        },
    )
    def post(self, request: Request) -> Response:
        request.auth.delete()
        user_logged_out.send(sender=request.user.__class__, request=request, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(APIView):
    """Revoke every token of the user, this one included."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="auth_logout_all",
        request=None,
        responses={
            204: OpenApiResponse(description="All of the user's tokens are revoked. No body."),
            401: UNAUTHORIZED,
        },
    )
    def post(self, request: Request) -> Response:
        DeviceToken.objects.filter(user=request.user).delete()
        user_logged_out.send(sender=request.user.__class__, request=request, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
