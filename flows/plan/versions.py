"""What a commitment says, as one version people sign: its snapshot, its digest, and who may change it.

A version is the signed text of a commitment: every field of its record except the follow-up ones
(`FOLLOW_UP_FIELDS`, written while it is carried out), its milestones (output, date, who) and its
indicators (name, unit, baseline, target, calendar, who). Its digest is a SHA-256 of that snapshot
written canonically, so the same text always gives the same digest, whatever order it was written in.

Who may change the signed text (`edit_refusal`):

    borrador                       anyone of the secretariat, through any kit
    en_revision                    nobody: frozen until coordination returns it to draft
    aprobado, en_implementacion    only through an amendment (enmienda) coordination opens
                                   (/enmienda N motivo); the amendment is then a draft of its own
    concluido, cancelado           nobody

Decided: after approval every change to the signed text is an amendment, even a typo in a long
description, because the acta lists exactly what was signed and must not come to lie. What is
written while the commitment is carried out (Kit 8's self-assessment, milestones marked done,
indicator reports, the IRM completion level) is not signed text and stays open.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from flows.plan import lifecycle
from flows.plan.refusals import Refused
from flows.plan.views import CommitmentView, IndicatorView, MilestoneView

# Written while the commitment is carried out (Kit 8's self-assessment): never part of a version.
FOLLOW_UP_FIELDS = frozenset({"self_completion", "opened_government", "lessons_learned", "evidence_source",
                              "evidence_detail"})
# The fields whose change after approval the issue calls substantive (all signed text needs an
# amendment anyway; these are named in the history so people see what an amendment touched).
SUBSTANTIVE_FIELDS = ("objective", "start_date", "end_date")
SHORT = 8  # hex characters of the digest people see
AMENDMENT_STAGES = ("borrador", "en_revision", "aprobada")
OPEN_AMENDMENT = frozenset({"borrador", "en_revision"})


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def milestone_snapshot(milestone: MilestoneView) -> dict[str, Any]:
    return {"output": milestone.output, "due_date": _plain(milestone.due_date), "responsible": milestone.responsible}


def indicator_snapshot(indicator: IndicatorView) -> dict[str, Any]:
    return {
        "name": indicator.name, "unit": indicator.unit, "baseline": indicator.baseline, "target": indicator.target,
        "frequency": indicator.frequency, "first_due": _plain(indicator.first_due),
        "last_due": _plain(indicator.stated_last_due), "dates": _plain(list(indicator.dates)),
        "responsible": indicator.responsible,
    }


def snapshot(
    commitment: CommitmentView,
    milestones: Sequence[MilestoneView] | None = None,
    indicators: Sequence[IndicatorView] | None = None,
) -> dict[str, Any]:
    """The signed text of the commitment, as plain JSON values (dates as ISO strings)."""
    fields = {k: _plain(v) for k, v in sorted(commitment.fields.items())
              if k not in FOLLOW_UP_FIELDS and v not in (None, "", [], {})}
    return {
        "fields": fields,
        "milestones": [milestone_snapshot(m) for m in (commitment.milestones if milestones is None else milestones)],
        "indicators": [indicator_snapshot(i) for i in (commitment.indicators if indicators is None else indicators)],
    }


def digest(content: Mapping[str, Any]) -> str:
    """The SHA-256 of a snapshot written canonically (sorted keys, no spaces): 64 hex characters."""
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def short(value: str | None) -> str:
    return (value or "")[:SHORT]


AMENDABLE = frozenset({"aprobado", "en_implementacion"})  # the statuses an amendment opens (and counts) in


def stage(status: str, amendment_stage: str | None) -> str:
    """Where the signed text stands: an open amendment's own stage (while the commitment is approved
    or in implementation: a cancelled one stays closed), or the commitment's status."""
    return amendment_stage if status in AMENDABLE and amendment_stage in OPEN_AMENDMENT else status


def edit_refusal(status: str, amendment_stage: str | None, number: int, coordinators: str | None) -> Refused | None:
    """None when the signed text may change now; otherwise why not and who can open it again."""
    now = stage(status, amendment_stage)
    if now == "borrador":
        return None
    if now == "en_revision":
        return Refused("plan_refused_frozen_review", {"number": number, "coordinators": coordinators})
    if now in lifecycle.FINAL:
        return Refused("plan_refused_frozen_final", {"number": number, "status": lifecycle.label(now)})
    return Refused("plan_refused_frozen_approved", {"number": number, "coordinators": coordinators})


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """The signed fields that differ between two snapshots' `fields`, plus «milestones» and
    «indicators» when those lists differ: what an amendment changed."""
    names = sorted(set(before.get("fields", {})) | set(after.get("fields", {})))
    changed = [n for n in names if before.get("fields", {}).get(n) != after.get("fields", {}).get(n)]
    changed += [part for part in ("milestones", "indicators") if before.get(part) != after.get(part)]
    return changed


REASON_LIMIT = 1000  # characters of an amendment's reason


def amendment_refusal(status: str, open_number: int | None, reason: str | None, number: int) -> Refused | None:
    """An amendment opens only on an approved commitment (approved or in implementation), one at a
    time, with its reason (at most REASON_LIMIT characters)."""
    if status not in AMENDABLE:
        return Refused("plan_refused_amend_status", {"number": number, "status": lifecycle.label(status)})
    if open_number is not None:
        return Refused("plan_refused_amend_open", {"number": number, "amendment": open_number})
    text = (reason or "").strip()
    if not text:
        return Refused("plan_refused_amend_reason", {"number": number})
    if len(text) > REASON_LIMIT:
        return Refused("plan_refused_amend_long", {"limit": REASON_LIMIT, "length": len(text)})
    return None


# The moves of an amendment: its draft goes to review; from review it returns to draft or is approved.
AMENDMENT_MOVES = {"borrador": frozenset({"en_revision"}), "en_revision": frozenset({"borrador", "aprobado"})}


def amendment_move(current: str, to: str, amendment: int, number: int) -> str:
    """The amendment's new stage, if it may go from `current` to `to` (LifecycleError otherwise)."""
    if to in AMENDMENT_MOVES.get(current, frozenset()):
        return to
    if current == to:
        raise lifecycle.LifecycleError(f"La enmienda {amendment} ya está {lifecycle.label(to)}.")
    if to == "aprobado":
        raise lifecycle.LifecycleError(
            f"La enmienda {amendment} está en borrador: envíala a revisión con /revision {number} para que "
            "cada sector la firme.")
    raise lifecycle.LifecycleError(
        f"La enmienda {amendment} está {lifecycle.label(current)}; no puede pasar a {lifecycle.label(to)}.")
