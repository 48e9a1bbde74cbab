"""The commitments a run works on, as the engine reads them (flows/recorded.py, `context["records"]`):
what each holds, and who last wrote each field through which kit.

Read only for flows that write a commitment or show one (a `record: commitment` step, a
`commitment_summary` step), and only for the run's own commitment and those chosen in its answers
(of the secretariat the run works in): the record step compares what it is about to write with
this, and asks «mantener / reemplazar / combinar» before replacing someone else's text.
"""

from __future__ import annotations

from typing import Any

from flows.model import Flow
from flows.recorded import chosen_id
from storage import Repositories
from storage.models import FlowRun, Person

READS_A_COMMITMENT = frozenset({"record", "commitment_summary"})


def _choosers(flow: Flow) -> set[str]:
    """The answers naming the commitment a step of the flow writes or shows."""
    return {str(step.get("commitment_from")) for step in flow.steps.values()
            if step.type in READS_A_COMMITMENT and step.get("commitment_from")}


def reads_a_commitment(flow: Flow) -> bool:
    return any(step.type in READS_A_COMMITMENT and (step.type != "record" or step.get("record") == "commitment")
               for step in flow.steps.values())


async def records_context(repos: Repositories, person: Person, run: FlowRun, flow: Flow,
                          answers: dict[str, Any], secretariat_id: int | None) -> dict[str, Any]:
    ids = {str(run.commitment_id)} if run.commitment_id else set()
    ids |= {found for name in _choosers(flow) if (found := chosen_id(answers.get(name))) is not None}
    commitments: dict[str, Any] = {}
    for commitment_id in sorted(ids):
        commitment = (await repos.plan.commitment(secretariat_id, int(commitment_id))
                      if secretariat_id is not None else None)
        if commitment is None:
            continue  # another secretariat's: the record step's write is refused anyway
        changes = await repos.commitments.last_changes(commitment.id)
        commitments[commitment_id] = {
            "fields": dict(commitment.fields or {}),
            "written": {
                field: {"by": name, "kit": change.kit,
                        "mine": change.person_id == person.id and change.kit == run.flow_id}
                for field, (change, name) in changes.items()
            },
            # in review or approved: the signed text's write is refused (Plan.guard), nothing to ask
            "frozen": await repos.plan.stage(commitment) != "borrador",
            "milestones": [m.output for m in await repos.plan.milestones(commitment.id)],
            "indicators": [i.name for i in await repos.plan.indicators(commitment.id)],
        }
    return {"own": str(run.commitment_id) if run.commitment_id else None, "commitments": commitments}
