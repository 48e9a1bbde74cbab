"""What every step kind shares: the outcomes, the base class and the registry the kinds add themselves to.

The kinds import this module, never the package: `flows.steps` imports the kinds to register them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flows.errors import Problem
from flows.inputs import Input
from flows.model import Content, Flow, Step
from flows.turn import Turn


@dataclass(frozen=True)
class Go:
    """Move to `step_id` (None: past the last step, which ends the run)."""

    step_id: str | None


class Stay:
    """Wait here for the person's next input."""


class Stop:
    """The run has ended."""


STAY = Stay()
STOP = Stop()
Outcome = Go | Stay | Stop

REGISTRY: dict[str, StepKind] = {}


STRING: dict[str, Any] = {"type": "string"}
TEMPLATE: dict[str, Any] = {"type": "string", "description": "Texto (plantilla Jinja2)"}


class StepKind:
    name = ""
    waits = False  # True for kinds that stop and wait for the person
    waits_sometimes = False  # waits only now and then (a record step asking «mantener / reemplazar»):
    # a walk through the content goes past it
    # The keys this kind reads, as JSON Schema: the content schema and the checker's
    # unknown-key warnings are both built from them.
    properties: dict[str, Any] = {}
    required: tuple[str, ...] = ()

    def enter(self, turn: Turn, step: Step) -> Outcome:
        raise NotImplementedError

    def receive(self, turn: Turn, step: Step, inp: Input) -> Outcome:
        return Go(turn.flow.next_of(step))

    def prompt(self, turn: Turn, step: Step) -> None:
        """Show the step again (after help, a stale button, or when resuming)."""

    def targets(self, flow: Flow, step: Step) -> list[tuple[str, str]]:
        """The step ids this step can go to, with the key that names each (for the checker)."""
        target = step.get("next")
        return [(str(target), "next")] if target else []

    def check(self, flow: Flow, step: Step, content: Content) -> Iterable[Problem]:
        return ()

    def texts(self, step: Step) -> list[tuple[str, str]]:
        """(key, template) pairs the checker parses."""
        return [(key, str(step.get(key))) for key in ("text",) if step.get(key) is not None]

    def expressions(self, step: Step) -> list[tuple[str, str]]:
        """(key, expression) pairs the checker parses: conditions."""
        return []


def register(cls: type[StepKind]) -> type[StepKind]:
    REGISTRY[cls.name] = cls()
    return cls


def problem(step: Step, key: str, message: str, severity: str = "error") -> Problem:
    return Problem(step.file, step.line_of(key), message, severity)
