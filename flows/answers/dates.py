"""Dates as people write them in Mexico (15/03/2026) or as ISO (2026-03-15); stored as ISO.

Every date question takes dates between EARLIEST and LATEST at most (a question's `min` and `max`
narrow that): a mistyped year such as 9999 is refused with the range, never stored, so nothing
computed from the date (a schedule of due dates) can run off the calendar.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Any

from flows.answers.plain import plain
from flows.answers.registry import AnswerType, Spec, register
from flows.errors import Rejected

_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)
MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
          "septiembre", "octubre", "noviembre", "diciembre")


def read_date(text: str, low: date = EARLIEST, high: date = LATEST) -> date:
    """The date typed, between `low` and `high`; Rejected with a Spanish explanation otherwise."""
    raw = plain(text).strip()
    if match := _YMD.match(raw):
        year, month, day = (int(g) for g in match.groups())
    elif match := _DMY.match(raw):
        day, month, year = (int(g) for g in match.groups())
    else:
        raise Rejected("not_a_date")
    if year < low.year:  # checked first: year 0 is no date at all
        raise Rejected("date_before", min=spoken(low), max=spoken(high))
    if year > high.year:
        raise Rejected("date_after", min=spoken(low), max=spoken(high))
    if not 1 <= month <= 12:
        raise Rejected("bad_month", month=month)
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise Rejected("no_such_day", day=day, month=MONTHS[month - 1], year=year, days=days)
    value = date(year, month, day)
    if value < low:
        raise Rejected("date_before", min=spoken(low), max=spoken(high))
    if value > high:
        raise Rejected("date_after", min=spoken(low), max=spoken(high))
    return value


def spoken(value: date) -> str:
    return f"{value.day} de {MONTHS[value.month - 1]} de {value.year}"


def limits(spec: Spec) -> tuple[date, date]:
    """The first and last dates the question takes: its own `min` and `max`, within EARLIEST–LATEST."""
    low, high = EARLIEST, LATEST
    if spec.data.get("min"):
        low = max(low, date.fromisoformat(str(spec.data["min"])))
    if spec.data.get("max"):
        high = min(high, date.fromisoformat(str(spec.data["max"])))
    return low, high


@register
class DateAnswer(AnswerType):
    name = "date"
    placeholder = "placeholder_date"

    def parse(self, text: str, spec: Spec) -> Any:
        return read_date(text, *limits(spec)).isoformat()

    def show(self, value: Any, spec: Spec) -> str:
        try:
            return spoken(date.fromisoformat(str(value)))
        except ValueError:
            return str(value)

    def config_problems(self, spec: Spec) -> list[tuple[str, str]]:
        problems = []
        for key in ("min", "max"):
            if key in spec.data:
                try:
                    date.fromisoformat(str(spec.data[key]))
                except ValueError:
                    problems.append((key, f"`{key}` debe ser una fecha AAAA-MM-DD"))
        if not problems:
            low, high = limits(spec)
            if low > high:
                problems.append(("max", f"`min` y `max` no dejan ninguna fecha posible (entre {EARLIEST.isoformat()} "
                                        f"y {LATEST.isoformat()})"))
        return problems
