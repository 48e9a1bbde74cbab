"""JSON: one document with the whole plan, nested (commitments → milestones, indicators → reports).

Values are data: every text is kept exactly as typed. So that a page or a script that embeds the
file cannot mistake a text for markup, `<`, `>`, `&` and the line separators U+2028/U+2029 are
written as \\u escapes (as Go's encoder does); any JSON reader gives back the same text.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from bot.export.snapshot import CommitmentSnap, IndicatorSnap, PlanSnapshot


def _iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _indicator(i: IndicatorSnap) -> dict[str, Any]:
    return {
        "id": i.id, "name": i.name, "unit": i.unit, "baseline": i.baseline, "baseline_due": _iso(i.baseline_due),
        "target": i.target,
        "frequency": i.frequency, "first_due": _iso(i.first_due), "last_due": _iso(i.last_due),
        "dates": [d.isoformat() for d in i.dates], "responsible": i.responsible, "progress": i.progress,
        "reports": [
            {"id": r.id, "period_due": _iso(r.period_due), "value": r.value, "progress": r.progress,
             "note": r.note, "evidence_kind": r.evidence_kind, "evidence": r.evidence,
             "reported_by": r.reported_by, "reported_at": _iso(r.reported_at)}
            for r in i.reports
        ],
    }


def _commitment(c: CommitmentSnap) -> dict[str, Any]:
    return {
        "id": c.id, "title": c.title, "status": c.status, "irm_completion": c.irm_completion,
        "progress": c.progress, "fields": dict(c.fields), "created_by": c.created_by,
        "created_at": _iso(c.created_at), "updated_at": _iso(c.updated_at), "approved_at": _iso(c.approved_at),
        "milestones": [
            {"id": m.id, "output": m.output, "due_date": _iso(m.due_date), "responsible": m.responsible,
             "done": m.done, "done_at": _iso(m.done_at)}
            for m in c.milestones
        ],
        "indicators": [_indicator(i) for i in c.indicators],
        "signoffs": [
            {"name": s.name, "sector": s.sector, "decision": s.decision, "reason": s.reason,
             "signed_at": _iso(s.signed_at)}
            for s in c.signoffs
        ],
    }


def plan_document(snapshot: PlanSnapshot) -> dict[str, Any]:
    return {
        "format": 1,
        "secretariat": {"id": snapshot.secretariat_id, "name": snapshot.secretariat_name, "kind": snapshot.kind,
                        "territory": snapshot.territory, "timezone": snapshot.timezone},
        "exported_at": _iso(snapshot.exported_at),
        "commitments": [_commitment(c) for c in snapshot.commitments],
    }


# Inside a JSON document these characters only occur within strings, where an escape means the same.
_EMBED_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
                             "\u2029": "\\u2029"})


def plan_json(snapshot: PlanSnapshot) -> str:
    text = json.dumps(plan_document(snapshot), ensure_ascii=False, indent=2, default=str)
    return text.translate(_EMBED_SAFE) + "\n"
