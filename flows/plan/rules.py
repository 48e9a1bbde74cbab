"""Rules across a commitment's fields, pure: its end comes after its start, and the dates of its
milestones and indicators fall inside the two.

They run on every change, wherever it comes from (the first answer, a correction from a summary):
`refusal` gets the record's values as they would read after the change and the field that changed,
and returns None or a `Refused` naming both dates in words (a ui.yaml `rejected:` text).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from flows.answers.dates import spoken
from flows.plan.readiness import parse_date
from flows.plan.refusals import Refused

START, END = ("commitment", "start_date"), ("commitment", "end_date")
# Dates that must fall between the commitment's start and end: (record, field).
INSIDE = (("milestone", "due_date"), ("indicator", "first_due"))
RULED = frozenset({START, END, *INSIDE})



def refusal(
    values: Mapping[str, Mapping[str, Any]], changed: tuple[str, str],
    earlier: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
) -> Refused | None:
    """Why the change of `changed` (record, field) breaks a rule, or None.

    `values` holds each record's fields after the change ({"commitment": {"start_date": …}}), as
    ISO dates or dates; `earlier` the milestones and indicators already written, checked when the
    commitment's dates changed. A rule is checked only when the changed field takes part in it."""
    if changed not in RULED:
        return None
    commitment = values.get("commitment") or {}
    start, end = parse_date(commitment.get("start_date")), parse_date(commitment.get("end_date"))
    if changed in (START, END) and start and end and end <= start:
        return Refused("rule_end_before_start", {"start": spoken(start), "end": spoken(end)})
    if changed in (START, END):  # what was written already; a date not yet written is checked when it is
        dated = [(record, row.get(field)) for record, field in INSIDE for row in (earlier or {}).get(record, ())]
    else:
        dated = [(changed[0], (values.get(changed[0]) or {}).get(changed[1]))]
    return _outside(((r, parse_date(v)) for r, v in dated), start, end)


def _outside(dated: Iterable[tuple[str, date | None]], start: date | None, end: date | None) -> Refused | None:
    for record, when in dated:
        if when is None:
            continue
        if start and when < start:
            return Refused(f"rule_{record}_before_start", {"date": spoken(when), "start": spoken(start)})
        if end and when > end:
            return Refused(f"rule_{record}_after_end", {"date": spoken(when), "end": spoken(end)})
    return None
