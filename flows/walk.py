"""Walk a flow the way a cooperative person would: each typed answer is the question's own
example, each choice takes the first option, each summary is confirmed.

Tests use it to prove every example is a valid answer; benchmarks use it to time the engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flows import engine
from flows.events import Event, MessageOut
from flows.inputs import Begin, Input, Tap, Text
from flows.model import Content
from flows.records import SAMPLE_LISTS
from flows.state import DONE, RunState
from flows.steps.question import PAST_OK
from flows.steps.summary import CONFIRM
from flows.turn import Turn

CHOICES = ("choice", "multi_choice", "yes_no")
MAX_STEPS = 500


class StuckWalk(Exception):
    """The walk could not move on: an example that is not a valid answer, or a loop."""


@dataclass
class Walk:
    state: RunState
    steps: int = 0
    events: list[Event] = field(default_factory=list)
    inputs: list[Input] = field(default_factory=list)  # what was answered after Begin, to replay the walk

    @property
    def texts(self) -> list[str]:
        return [e.text for e in self.events if isinstance(e, MessageOut)]


def next_input(
    content: Content, state: RunState, last: list[Event], now: datetime | None = None,
    context: Mapping[str, Any] | None = None,
) -> Input:
    flow = content.flows[state.flow_id]
    step = flow.steps[str(state.step_id)]
    if state.confirm is not None:  # «esa fecha ya pasó»: a cooperative person keeps it
        return Tap(PAST_OK, step.id)
    if step.type == "summary":
        return Tap(CONFIRM, step.id)
    if step.get("answer") in CHOICES:
        first = next(b for e in last if isinstance(e, MessageOut) for b in e.buttons)
        return Tap(first.value, step.id)
    # The example as the person reads it: «{{ today | dias_despues(30) }}» is a date, not a template.
    turn = Turn(content, flow, state, now or datetime.now(UTC), walk_context(context))
    return Text(turn.render(step.get("example"), step.id))


def walk_context(context: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The engine's context in a walk: one made-up commitment, indicator, … for questions on host lists."""
    return {"lists": SAMPLE_LISTS, **(context or {})}


def walk(
    content: Content, flow_id: str, now: datetime | None = None, context: Mapping[str, Any] | None = None
) -> Walk:
    """`context` adds to the engine's (e.g. `secretariat` for a mesa's wording); host lists are sample ones."""
    moment = now or datetime.now(UTC)
    context = walk_context(context)
    state, events = engine.step(content, engine.start(flow_id), Begin(), moment, context)
    result = Walk(state, 0, list(events))
    while state.status != DONE:
        if result.steps >= MAX_STEPS:
            raise StuckWalk(f"{flow_id}: más de {MAX_STEPS} pasos")
        before = state.step_id
        inp = next_input(content, state, events, moment, context)
        state, events = engine.step(content, state, inp, moment, context)
        result.inputs.append(inp)
        result.events += events
        result.steps += 1
        if state.step_id == before and state.status != DONE:
            raise StuckWalk(f"{flow_id}: el ejemplo de '{before}' no es una respuesta válida")
    result.state = state
    return result
