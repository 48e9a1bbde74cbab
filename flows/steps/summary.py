"""Shows what the person answered, then Confirmar goes on and Corregir reopens one answer."""

from __future__ import annotations

from collections.abc import Iterable

from flows.errors import Problem
from flows.events import Button
from flows.inputs import Input, Tap, Text
from flows.model import Content, Flow, Step
from flows.steps.registry import STAY, STRING, TEMPLATE, Go, Outcome, StepKind, problem, register
from flows.text import normalize
from flows.turn import Turn

CONFIRM, FIX, FIX_PREFIX = "~confirm", "~fix", "~fix:"


def _fields(step: Step) -> list[str]:
    return [str(f) for f in step.get("fields") or []]


@register
class Summary(StepKind):
    name = "summary"
    waits = True
    properties = {"text": TEMPLATE, "fields": {"type": "array", "items": STRING}}
    required = ("text",)

    def enter(self, turn: Turn, step: Step) -> Outcome:
        turn.state = turn.state.evolve(mode=None, return_to=None)
        self.prompt(turn, step)
        return STAY

    def prompt(self, turn: Turn, step: Step) -> None:
        if turn.state.mode == "choose_fix":
            self._choose(turn, step)
            return
        buttons = (Button(turn.button_label("confirm"), CONFIRM), Button(turn.button_label("fix"), FIX))
        turn.say(turn.render(step.get("text"), step.id), buttons, None, step.id)

    def _choose(self, turn: Turn, step: Step) -> None:
        buttons = tuple(
            Button(turn.flow.steps[f].label, FIX_PREFIX + f) for f in _fields(step) if f in turn.flow.steps
        )
        turn.say(turn.ui("choose_fix"), buttons, None, step.id)

    def receive(self, turn: Turn, step: Step, inp: Input) -> Outcome:
        value = inp.value if isinstance(inp, Tap) else ""
        text = inp.text if isinstance(inp, Text) else ""
        if turn.state.mode == "choose_fix":
            target = self._picked(turn, step, value, text)
            if target is None:
                turn.say(turn.ui("not_an_option", count=len(_fields(step))))
                self._choose(turn, step)
                return STAY
            turn.state = turn.state.evolve(mode="edit", return_to=step.id)
            return Go(target)
        if value == CONFIRM or (text and (turn.is_word(text, "confirm") or normalize(text) == "1")):
            history = turn.state.history
            if history[-1:] != (step.id,):
                history = (*history, step.id)
            turn.state = turn.state.evolve(history=history)
            return Go(turn.flow.next_of(step))
        if value == FIX or (text and (turn.is_word(text, "fix") or normalize(text) == "2")):
            turn.state = turn.state.evolve(mode="choose_fix")
            self._choose(turn, step)
            return STAY
        turn.say(turn.ui("summary_help"))
        self.prompt(turn, step)
        return STAY

    def _picked(self, turn: Turn, step: Step, value: str, text: str) -> str | None:
        fields = [f for f in _fields(step) if f in turn.flow.steps]
        if value.startswith(FIX_PREFIX) and value[len(FIX_PREFIX):] in fields:
            return value[len(FIX_PREFIX):]
        raw = normalize(text)
        if raw.isdigit() and 1 <= int(raw) <= len(fields):
            return fields[int(raw) - 1]
        for field in fields:
            if raw and raw in (normalize(field), normalize(turn.flow.steps[field].label)):
                return field
        return None

    def check(self, flow: Flow, step: Step, content: Content) -> Iterable[Problem]:
        if not step.get("text"):
            yield problem(step, "text", f"el resumen '{step.id}' no tiene `text`")
        for field in _fields(step):
            target = flow.steps.get(field)
            if target is None:
                yield problem(step, "fields", f"`fields` nombra el paso '{field}', que no existe")
            elif target.type != "question":
                yield problem(step, "fields", f"`fields` nombra '{field}', que no es una pregunta")
