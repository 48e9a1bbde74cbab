"""The lists a flow's questions may offer (flows/records.py DYNAMIC_LISTS), read for one secretariat.

The host fills only the lists the current flow uses. Each item is `{value, label, …}`: the label is
what the button shows; the other keys (title, objective, …) reach templates as `chosen.<answer>`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from bot.local_time import today_for
from flows.plan import versions
from flows.plan.lifecycle import label as status_label
from flows.plan.schedule import FREQUENCY_LABELS, period_for
from storage import Repositories
from storage.models import Commitment
from storage.records import pick
from storage.repositories.plan import commitment_version

Item = dict[str, Any]


async def host_lists(
    repos: Repositories, secretariat: Any, names: Iterable[str], today: date | None
) -> dict[str, list[Item]]:
    """Every list in `names` for `secretariat` (all empty for someone in no secretariat)."""
    wanted = set(names)
    if secretariat is None:
        return {name: [] for name in wanted}
    day = today or today_for(secretariat, datetime.now(UTC))
    commitments = await repos.plan.commitments_of(secretariat.id)
    lists: dict[str, list[Item]] = {}
    if "commitments" in wanted:
        lists["commitments"] = [_commitment(c, with_status=True) for c in commitments if c.status != "cancelado"]
    if "commitments_in_review" in wanted:
        # A sign-off counts for the version the person was shown: it travels in the value. An
        # approved commitment whose amendment is in review is signed too.
        amendments = await repos.plan.versions.open_amendments([c.id for c in commitments
                                                                if c.status in versions.AMENDABLE])
        lists["commitments_in_review"] = []
        for c in commitments:
            amendment = amendments.get(c.id)
            if versions.stage(c.status, amendment.stage if amendment else None) != "en_revision":
                continue
            item = _commitment(c, version=True)
            shown = await repos.plan.versions.open(c.id)
            if shown is not None:
                item["version"] = shown.number
                item["short"] = versions.short(shown.digest)
            item["amendment"] = amendment.number if amendment is not None else ""
            lists["commitments_in_review"].append(item)
    if "indicators_due" in wanted:
        lists["indicators_due"] = await _indicators_due(repos, secretariat.id, day)
    if "milestones_open" in wanted:
        lists["milestones_open"] = [
            {"value": str(m.id), "label": f"{m.output}" + (f" ({m.due_date:%d/%m/%Y})" if m.due_date else ""),
             "output": m.output}
            for c in commitments for m in await repos.plan.milestones(c.id) if m.done_at is None
        ]
    return lists


def _commitment(commitment: Commitment, with_status: bool = False, version: bool = False) -> Item:
    fields = commitment.fields or {}
    title = commitment.title or fields.get("title") or f"Compromiso {commitment.id} (sin título)"
    label = f"{title} ({status_label(commitment.status)})" if with_status else str(title)
    value = pick(commitment.id, commitment_version(commitment)) if version else str(commitment.id)
    return {"value": value, "label": label, "title": title, "status": commitment.status,
            "objective": fields.get("objective") or fields.get("proposal") or "",
            "problem": fields.get("problem") or "",
            "fields": fields}  # what it holds, shown on opening a kit (commitment_summary)


async def _indicators_due(repos: Repositories, secretariat_id: int, today: date) -> list[Item]:
    items: list[Item] = []
    for indicator in await repos.plan.indicators_of(secretariat_id):
        due = await repos.plan.due_dates(indicator)
        reported = [r.period_due for r in await repos.plan.reports(indicator.id)]
        period = period_for(due, reported, today)
        if period is None:
            continue
        frequency = FREQUENCY_LABELS.get(indicator.frequency, indicator.frequency)
        items.append({
            # The report is saved for the period shown here, or refused: it travels in the value.
            "value": pick(indicator.id, period.isoformat()),
            "label": f"{indicator.name} ({frequency}, vence {period:%d/%m/%Y})",
            "name": indicator.name, "unit": indicator.unit or "", "period": period.isoformat(),
            "baseline": indicator.baseline, "target": indicator.target,
        })
    return items
