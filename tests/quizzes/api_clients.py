"""What the API tests share: a client holding a device token, and the markers for tests
that need concurrent transactions."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import DeviceToken, User


def api_for(user: User) -> APIClient:
    """An API client signed in as ``user`` with a fresh device token."""
    _, token = DeviceToken.objects.create(user=user, device_name="phone")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs concurrent transactions with row locks: runs in CI's PostgreSQL pass",
)

# Threads need committed data, hence transaction=True. Naming every app as available
# makes the flush after the test cascade across every table. The flush also empties
# what data migrations wrote (the Teachers group), so such tests make their own author
# instead of using the teacher fixture. (pytest-django runs transactional tests last.)
concurrent_db = pytest.mark.django_db(
    transaction=True, available_apps=[app.name for app in apps.get_app_configs()]
)
