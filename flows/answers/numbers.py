"""Numbers, integers and percentages, written the Mexican way (1,500.75) or plainly (1500,75)."""

from __future__ import annotations

import math
import re
from typing import Any

from flows.answers.plain import plain
from flows.answers.registry import AnswerType, Spec, register
from flows.errors import Rejected

_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
_PLAIN = re.compile(r"^-?\d+([.,]\d+)?$")


def read_number(text: str) -> float:
    text = plain(text)
    raw = text.strip().replace(" ", "").replace("\u00a0", "").lstrip("$").rstrip("%")
    if _THOUSANDS.match(raw):
        raw = raw.replace(",", "")
    elif _PLAIN.match(raw):
        raw = raw.replace(",", ".")
    else:
        raise Rejected("not_a_number", text=text.strip())
    value = float(raw)
    if not math.isfinite(value):
        raise Rejected("not_a_number", text=text.strip())
    return value


def _tidy(value: float) -> int | float:
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def _limits(value: float, spec: Spec, low: float | None = None, high: float | None = None) -> None:
    low = spec.data.get("min", low)
    high = spec.data.get("max", high)
    if low is not None and value < low:
        raise Rejected("below_min", min=_tidy(float(low)))
    if high is not None and value > high:
        raise Rejected("above_max", max=_tidy(float(high)))


def _limit_problems(spec: Spec) -> list[tuple[str, str]]:
    problems = []
    for key in ("min", "max"):
        if key in spec.data and not isinstance(spec.data[key], int | float):
            problems.append((key, f"`{key}` debe ser un número"))
    return problems


@register
class Number(AnswerType):
    name = "number"
    placeholder = "placeholder_number"

    def parse(self, text: str, spec: Spec) -> Any:
        value = read_number(text)
        _limits(value, spec)
        return _tidy(value)

    def config_problems(self, spec: Spec) -> list[tuple[str, str]]:
        return _limit_problems(spec)


@register
class Integer(Number):
    name = "integer"
    placeholder = "placeholder_integer"

    def parse(self, text: str, spec: Spec) -> Any:
        value = read_number(text)
        if not value.is_integer():
            raise Rejected("not_an_integer")
        _limits(value, spec)
        return int(value)


@register
class Percentage(Number):
    name = "percentage"
    placeholder = "placeholder_percentage"

    def parse(self, text: str, spec: Spec) -> Any:
        value = read_number(text)
        _limits(value, spec, 0, 100)
        return _tidy(value)

    def show(self, value: Any, spec: Spec) -> str:
        return f"{value} %"
