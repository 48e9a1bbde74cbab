"""The closing text; the run is finished, and may hand over to another flow."""

from __future__ import annotations

from flows.events import RunFinished
from flows.model import Step
from flows.state import DONE
from flows.steps.registry import STOP, TEMPLATE, Outcome, StepKind, register
from flows.turn import Turn


@register
class End(StepKind):
    name = "end"
    properties = {"text": TEMPLATE, "next_flow": TEMPLATE}  # a hand-over end may say nothing

    def enter(self, turn: Turn, step: Step) -> Outcome:
        turn.say(turn.render(step.get("text"), step.id))
        next_flow = turn.render(step.get("next_flow"), step.id) if step.get("next_flow") else None
        turn.state = turn.state.evolve(step_id=step.id, status=DONE, mode=None, return_to=None)
        turn.events.append(RunFinished(next_flow or None))
        return STOP

    def targets(self, flow: object, step: Step) -> list[tuple[str, str]]:
        return []

    def texts(self, step: Step) -> list[tuple[str, str]]:
        return [(k, str(step.get(k))) for k in ("text", "next_flow") if step.get(k) is not None]
