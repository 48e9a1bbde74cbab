"""How plan values read in Spanish: catalog labels (ODS, OGP values, sectors), dates, numbers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from flows.answers.dates import spoken
from flows.fields import COMMITMENT, SINGLE
from flows.model import Content
from flows.plan.lifecycle import IRM_LABELS, STATUS_LABELS
from flows.plan.schedule import FREQUENCY_LABELS

DASH = "—"
DECISION_LABELS = {"aprueba": "Aprueba", "disiente": "Disiente"}
EVIDENCE_LABELS = {"photo": "foto", "document": "documento", "link": "enlace"}
# Every field of the commitment record, under the label it is declared with (flows/fields.py), in
# the order the card and the «Otros datos» of an export list them: no field ever shows its English key.
FIELD_LABELS = {name: field.label for name, field in COMMITMENT.items()}
# Fields whose value is one id of a catalog (content/catalogs): shown by the catalog's label.
FIELD_CATALOGS = {name: f.catalog for name, f in COMMITMENT.items() if f.catalog and f.combine == SINGLE}


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


class Labels:
    """Catalog labels of one loaded content; unknown ids show as they are."""

    def __init__(self, content: Content | None) -> None:
        catalogs = content.catalogs if content is not None else {}
        self._catalogs = {name: {o.value: o.label for o in options} for name, options in catalogs.items()}
        self.ogp_values = list(catalogs.get("ogp_values", ()))

    def of(self, catalog: str, value: Any) -> str:
        return self._catalogs.get(catalog, {}).get(str(value), str(value))

    def status(self, status: str) -> str:
        return capital(STATUS_LABELS.get(status, status))

    def irm(self, level: str) -> str:
        return capital(IRM_LABELS.get(level, level))

    def frequency(self, frequency: str) -> str:
        return capital(FREQUENCY_LABELS.get(frequency, frequency))

    def sector(self, sector: str | None) -> str:
        return DASH if not sector else self.of("sectors", sector)

    def ods_goal(self, goal: Any) -> str:
        return self.of("ods_goals", goal)

    def ods_target(self, target: Any) -> str:
        return self.of("ods_targets", target)


def as_list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple | set):
        return [v for v in value if v not in (None, "")]
    return [value]


def day(value: date | str | None) -> str:
    """«15 de marzo de 2026», or a dash."""
    if value is None or value == "":
        return DASH
    if isinstance(value, str):
        try:
            return spoken(date.fromisoformat(value))
        except ValueError:
            return value
    return spoken(value.date() if isinstance(value, datetime) else value)


def moment(value: datetime | None) -> str:
    """«15 de marzo de 2026, 10:30», or a dash (already in the secretariat's time zone)."""
    return DASH if value is None else f"{spoken(value.date())}, {value:%H:%M}"


def number(value: float | None) -> str:
    """1500 → «1,500»; 12.5 → «12.5»; None → a dash."""
    if value is None:
        return DASH
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def baseline(value: float | None, due: date | None = None) -> str:
    """An indicator's baseline: its number; «pendiente de medir (para el …)» when it is still to be
    measured; a dash when neither is known."""
    if value is None and due is not None:
        return f"pendiente de medir (para el {day(due)})"
    return number(value)


def text(value: Any) -> str:
    """Any field value as one readable text; a dash when missing."""
    if value is None or value == "" or value == [] or value == {}:
        return DASH
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(text(v) for v in value)
    if isinstance(value, bool):
        return "Sí" if value else "No"
    return str(value).strip() or DASH


def actor_lines(value: Any) -> list[str]:
    """Kit 7's map of actors, one line each: «Ana Ruiz, directora del organismo de agua (interés
    alto, influencia alta). Estrategia: …». A value that is not a list reads as one line."""
    if not isinstance(value, list | tuple):
        return [] if value in (None, "", {}) else [text(value)]
    lines = []
    for actor in value:
        if not isinstance(actor, Mapping):
            lines.append(text(actor))
            continue
        who = ", ".join(str(actor[k]).strip() for k in ("name", "post") if actor.get(k)) or DASH
        weight = ", ".join(f"{word} {actor[k]}" for word, k in (("interés", "interest"), ("influencia", "influence"))
                           if actor.get(k))
        line = f"{who} ({weight})" if weight else who
        lines.append(f"{line}. Estrategia: {actor['strategy']}" if actor.get("strategy") else line)
    return lines
