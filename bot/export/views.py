"""The snapshot as the document templates read it: every value already in words, "—" when missing.

Templates (content/templates/*.md.j2) only lay text out; what a value means is decided here.
What people typed is escaped here for Markdown (bot/export/escape.py): as one line where the
template places it in a heading, a table cell or a list item, as paragraphs where it stands alone.
Catalog labels, dates and numbers are the assistant's own and are not escaped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import bot.export.escape as escape
import bot.export.labels as L
from bot.export.progress import bar, percent
from bot.export.snapshot import CommitmentSnap, IndicatorSnap, PlanSnapshot

# Fields the templates place themselves; any other field of the record is listed under «Otros datos».
PLACED = frozenset({
    "title", "problem", "baseline", "causes", "affected_population", "objective", "description", "proposal",
    "how_it_solves", "effects", "ods_contribution", "ogp_values", "ogp_values_explanation", "ods_goals",
    "ods_targets", "lead_institution", "supporting_actors", "responsible", "start_date", "end_date",
    "direct_causes", "root_causes", "follow_up_plan",
})


def cell(value: Any) -> str:
    """A person's text on one line: safe in a table cell, a heading or a list item."""
    shown = L.text(value) if not isinstance(value, str) else (value.strip() or L.DASH)
    return escape.line(shown) or L.DASH


def paragraphs(value: Any) -> str:
    """A person's text where it stands on its own lines: their line breaks kept, each line escaped."""
    return escape.block(L.text(value)) or L.DASH


def label(found: str, value: Any) -> str:
    """A catalog's label as it is; a value the catalog does not know came from a person: escaped."""
    return found if found != str(value) else cell(found)


def _supporting(value: Any, labels: L.Labels) -> list[dict[str, str]]:
    """Supporting actors by sector when the record keeps them so; otherwise one line."""
    if isinstance(value, Mapping):
        return [{"sector": label(labels.sector(str(k)), k), "actors": cell(L.text(v))}
                for k, v in value.items() if v]
    if not L.as_list(value):
        return []
    return [{"sector": "", "actors": cell(L.text(value))}]


def _ogp(fields: Mapping[str, Any], labels: L.Labels) -> list[dict[str, Any]]:
    chosen = {str(v) for v in L.as_list(fields.get("ogp_values"))}
    explained = fields.get("ogp_values_explanation")
    per_value = explained if isinstance(explained, Mapping) else {}
    return [
        {"id": option.value, "label": option.label, "selected": option.value in chosen,
         "answer": "Sí" if option.value in chosen else "No",
         "explanation": cell(per_value.get(option.value)) if per_value else ""}
        for option in labels.ogp_values
    ] or [{"id": v, "label": label(labels.of("ogp_values", v), v), "selected": True, "answer": "Sí",
           "explanation": ""} for v in sorted(chosen)]


def _in_label_order(item: tuple[str, Any]) -> tuple[int, str]:
    """«Otros datos» in the order of the labels (the card's order); unknown fields last."""
    order = list(L.FIELD_LABELS)
    return (order.index(item[0]) if item[0] in order else len(order), item[0])


def _other(key: str, value: Any, labels: L.Labels) -> str:
    if key == "actors":  # Kit 7's map of actors: one line, the actors apart
        return "; ".join(cell(line) for line in L.actor_lines(value)) or L.DASH
    return cell(labels.of(L.FIELD_CATALOGS[key], value) if key in L.FIELD_CATALOGS else value)


def indicator_view(indicator: IndicatorSnap, labels: L.Labels) -> dict[str, Any]:
    last = indicator.last_report
    unit = indicator.unit or ""
    return {
        "id": indicator.id,
        "name": cell(indicator.name),
        "unit": cell(unit),
        "baseline": L.baseline(indicator.baseline, indicator.baseline_due),
        "target": L.number(indicator.target),
        "frequency": labels.frequency(indicator.frequency),
        "first_due": L.day(indicator.first_due),
        "responsible": cell(indicator.responsible),
        "last_value": L.number(last.value) if last else L.DASH,
        "last_period": L.day(last.period_due) if last else L.DASH,
        "reports": len(indicator.reports),
        "progress": percent(indicator.progress),
        "bar": bar(indicator.progress),
    }


def commitment_view(c: CommitmentSnap, labels: L.Labels) -> dict[str, Any]:
    f = c.fields
    others = [
        {"label": L.FIELD_LABELS.get(k, "Otro dato"), "value": _other(k, v, labels)}
        for k, v in sorted(f.items(), key=_in_label_order) if k not in PLACED and v not in (None, "", [], {})
    ]
    return {
        "id": c.id,
        "title": cell(c.title),  # one line: it heads the commitment's section
        "title_cell": cell(c.title),  # kept for templates written before titles were escaped
        "lead_cell": cell(f.get("lead_institution")),
        "responsible_cell": cell(f.get("responsible")),
        "label": L.FIELD_LABELS,
        "status": labels.status(c.status),
        "irm": labels.irm(c.irm_completion),
        "progress": percent(c.progress),
        "bar": bar(c.progress),
        "created_by": cell(c.created_by),
        "created_at": L.moment(c.created_at),
        "updated_at": L.moment(c.updated_at),
        "approved_at": L.moment(c.approved_at),
        "field": {key: paragraphs(f.get(key)) for key in PLACED},
        "others": others,
        "ogp_values": _ogp(f, labels),
        "ods_goals": [label(labels.ods_goal(g), g) for g in L.as_list(f.get("ods_goals"))],
        "ods_targets": [label(labels.ods_target(t), t) for t in L.as_list(f.get("ods_targets"))],
        "supporting": _supporting(f.get("supporting_actors"), labels),
        "start_date": L.day(f.get("start_date")),
        "end_date": L.day(f.get("end_date")),
        "milestones": [
            {"id": m.id, "output": cell(m.output), "due": L.day(m.due_date), "responsible": cell(m.responsible),
             "status": f"Cumplido ({L.day(m.done_at)})" if m.done_at else "Pendiente"}
            for m in c.milestones
        ],
        "indicators": [indicator_view(i, labels) for i in c.indicators],
        "signoffs": [
            {"name": cell(s.name), "sector": label(labels.sector(s.sector), s.sector or L.DASH),
             "decision": L.DECISION_LABELS.get(s.decision, s.decision), "reason": cell(s.reason),
             "when": L.moment(s.signed_at)}
            for s in c.signoffs
        ],
    }


def plan_view(snapshot: PlanSnapshot, labels: L.Labels) -> dict[str, Any]:
    return {
        "secretariat": {
            "id": snapshot.secretariat_id,
            "name": cell(snapshot.secretariat_name),  # one line: it is in the document's heading
            "name_cell": cell(snapshot.secretariat_name),
            "kind": "Secretariado Técnico Local" if snapshot.kind == "stl" else "Mesa técnica",
            "territory": cell(snapshot.territory),
            "timezone": snapshot.timezone,
        },
        "exported_at": L.moment(snapshot.exported_at),
        "commitments": [commitment_view(c, labels) for c in snapshot.commitments],
    }
