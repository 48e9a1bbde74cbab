"""The shared records a flow may write into, the fields each one has, and the lists the host provides.

A `record` step copies answers into one of RECORD_FIELDS' records. The commitment-shaped records
(commitment, milestone, indicator, signoff) go into the run's own commitment, or into the one
chosen by the answer named in `commitment_from`.

A question may take its options from a list the host fills at run time (`options_from` naming one
of DYNAMIC_LISTS): the secretariat's commitments, indicators with a period to report, … The host
puts them in the engine's context as `context["lists"][name] = [{"value": "12", "label": "…"}]`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flows.fields import DECLARED

# The commitment, milestone and indicator fields are declared once, in flows/fields.py.
RECORD_FIELDS: dict[str, frozenset[str]] = {
    "person": frozenset({"name", "sector", "consent"}),
    **{record: frozenset(fields) for record, fields in DECLARED.items()},
    # One actor of Kit 7's map, added to its commitment's `actors` list.
    "actor": frozenset({"name", "post", "interest", "influence", "strategy"}),
    "indicator_report": frozenset({"indicator", "value", "note", "evidence"}),
    "signoff": frozenset({"decision", "reason"}),
    # a comment on the run's commitment (the command that starts the run chooses it)
    "comment": frozenset({"text"}),
}

# Records that belong to one commitment: `commitment_from` may pick which.
COMMITMENT_RECORDS = frozenset({"commitment", "milestone", "indicator", "actor", "signoff"})
# Fields a record cannot do without (the storage side refuses a record that lacks them).
REQUIRED_FIELDS: dict[str, frozenset[str]] = {
    "milestone": frozenset({"output"}),
    "indicator": frozenset({"name"}),
    "actor": frozenset({"post"}),
    "indicator_report": frozenset({"indicator", "value"}),
    "signoff": frozenset({"decision"}),
    "comment": frozenset({"text"}),
}
# A record whose target is another record chosen by an answer: which field names it.
TARGET_FIELD: dict[str, str] = {"indicator_report": "indicator"}

# Lists the host provides at run time, and the ui.yaml text said when one is empty.
DYNAMIC_LISTS: dict[str, str] = {
    "commitments": "list_empty_commitments",
    "commitments_in_review": "list_empty_commitments_in_review",
    "indicators_due": "list_empty_indicators_due",
    "milestones_open": "list_empty_milestones_open",
}
# Lists that hold commitment ids, so an answer chosen from them may feed `commitment_from`.
COMMITMENT_LISTS = frozenset({"commitments", "commitments_in_review"})
INDICATOR_LISTS = frozenset({"indicators_due"})

# What walks, previews and checks use when no host is there: one made-up item per list.
SAMPLE_LISTS: dict[str, list[dict[str, Any]]] = {
    "commitments": [{"value": "1", "label": "Agua con horarios claros (borrador)",
                     "title": "Agua con horarios claros", "objective": "Que cada colonia sepa cuándo llega el agua.",
                     "problem": "En 40 colonias el agua llega por tandeo, sin horario ni aviso."}],
    "commitments_in_review": [{"value": "1", "label": "Agua con horarios claros",
                               "title": "Agua con horarios claros",
                               "objective": "Que cada colonia sepa cuándo llega el agua."}],
    "indicators_due": [{"value": "1", "label": "Colonias con horario publicado (trimestral, vence 31/03/2027)",
                        "name": "Colonias con horario publicado", "unit": "colonias", "period": "2027-03-31"}],
    "milestones_open": [{"value": "1", "label": "Calendario de tandeo publicado (30/06/2026)"}],
}


def is_dynamic(source: object) -> bool:
    return str(source) in DYNAMIC_LISTS


def list_items(lists: Mapping[str, Any] | None, name: str) -> list[Mapping[str, Any]]:
    """The host's items of list `name`, keeping only well-formed ones ({value, label, …})."""
    items = (lists or {}).get(name) or ()
    return [item for item in items if isinstance(item, Mapping) and item.get("value") is not None]
