"""Short and long free texts, with length limits."""

from __future__ import annotations

from typing import Any

from flows.answers import AnswerType, Spec, register
from flows.errors import Rejected


class _Text(AnswerType):
    default_max = 200

    def parse(self, text: str, spec: Spec) -> Any:
        value = text.strip()
        if not value:
            raise Rejected("empty_text")
        low = int(spec.data.get("min_length", 1))
        high = int(spec.data.get("max_length", self.default_max))
        if len(value) < low:
            raise Rejected("too_short", min=low, length=len(value))
        if len(value) > high:
            raise Rejected("too_long", max=high, length=len(value))
        return value

    def config_problems(self, spec: Spec) -> list[tuple[str, str]]:
        problems = []
        for key in ("min_length", "max_length"):
            if key in spec.data and not isinstance(spec.data[key], int):
                problems.append((key, f"`{key}` debe ser un número entero"))
        return problems


@register
class ShortText(_Text):
    name = "short_text"
    placeholder = "placeholder_text"


@register
class LongText(_Text):
    name = "long_text"
    default_max = 2000
    placeholder = "placeholder_long_text"
