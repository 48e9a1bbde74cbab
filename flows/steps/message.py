"""A text for the person; the run goes straight on."""

from __future__ import annotations

from collections.abc import Iterable

from flows.errors import Problem
from flows.model import Content, Flow, Step
from flows.steps.registry import TEMPLATE, Go, Outcome, StepKind, problem, register
from flows.turn import Turn


@register
class Message(StepKind):
    name = "message"
    properties = {"text": TEMPLATE}
    required = ("text",)

    def enter(self, turn: Turn, step: Step) -> Outcome:
        turn.say(turn.render(step.get("text"), step.id))
        return Go(turn.flow.next_of(step))

    def check(self, flow: Flow, step: Step, content: Content) -> Iterable[Problem]:
        if not step.get("text"):
            yield problem(step, "text", f"el paso '{step.id}' (message) no tiene `text`")
