"""Reminders and coordinator digests, pure: rules from content, local times, what to send and when.

- `config`: reads `content/reminders.yaml` (rules, send hour, catch-up window, digest schedule and
  texts), noting every problem as `file:line: message`.
- `timing`: quiet hours (the window in which sending is allowed), schedules, local time → UTC with
  zoneinfo, so 09:00 stays 09:00 across daylight-saving changes.
- `planning`: followed items (indicator periods, milestones) → the reminder rows that should exist now.
- `digest`: a secretariat's week as plain data → the digest's text.

The host (bot/scheduler) reads the database, calls these functions, and syncs the outbox table.

Exceptions::

    ValueError   a malformed time, window or schedule (the message is Spanish, for admins)
"""

from flows.reminders.config import RemindersConfig, Rule, load_reminders
from flows.reminders.planning import FollowedItem, Planned, Recipient, plan_reminders
from flows.reminders.timing import Schedule, local_instant, parse_schedule, parse_window

__all__ = [
    "FollowedItem",
    "Planned",
    "Recipient",
    "RemindersConfig",
    "Rule",
    "Schedule",
    "load_reminders",
    "local_instant",
    "parse_schedule",
    "parse_window",
    "plan_reminders",
]
