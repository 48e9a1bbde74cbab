"""Goes where the first true condition says, or to `default`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flows import templating
from flows.errors import Problem
from flows.events import ContentError
from flows.model import Content, Flow, Step
from flows.steps.registry import STRING, Go, Outcome, StepKind, problem, register
from flows.turn import Turn


def _branches(step: Step) -> tuple[Mapping[str, object], ...]:
    branches: tuple[Mapping[str, object], ...] | None = step.derived.get("branches")
    if branches is None:  # the same at every turn
        branches = step.derived["branches"] = tuple(b for b in step.get("branches") or [] if isinstance(b, Mapping))
    return branches


@register
class Branch(StepKind):
    name = "branch"
    properties = {
        "branches": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["when", "next"], "additionalProperties": False,
            "properties": {"when": {"type": "string", "description": "Condición Jinja2"}, "next": STRING}}},
        "default": STRING,
    }
    required = ("branches",)

    def enter(self, turn: Turn, step: Step) -> Outcome:
        variables = turn.variables()
        for item in _branches(step):
            try:
                if templating.evaluate(str(item.get("when", "")), variables):
                    return Go(str(item.get("next")))
            except templating.TemplateProblem as exc:
                turn.events.append(ContentError(f"{turn.flow.file}: {step.id}: {exc}"))
        default = step.get("default")
        return Go(str(default) if default else turn.flow.following(step.id))

    def targets(self, flow: Flow, step: Step) -> list[tuple[str, str]]:
        found = [(str(b.get("next")), "branches") for b in _branches(step) if b.get("next")]
        if step.get("default"):
            found.append((str(step.get("default")), "default"))
        return found

    def texts(self, step: Step) -> list[tuple[str, str]]:
        return []

    def expressions(self, step: Step) -> list[tuple[str, str]]:
        return [("branches", str(b.get("when"))) for b in _branches(step) if b.get("when")]

    def check(self, flow: Flow, step: Step, content: Content) -> Iterable[Problem]:
        items = step.get("branches")
        if not isinstance(items, list) or not items:
            yield problem(step, "branches", f"el paso '{step.id}' (branch) necesita `branches`")
            return
        for item in items:
            if not isinstance(item, Mapping) or not item.get("when") or not item.get("next"):
                yield problem(step, "branches", "cada rama necesita `when` y `next`")
        if step.get("next"):
            yield problem(step, "next", "un branch usa `default`, no `next`")
