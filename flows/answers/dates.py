"""Dates as people write them in Mexico (15/03/2026) or as ISO (2026-03-15); stored as ISO."""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Any

from flows.answers import AnswerType, Spec, register
from flows.answers.plain import plain
from flows.errors import Rejected

_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
          "septiembre", "octubre", "noviembre", "diciembre")


def read_date(text: str) -> date:
    raw = plain(text).strip()
    if match := _YMD.match(raw):
        year, month, day = (int(g) for g in match.groups())
    elif match := _DMY.match(raw):
        day, month, year = (int(g) for g in match.groups())
    else:
        raise Rejected("not_a_date")
    if not 1 <= month <= 12:
        raise Rejected("bad_month", month=month)
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise Rejected("no_such_day", day=day, month=MONTHS[month - 1], year=year, days=days)
    return date(year, month, day)


def spoken(value: date) -> str:
    return f"{value.day} de {MONTHS[value.month - 1]} de {value.year}"


@register
class DateAnswer(AnswerType):
    name = "date"
    placeholder = "placeholder_date"

    def parse(self, text: str, spec: Spec) -> Any:
        value = read_date(text)
        low, high = spec.data.get("min"), spec.data.get("max")
        if low and value < date.fromisoformat(str(low)):
            raise Rejected("date_before", min=spoken(date.fromisoformat(str(low))))
        if high and value > date.fromisoformat(str(high)):
            raise Rejected("date_after", max=spoken(date.fromisoformat(str(high))))
        return value.isoformat()

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
        return problems
