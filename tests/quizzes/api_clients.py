"""What the API tests share: a client holding a device token, a review as a phone pushes
it, and the markers for tests that need concurrent transactions."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import DeviceToken, User
from quizzes.models import Question


def api_for(user: User) -> APIClient:
    """An API client signed in as ``user`` with a fresh device token."""
    _, token = DeviceToken.objects.create(user=user, device_name="phone")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def pushed_review(question: Question, **fields: object) -> dict[str, object]:
    """One review as a phone pushes it: rated Good half an hour ago, with a fresh id;
    ``fields`` change or add to it."""
    return {
        "id": str(uuid.uuid4()),
        "question": question.pk,
        "rating": 3,
        "reviewed_at": (timezone.now() - timedelta(minutes=30)).isoformat(),
        "duration_ms": 1000,
        "device": "phone",
        **fields,
    }


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
