"""Which reminder rows should exist now: followed items and rules in, plain rows out.

An item is an indicator or a milestone of a commitment that is approved or in implementation
(drafts and commitments in review do not nag people; concluded and cancelled ones are over).
Each of its unreported due dates ("periods") gets one row per rule and recipient, at the
secretariat's local send hour on the rule's day. A period that was reported (a milestone that
is done) gets no rows: the host cancels the ones still pending.

Only rows whose time lies in [now − catch-up, now + horizon] are planned: older ones are too late
to send (the host folds them into the next digest), later ones are planned on a later tick.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flows.reminders.config import RemindersConfig, format_date
from flows.reminders.timing import Window, local_instant
from flows.templating import render

KIND_LABELS = {"indicator": "indicador", "milestone": "hito"}


@dataclass(frozen=True)
class Recipient:
    person_id: int
    address: tuple[str, str]  # (channel, address) the reminder goes to, e.g. ('telegram', '123')
    name: str | None = None


@dataclass(frozen=True)
class FollowedItem:
    kind: str  # "indicator" | "milestone"
    id: int
    name: str
    commitment: str
    due: tuple[date, ...]  # every due date
    reported: frozenset[date]  # the due dates already reported (a milestone: its date, once done)
    recipients: tuple[Recipient, ...]
    unit: str | None = None


@dataclass(frozen=True)
class Planned:
    key: str  # unique per recipient, item, period and rule
    person_id: int
    address: tuple[str, str]
    item_kind: str
    item_id: int
    period: date
    rule: str
    due_at: datetime  # UTC
    text: str


def reminder_key(person_id: int, kind: str, item_id: int, period: date, rule: str) -> str:
    return f"r:{person_id}:{kind}:{item_id}:{period.isoformat()}:{rule}"


def plan_reminders(
    items: Iterable[FollowedItem],
    config: RemindersConfig,
    *,
    zone: str,
    window: Window,
    secretariat: str,
    now: datetime,
) -> list[Planned]:
    earliest, latest = now - config.catch_up, now + config.horizon
    first_day = (earliest - config.lookback).date() - timedelta(days=1)
    last_day = (latest + config.horizon).date() + timedelta(days=1)
    planned: list[Planned] = []
    for item in items:
        for period in item.due:
            if period in item.reported or not first_day <= period <= last_day:
                continue
            for rule in config.rules:
                if item.kind not in rule.items:
                    continue
                due_at = local_instant(period + timedelta(days=rule.days), config.send_hour, zone, window)
                if not earliest <= due_at <= latest:
                    continue
                for person in item.recipients:
                    context = _context(item, person, period, rule.days, secretariat)
                    planned.append(Planned(
                        reminder_key(person.person_id, item.kind, item.id, period, rule.id),
                        person.person_id, person.address, item.kind, item.id, period, rule.id, due_at,
                        render(rule.text, context),
                    ))
    return planned


def next_planning(
    items: Iterable[FollowedItem],
    config: RemindersConfig,
    *,
    zone: str,
    window: Window,
    now: datetime,
) -> datetime | None:
    """When `plan_reminders` would next plan a row it does not plan at `now`: the earliest reminder
    still beyond the horizon comes within it. Until then (and unless the items or the rules change)
    planning again gives the same rows, less those fallen behind the catch-up, which are left alone
    anyway. None when no reminder is to come."""
    latest = now + config.horizon
    soonest: datetime | None = None
    for item in items:
        if not item.recipients:
            continue
        for period in item.due:
            if period in item.reported:
                continue
            for rule in config.rules:
                if item.kind not in rule.items:
                    continue
                try:
                    due_at = local_instant(period + timedelta(days=rule.days), config.send_hour, zone, window)
                except OverflowError:  # a date at the end of the calendar: never sent (as plan_reminders)
                    continue
                if due_at > latest and (soonest is None or due_at < soonest):
                    soonest = due_at
    return None if soonest is None else soonest - config.horizon


def _context(item: FollowedItem, person: Recipient, period: date, days: int, secretariat: str) -> dict[str, Any]:
    return {
        "person": {"name": person.name or ""},
        "secretariat": {"name": secretariat},
        "item": {"kind": KIND_LABELS[item.kind], "name": item.name, "unit": item.unit or ""},
        "commitment": {"title": item.commitment},
        "due": format_date(period),
        "days": abs(days),
    }
