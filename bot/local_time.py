"""Dates as a person sees them: in their secretariat's time zone (Mexico City when it has none or a bad one).

Every channel asks here for "today", so a report made at 23:30 on 31 March in Mexico City counts
as made on 31 March, whatever the server's own date (UTC) says.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from storage.models import DEFAULT_TIMEZONE


def zone(name: str | None) -> ZoneInfo:
    """The time zone called `name`; Mexico City's when it is empty or unknown."""
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def zone_of(secretariat: Any) -> ZoneInfo:
    """The secretariat's time zone (None: someone in no secretariat, Mexico City's)."""
    return zone(getattr(secretariat, "timezone", None))


def today_for(secretariat: Any, now: datetime) -> date:
    """The date it is at `now` (UTC) where the secretariat is."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return now.astimezone(zone_of(secretariat)).date()
