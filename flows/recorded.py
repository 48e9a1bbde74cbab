"""What a commitment already holds, as the host read it for this turn, and how it reads on a phone.

The host puts the commitments a run works on in the engine's context (`context["records"]`):

    {"own": "5",                      # the run's own commitment (None before its first write)
     "commitments": {"5": {"fields": {...},               # the record's fields as stored
                           "written": {"causes": {"by": "Ana", "kit": "kit5", "mine": false}},
                           "milestones": ["Calendario publicado"], "indicators": ["Colonias con horario"]}}}

`written` says who last wrote each field and through which kit; `mine` is true when that was this
person in this same kit (re-answering then overwrites without asking).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flows.answers.dates import spoken
from flows.fields import ACTORS, COMMITMENT, Field, is_empty
from flows.model import Content
from flows.turn import Turn

SHORT = 70  # characters of each field in the summary shown on opening a kit: it fits a phone screen
PICK_SEPARATOR = "@"  # a chosen commitment's value: "5@<version>" (storage.records.pick)


def chosen_id(value: Any) -> str | None:
    """The commitment id of an answer chosen from a list of commitments ("5" or "5@<version>")."""
    if value is None:
        return None
    head = str(value).partition(PICK_SEPARATOR)[0].strip()
    return head if head.isdigit() else None


def target(turn: Turn, commitment_from: Any) -> Mapping[str, Any] | None:
    """The record a step works on, as the host read it: the commitment chosen in `commitment_from`'s
    answer, or the run's own; None when the host did not read one (a new commitment, a preview)."""
    records = turn.context.get("records")
    if not isinstance(records, Mapping):
        return None
    wanted = chosen_id(turn.state.answers.get(str(commitment_from))) if commitment_from else records.get("own")
    found = (records.get("commitments") or {}).get(str(wanted)) if wanted is not None else None
    return found if isinstance(found, Mapping) else None


def shown(field: Field, value: Any, content: Content) -> str:
    """A field's value as a person reads it: catalog labels, dates in words, texts as written."""
    if isinstance(value, list | tuple):
        return ", ".join(shown(field, v, content) for v in value if not is_empty(v))
    if isinstance(value, Mapping) and field.combine != ACTORS:  # one actor of Kit 7's map: who it is
        return ", ".join(str(value[k]).strip() for k in ("name", "post") if not is_empty(value.get(k))) or "—"
    if isinstance(value, Mapping):  # supporting actors by sector
        return "; ".join(f"{_label(content, 'sectors', k)}: {shown(field, v, content)}"
                         for k, v in value.items() if not is_empty(v))
    if field.catalog is not None:
        return _label(content, field.catalog, value)
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-":
        try:
            return spoken(date.fromisoformat(value))
        except ValueError:
            pass
    return str(value).strip()


def short(text: str, limit: int = SHORT) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def summary_lines(record: Mapping[str, Any], content: Content) -> list[str]:
    """Every declared field the record holds, one short line each under its label, in the declared
    order; then how many milestones and indicators it has."""
    fields = record.get("fields") or {}
    lines = [f"• {field.label}: {short(shown(field, fields[name], content))}"
             for name, field in COMMITMENT.items() if not is_empty(fields.get(name))]
    return lines


def _label(content: Content, catalog: str, value: Any) -> str:
    options = content.catalogs.get(catalog) or ()
    return next((o.label for o in options if str(o.value) == str(value)), str(value))
