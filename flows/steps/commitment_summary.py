"""Shows what a commitment already holds before a kit adds to it: one short line per declared field
(flows/fields.py) under its Spanish label, then its milestones and indicators; the run goes on.

`commitment_from` names the answer that chose the commitment (`options_from: commitments`). The
values come from the host: the chosen list item (read in the same turn the commitment is chosen)
or `context["records"]` (flows/recorded.py), which also knows the milestones and indicators.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flows import recorded
from flows.errors import Problem
from flows.model import Content, Flow, Step
from flows.records import COMMITMENT_LISTS
from flows.steps.registry import STRING, TEMPLATE, Go, Outcome, StepKind, problem, register
from flows.turn import Turn


def _holds(turn: Turn, step: Step) -> Mapping[str, Any] | None:
    chooser = str(step.get("commitment_from"))
    read = recorded.target(turn, chooser)
    if read is not None:
        return read
    item = turn.chosen_items().get(chooser) or {}
    return {"fields": item["fields"]} if isinstance(item.get("fields"), Mapping) else None


@register
class CommitmentSummary(StepKind):
    name = "commitment_summary"
    properties = {
        "text": {**TEMPLATE, "description": "lo que va antes de la lista de campos"},
        "empty": {**TEMPLATE, "description": "lo que se dice cuando el compromiso aún no tiene nada"},
        "commitment_from": {**STRING, "description": "respuesta con el compromiso elegido"},
    }
    required = ("text", "commitment_from")

    def enter(self, turn: Turn, step: Step) -> Outcome:
        holds = _holds(turn, step)
        lines = recorded.summary_lines(holds, turn.content) if holds is not None else []
        if holds is not None:
            for key, items in (("commitment_summary_milestones", holds.get("milestones")),
                               ("commitment_summary_indicators", holds.get("indicators"))):
                if items:
                    lines.append(turn.ui(key, count=len(items), names=recorded.short("; ".join(map(str, items)))))
        if lines:
            turn.say("\n".join([turn.render(step.get("text"), step.id), *lines]))
        elif step.get("empty"):
            turn.say(turn.render(step.get("empty"), step.id))
        return Go(turn.flow.next_of(step))

    def check(self, flow: Flow, step: Step, content: Content) -> Iterable[Problem]:
        chooser = str(step.get("commitment_from") or "")
        asked = next((flow.steps[q] for q in flow.question_ids if flow.steps[q].save_as == chooser), None)
        if asked is None:
            yield problem(step, "commitment_from", f"variable no definida: ninguna pregunta guarda '{chooser}'")
        elif str(asked.get("options_from")) not in COMMITMENT_LISTS:
            yield problem(step, "commitment_from",
                          f"'{chooser}' debe elegirse de una lista de compromisos (options_from: commitments)")
