"""When an indicator must be reported: its due dates, the period a report counts for, what is late.

Monthly steps keep the day of the month of the first due date, clipped to the month's end:
31 Jan → 28 (or 29) Feb → 31 Mar. Each date is computed from the first one, so a short month
never shortens the months after it.

Nothing here overflows, whatever is stored: a step past the calendar's last day (31/12/9999)
stops at that day, and the due dates end there.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection, Iterable, Sequence
from datetime import date

FREQUENCIES = ("unica", "mensual", "bimestral", "trimestral", "semestral", "anual", "fechas")
FREQUENCY_LABELS = {
    "unica": "única",
    "mensual": "mensual",
    "bimestral": "bimestral",
    "trimestral": "trimestral",
    "semestral": "semestral",
    "anual": "anual",
    "fechas": "en fechas fijas",
}
# Months between two due dates.
STEP_MONTHS = {"mensual": 1, "bimestral": 2, "trimestral": 3, "semestral": 6, "anual": 12}
# Without a last due date, due dates are given for this many months after the first one.
DEFAULT_SPAN_MONTHS = 12
MAX_DATES = 600  # fifty years of monthly dates: a guard against a mistyped year


def in_calendar(start: date, months: int) -> bool:
    """Does `start` moved by `months` still fall within the calendar (years 1 to 9999)?"""
    index = start.year * 12 + (start.month - 1) + months
    return date.min.year * 12 <= index <= date.max.year * 12 + 11


def add_months(start: date, months: int) -> date:
    """`start` moved by `months`, keeping its day of the month or the month's last day;
    clipped to the calendar's first and last days (date.min, date.max) instead of overflowing."""
    if not in_calendar(start, months):
        return date.max if months > 0 else date.min
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def due_dates(
    frequency: str, first_due: date | None, last_due: date | None, dates: Iterable[date] = ()
) -> list[date]:
    """Every due date, oldest first.

    `unica`: the first due date only. `fechas`: the explicit `dates`, sorted, without repeats (the
    first due date if none were given). Otherwise every step of the frequency from `first_due` up to
    and including `last_due`; without `last_due`, the steps within one year of `first_due`.
    """
    if frequency not in FREQUENCIES:
        raise ValueError(f"unknown frequency {frequency!r}")
    if frequency == "fechas":
        explicit = sorted(set(dates))
        if explicit:
            return explicit
        return [first_due] if first_due is not None else []
    if first_due is None:
        return []
    if frequency == "unica":
        return [first_due]
    step = STEP_MONTHS[frequency]
    result: list[date] = []
    if last_due is None:
        end = add_months(first_due, DEFAULT_SPAN_MONTHS)
        inclusive = not in_calendar(first_due, DEFAULT_SPAN_MONTHS)  # then the year ends with the calendar
    else:
        end, inclusive = last_due, True
    for k in range(MAX_DATES):
        if not in_calendar(first_due, k * step):
            break  # the next step would fall after 31/12/9999
        due = add_months(first_due, k * step)
        if due > end or (due == end and not inclusive and k > 0):
            break
        result.append(due)
    return result


def indicator_due_dates(
    frequency: str, first_due: date | None, last_due: date | None, dates: Iterable[date], commitment_end: date | None
) -> list[date]:
    """An indicator's due dates as everyone counts them: without a last date of its own, a
    repeating indicator runs until its commitment ends (the reminders and the reports agree)."""
    if last_due is None and frequency not in ("unica", "fechas"):
        last_due = commitment_end
    return due_dates(frequency, first_due, last_due, dates)


def _pending(due: Sequence[date], reported: Collection[date]) -> list[date]:
    done = set(reported)
    return sorted(d for d in set(due) if d not in done)


def period_for(due: Sequence[date], reported: Collection[date], today: date) -> date | None:
    """The period a report made today counts for.

    The earliest unreported due date on or before today (catching up comes first), else the next
    upcoming unreported one (reporting early), else None: every period is reported.
    """
    pending = _pending(due, reported)
    if not pending:
        return None
    return pending[0]


def overdue(due: Sequence[date], reported: Collection[date], today: date) -> list[date]:
    """Due dates already past (before today) with no report, oldest first."""
    return [d for d in _pending(due, reported) if d < today]


def next_due(due: Sequence[date], reported: Collection[date], today: date) -> date | None:
    """The next unreported due date from today on (today included), or None."""
    return next((d for d in _pending(due, reported) if d >= today), None)
