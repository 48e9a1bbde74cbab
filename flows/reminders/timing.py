"""Local times for reminders and digests: sending windows, weekly schedules, zoneinfo → UTC.

A secretariat's `quiet_hours` ("09:00-19:00") is the window in which Cocrea may write to people;
outside it, people are left in peace. A reminder whose hour falls outside the window moves to the
window's opening on the same day, so a reminder never changes day. Local wall-clock times are
turned into UTC with zoneinfo, so "09:00 in Tijuana" is 17:00 UTC in winter and 16:00 UTC in summer.

Every scheduled send keeps to the window, not only the planned ones: a reminder caught up after
the bot was down, a retry after a failure and a digest all wait for the window to open
(`next_open`), and that wait does not count against the catch-up time (`longest_wait`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("lunes", "martes", "miercoles", "jueves", "viernes", "sabado", "domingo")
NEVER = ("nunca", "no", "apagado")
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")

Window = tuple[time, time]


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def parse_clock(value: str) -> time:
    """'09:00' → time(9, 0); ValueError in Spanish otherwise."""
    match = _CLOCK.fullmatch(str(value).strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ValueError(f"«{value}» no es una hora válida; escríbela como HH:MM, p. ej. 09:00")
    return time(int(match.group(1)), int(match.group(2)))


def parse_window(value: str) -> Window:
    """'09:00-19:00' → (09:00, 19:00): the hours in which sending is allowed."""
    start, sep, end = str(value).partition("-")
    if not sep:
        raise ValueError(f"«{value}» no es un horario válido; escríbelo como 09:00-19:00")
    window = parse_clock(start), parse_clock(end)
    if window[0] == window[1]:
        raise ValueError(f"«{value}»: el horario debe durar más de cero minutos")
    return window


def in_window(moment: time, window: Window) -> bool:
    start, end = window
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end  # a window across midnight, e.g. 20:00-08:00


@dataclass(frozen=True)
class Schedule:
    """A weekly moment: weekday (0 = Monday) and local time."""

    weekday: int
    at: time

    def label(self) -> str:
        return f"{WEEKDAYS[self.weekday]} {self.at:%H:%M}"


def parse_schedule(value: str) -> Schedule | None:
    """'lunes 09:00' → Schedule(0, 09:00); 'nunca' → None (no digest)."""
    text = _plain(value)
    if text in NEVER:
        return None
    day, _, clock = text.partition(" ")
    if day not in WEEKDAYS:
        raise ValueError(f"«{value}»: el día debe ser uno de {', '.join(WEEKDAYS)} (o «nunca»)")
    return Schedule(WEEKDAYS.index(day), parse_clock(clock.strip() or "09:00"))


def local_instant(day: date, at: time, zone: str, window: Window | None = None) -> datetime:
    """The UTC instant of `at` on `day` in `zone`, moved to the window's opening when outside it."""
    if window is not None and not in_window(at, window):
        at = window[0]
    # fold=0: in the hour that repeats when clocks go back, the first one; a time that does not
    # exist (clocks go forward) comes out one hour later on the wall clock, which is what people expect.
    return datetime.combine(day, at, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def local_date(moment: datetime, zone: str) -> date:
    return moment.astimezone(ZoneInfo(zone)).date()


def week_start(moment: datetime, zone: str) -> date:
    """The Monday (local) of the week `moment` falls in."""
    today = local_date(moment, zone)
    return today - timedelta(days=today.weekday())


def next_open(moment: datetime, zone: str, window: Window) -> datetime:
    """The first instant from `moment` on (UTC) at which the window is open in `zone`."""
    here = moment.astimezone(ZoneInfo(zone))
    if in_window(here.time(), window):
        return moment
    day = here.date() if here.time() < window[0] else here.date() + timedelta(days=1)
    opening = local_instant(day, window[0], zone)
    return max(opening, moment)  # a clock going back never opens the window in the past


def longest_wait(window: Window) -> timedelta:
    """The longest a message can wait for the window to open: the quiet hours of a day."""
    start, end = (datetime.combine(date.min, t) for t in window)
    open_for = (end - start) % timedelta(days=1)
    return timedelta(days=1) - open_for


def digest_instant(schedule: Schedule, week: date, zone: str) -> datetime:
    """When the digest of the week starting on Monday `week` is due, in UTC."""
    return local_instant(week + timedelta(days=schedule.weekday), schedule.at, zone)
