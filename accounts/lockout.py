"""Log-in lock-out (django-axes): the hooks Lectern gives it.

Axes counts failed log-ins per username and client address in the database, so every
worker process and every app server sees the same count, and locks that pair out for a
cool-off period after `LECTERN_LOCKOUT_FAILURES` failures (settings.py). Every way to
try a password passes through `django.contrib.auth.authenticate` with the request: the
site's and the admin's log-in forms, the API's token log-in, the old password asked
before changing it and the password asked before deleting an account. This module holds
what those share: the client address (the same one the API's throttles count), the
backend that refuses a locked-out pair, and the answer a locked-out client gets.
"""

from __future__ import annotations

import ipaddress
import math
from datetime import timedelta
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import ngettext
from rest_framework.settings import api_settings


def client_ip(request: Any) -> str | None:
    """The client's address: REMOTE_ADDR, or, when `LECTERN_PROXIES` (DRF's NUM_PROXIES)
    says how many proxies stand in front, the address the outermost of them saw, read
    from X-Forwarded-For as DRF's throttles read it. Without that setting the header is
    ignored, since any client can send one. Anything that is not an IP address falls back
    to REMOTE_ADDR."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = api_settings.NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if not proxies or not forwarded:
        return remote
    addresses = forwarded.split(",")
    candidate = addresses[-min(proxies, len(addresses))].strip()
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


USERNAME_LIMIT = 150
"""The longest username an account can have (``User.username``)."""


def client_username(request: Any, credentials: dict[str, Any] | None = None) -> str | None:
    """The username a log-in tried, as axes counts it: from the credentials, else from the
    posted form or JSON. Cut to the longest username an account can have: axes stores it
    in a column of 255 characters, and PostgreSQL refuses a longer value outright (a
    pasted megabyte would be a server error). Longer names belong to no account, so
    counting them together changes nothing for anyone."""
    if credentials:
        username = credentials.get("username")
    else:
        username = getattr(request, "data", request.POST).get("username")
    if not isinstance(username, str):
        return None
    return username[:USERNAME_LIMIT]


class LockoutBackend(AxesStandaloneBackend):
    """Axes' check, first among the authentication backends: a locked-out username and
    address pair is refused whatever the password.

    Axes keys its count on the request, and refuses a call without one. Calls without a
    request come from code on the server (the shell, a management command, the test
    client's `login()`), never from a visitor: every page and endpoint that checks a
    password passes its request, so those calls go on to the next backend uncounted."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def cool_off_minutes(request: HttpRequest | None = None) -> int:
    cool_off = get_cool_off(request) or timedelta(0)
    return max(1, math.ceil(cool_off.total_seconds() / 60))


def lockout_message(request: HttpRequest | None = None) -> str:
    minutes = cool_off_minutes(request)
    return ngettext(
        "Too many failed log-in attempts with this username. "
        "For your safety, logging in is paused: try again in %(minutes)d minute.",
        "Too many failed log-in attempts with this username. "
        "For your safety, logging in is paused: try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """What a locked-out client gets instead of the page it posted to: 429 with a page
    that says when to try again, or the same as JSON for a script."""
    minutes = cool_off_minutes(request)
    wants_json = request.headers.get("X-Requested-With") == "XMLHttpRequest" or (
        request.headers.get("Accept", "").startswith("application/json")
    )
    if wants_json:
        response: HttpResponse = JsonResponse({"detail": lockout_message(request)}, status=429)
    else:
        response = render(
            request,
            "registration/locked_out.html",
            {"message": lockout_message(request), "minutes": minutes},
            status=429,
        )
    response["Retry-After"] = str(minutes * 60)
    return response
