"""A long list of options, a screen at a time: at most `per_screen` options, then «Ver más».

A question opts in with `per_screen` (the ODS targets of three goals are 44). Typed numbers count
in the screen shown, as the terminal numbers them; typed codes and labels reach every option.
"""

from __future__ import annotations

from dataclasses import replace

from flows.answers import Spec
from flows.events import Button
from flows.inputs import Input, Tap, Text
from flows.model import Option, Step
from flows.turn import Turn

MORE = "~more"  # the next screen (after the last one, the first again)
FULL = "~full"  # the whole text of the options on this screen


def per_screen(step: Step, spec: Spec) -> int | None:
    """Options per screen when the list is longer than that; None when it fits on one."""
    size = step.get("per_screen")
    return int(size) if isinstance(size, int) and 0 < size < len(spec.options) else None


def offset(turn: Turn, step: Step, spec: Spec) -> int:
    page = turn.state.page
    size = per_screen(step, spec)
    if size is None or page is None or page[0] != step.id or not 0 <= page[1] < len(spec.options):
        return 0
    return page[1]


def screen(turn: Turn, step: Step, spec: Spec) -> Spec:
    """The spec as the person sees it now: typed numbers count in the options on screen."""
    size = per_screen(step, spec)
    if size is None:
        return spec
    start = offset(turn, step, spec)
    return replace(spec, numbered=spec.options[start:start + size])


def heading(turn: Turn, step: Step, spec: Spec) -> str:
    """«Opciones 9 a 16 de 20.», or nothing for a list that fits on one screen."""
    shown = screen(turn, step, spec).numbered
    if not shown:
        return ""
    first = offset(turn, step, spec) + 1
    return turn.ui("options_screen", first=first, last=first + len(shown) - 1, total=len(spec.options))


def controls(turn: Turn, step: Step, spec: Spec) -> tuple[Button, ...]:
    """«Ver más» (or «Volver al principio» on the last screen) and «Ver texto completo»."""
    shown = screen(turn, step, spec).numbered
    if not shown:
        return ()
    last = offset(turn, step, spec) + len(shown) >= len(spec.options)
    buttons = [Button(turn.button_label("first_screen" if last else "more"), MORE)]
    if any(o.short for o in shown):
        buttons.append(Button(turn.button_label("full_text"), FULL))
    return tuple(buttons)


def wants(turn: Turn, step: Step, spec: Spec, inp: Input) -> str | None:
    """MORE or FULL when the person asks for the next screen or the whole texts, else None."""
    if per_screen(step, spec) is None:
        return None
    if isinstance(inp, Tap) and inp.value in (MORE, FULL):
        return inp.value
    if isinstance(inp, Text):
        if turn.is_word(inp.text, "more"):
            return MORE
        if turn.is_word(inp.text, "full_text"):
            return FULL
    return None


def turn_page(turn: Turn, step: Step, spec: Spec) -> None:
    size = per_screen(step, spec) or len(spec.options)
    start = offset(turn, step, spec) + size
    turn.state = turn.state.evolve(page=(step.id, start if start < len(spec.options) else 0))


def full_texts(options: tuple[Option, ...]) -> str:
    return "\n\n".join(o.label for o in options)
