"""A Mermaid flowchart of one flow, for admins who want to see a kit at a glance."""

from __future__ import annotations

from flows.model import Flow
from flows.stats import successors

SHAPES = {"question": ('["', '"]'), "branch": ('{"', '"}'), "summary": ('[/"', '"/]'),
          "end": ('(["', '"])'), "message": ('("', '")'), "record": ('[("', '")]')}


def mermaid(flow: Flow) -> str:
    lines = ["flowchart TD"]
    for step in flow.steps.values():
        left, right = SHAPES.get(step.type, ('["', '"]'))
        lines.append(f"    {step.id}{left}{step.id}<br/><i>{step.type}</i>{right}")
    for step in flow.steps.values():
        conditions = {str(b.get("next")): str(b.get("when")) for b in step.get("branches") or []}
        for target in successors(flow, step):
            label = conditions.get(target, "")
            arrow = f' -->|"{label}"| ' if label else " --> "
            lines.append(f"    {step.id}{arrow}{target}")
    return "\n".join(lines)
