"""Yes/no, one option, several options: tapped, or typed by number or by label."""

from __future__ import annotations

import re
from typing import Any

from flows.answers.plain import plain
from flows.answers.registry import AnswerType, Spec, register
from flows.errors import Rejected
from flows.events import Button
from flows.model import Option
from flows.text import normalize

YES = frozenset({"si", "s", "sip", "claro", "yes", "y", "de acuerdo", "acepto", "ok", "va"})
NO = frozenset({"no", "n", "nop", "no acepto"})


@register
class YesNo(AnswerType):
    name = "yes_no"
    placeholder = "placeholder_choice"

    def parse(self, text: str, spec: Spec) -> Any:
        word = normalize(plain(text)).strip(".!¡¿?")
        if word in YES:
            return True
        if word in NO:
            return False
        raise Rejected("not_yes_no")

    def buttons(self, spec: Spec) -> tuple[Button, ...]:
        return (Button("Sí", "si"), Button("No", "no"))

    def show(self, value: Any, spec: Spec) -> str:
        return "Sí" if value else "No"


def find_option(
    text: str, options: tuple[Option, ...], numbered: tuple[Option, ...] | None = None
) -> Option | None:
    """An option by its number in the list shown (`numbered`: the screen of a paged list), its value
    or its label, long or short (accents and case ignored)."""
    raw = normalize(plain(text)).strip(".")
    shown = options if numbered is None else numbered
    if raw.isdigit() and 1 <= int(raw) <= len(shown):
        return shown[int(raw) - 1]
    for option in options:
        short = option.short and raw == normalize(option.short)
        if short or raw in (normalize(option.value), normalize(option.label)):
            return option
    return None


def _label(value: Any, options: tuple[Option, ...]) -> str:
    for option in options:
        if option.value == value:
            return option.label
    return str(value)


def _option_problems(spec: Spec) -> list[tuple[str, str]]:
    if not spec.options:
        return [("options", "la pregunta no tiene opciones (`options` u `options_from`)")]
    values = [o.value for o in spec.options]
    if len(set(values)) != len(values):
        return [("options", "hay opciones con el mismo `value`")]
    return []


@register
class Choice(AnswerType):
    name = "choice"
    placeholder = "placeholder_choice"

    def parse(self, text: str, spec: Spec) -> Any:
        option = find_option(text, spec.options, spec.numbered)
        if option is None:
            raise Rejected("not_an_option", count=len(spec.numbered or spec.options))
        return option.value

    def tap(self, value: str, spec: Spec) -> Any:
        for option in spec.options:
            if option.value == value:
                return option.value
        raise Rejected("stale_button")

    def buttons(self, spec: Spec) -> tuple[Button, ...]:
        return tuple(Button(o.button, o.value) for o in spec.options)

    def show(self, value: Any, spec: Spec) -> str:
        return _label(value, spec.options)

    def config_problems(self, spec: Spec) -> list[tuple[str, str]]:
        return _option_problems(spec)


_SEPARATORS = re.compile(r"\s*(?:,|;|\by\b|\be\b)\s*")


@register
class MultiChoice(Choice):
    name = "multi_choice"
    placeholder = "placeholder_multi_choice"

    def parse(self, text: str, spec: Spec) -> Any:
        chosen: list[Option] = []
        parts = [p for p in _SEPARATORS.split(normalize(plain(text))) if p]
        if len(parts) == 1 and " " in parts[0] and find_option(parts[0], spec.options, spec.numbered) is None:
            parts = parts[0].split()  # "1 3 4"
        for part in parts:
            option = find_option(part, spec.options, spec.numbered)
            if option is None:
                raise Rejected("not_options", part=part, count=len(spec.numbered or spec.options))
            if option not in chosen:
                chosen.append(option)
        return self._within_limits([o.value for o in spec.options if o in chosen], spec)

    def tap(self, value: str, spec: Spec) -> Any:
        values = [v for v in value.split(",") if v]
        known = [o.value for o in spec.options]
        if not values or any(v not in known for v in values):
            raise Rejected("stale_button")
        return self._within_limits([v for v in known if v in values], spec)

    def _within_limits(self, values: list[str], spec: Spec) -> list[str]:
        low = int(spec.data.get("min_choices", 1))
        high = int(spec.data.get("max_choices", len(spec.options)))
        if len(values) < low:
            raise Rejected("too_few_choices", min=low)
        if len(values) > high:
            raise Rejected("too_many_choices", max=high)
        return values

    def show(self, value: Any, spec: Spec) -> str:
        if not isinstance(value, list):
            return str(value)
        return ", ".join(_label(v, spec.options) for v in value)
