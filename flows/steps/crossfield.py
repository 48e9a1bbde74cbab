"""The cross-field rules (flows/plan/rules.py) applied to a question's answer before it is saved,
the first time or when corrected from a summary: the answers become the record fields the flow's
`record` steps write, and a refused answer gets the rule's sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flows.model import Flow, Step
from flows.plan import rules
from flows.turn import Turn

RAW_PREFIX = "~raw:"  # answers[RAW_PREFIX + collect_as]: what each round wrote, as typed (ISO dates)


def _written(flow: Flow) -> dict[str, list[tuple[str, str]]]:
    """Answer name → the (record, field) pairs the flow's record steps fill with it."""
    found: dict[str, list[tuple[str, str]]] = {}
    for step in flow.steps.values():
        fields = step.get("fields") if step.type == "record" else None
        if isinstance(fields, Mapping):
            for field, name in fields.items():
                found.setdefault(str(name), []).append((str(step.get("record")), str(field)))
    return found


def _earlier(flow: Flow, answers: Mapping[str, Any]) -> dict[str, list[Mapping[str, Any]]]:
    """The milestones and indicators the run already wrote, round by round."""
    earlier: dict[str, list[Mapping[str, Any]]] = {}
    for step in flow.steps.values():
        rows = answers.get(RAW_PREFIX + str(step.get("collect_as"))) if step.type == "record" else None
        if isinstance(rows, list):
            earlier.setdefault(str(step.get("record")), []).extend(r for r in rows if isinstance(r, Mapping))
    return earlier


def refused(turn: Turn, step: Step, value: Any) -> str | None:
    """The sentence refusing `value` as the answer to `step`, or None when every rule holds."""
    written = _written(turn.flow)
    changed = written.get(step.save_as)
    if not changed:
        return None
    answers = {**turn.state.answers, step.save_as: value}
    values: dict[str, dict[str, Any]] = {}
    for name, pairs in written.items():
        for record, field in pairs:
            values.setdefault(record, {})[field] = answers.get(name)
    for pair in changed:
        found = rules.refusal(values, pair, _earlier(turn.flow, turn.state.answers))
        if found is not None:
            asked = str(step.get("label") or step.id).lower()
            return turn.ui(found.key, asked=asked, **found.params)
    return None
