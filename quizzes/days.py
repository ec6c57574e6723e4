"""Calendar days in the site's zone (``settings.TIME_ZONE``): a review at 23:30 local time
counts for that evening, whatever the offset from UTC. Used by the daily new-card limit,
the due counts and the progress charts alike."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

from django.utils import timezone


def local_zone() -> tzinfo:
    return timezone.get_default_timezone()


def local_today(now: datetime) -> date:
    return timezone.localdate(now, local_zone())


def day_start(day: date) -> datetime:
    """Midnight at the start of ``day`` in the site's zone, as an aware datetime."""
    return datetime.combine(day, time.min, tzinfo=local_zone())


def local_day(now: datetime) -> tuple[datetime, datetime]:
    """The start of the local day that contains ``now``, and the start of the next one:
    ``start <= now < end``."""
    today = local_today(now)
    return day_start(today), day_start(today + timedelta(days=1))
