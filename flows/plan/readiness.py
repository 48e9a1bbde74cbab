"""Is a commitment ready for review? What is missing, and how complete its design is.

`check` lists, in short Spanish lines, what a commitment still needs before review: a title, the
public problem, an objective or description, at least one verifiable milestone (each with an
output, a date and a responsible), indicators with baseline, target, unit, frequency and first due
date, at least one OGP value explained, at least one ODS target, and dates that fit (the end after
the start; milestones and indicator dates between them; the commitment inside the plan's dates).
Start and end dates are checked when given, not required.

The «completitud del diseño» counts what the design already has; it is not the IRM's potential for
results, which the group judges itself in Kit 5 (poco claro / modesto / sustancial). One point for each of:
  1. the problem comes with baseline data (`baseline`);
  2. the causes of the problem are identified (`causes`, or Kit 6's `direct_causes`);
  3. every milestone is verifiable (output, date and responsible) and there are at least two;
  4. at least one indicator has a numeric target different from its baseline;
  5. it serves more than one of OGP's three core values (transparency, participation, accountability):
     technology and innovation helps them but does not count as a second value.
0–1 points: «baja»; 2–3: «media»; 4–5: «alta». Every point given or missed is a reason, so people
see how to raise it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flows.plan.views import CommitmentView, IndicatorView, MilestoneView

COMPLETENESS = ("baja", "media", "alta")
CORE_VALUES = frozenset({"transparencia", "participacion_ciudadana", "rendicion_de_cuentas"})
SIGNALS = 5  # the points of the completeness of the design


@dataclass(frozen=True)
class Readiness:
    missing: tuple[str, ...]
    completeness: str  # «baja», «media» or «alta»
    reasons: tuple[str, ...]
    points: int = 0

    @property
    def ready(self) -> bool:
        return not self.missing


def parse_date(value: Any) -> date | None:
    """A date stored by the flows (ISO string) or a date; None when absent or unreadable."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def shown(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _filled(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple | set | dict):
        return bool(value)
    return True


def _items(value: Any) -> list[str]:
    """A multiple-choice answer: a list, or a comma-separated text."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list | tuple | set):
        return [str(v) for v in value if _filled(v)]
    return []


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _milestone_gaps(milestone: MilestoneView) -> list[str]:
    gaps = []
    if not _filled(milestone.output):
        gaps.append("producto")
    if milestone.due_date is None:
        gaps.append("fecha")
    if not _filled(milestone.responsible):
        gaps.append("responsable")
    return gaps


def _indicator_gaps(indicator: IndicatorView) -> list[str]:
    gaps = []
    if indicator.baseline is None:
        gaps.append("línea base")
    if indicator.target is None:
        gaps.append("meta")
    if not _filled(indicator.unit):
        gaps.append("unidad")
    if not _filled(indicator.frequency):
        gaps.append("frecuencia")
    if indicator.first_due is None and not indicator.dates:
        gaps.append("primera fecha de reporte")
    return gaps


def _fields_missing(fields: Mapping[str, Any], title: str | None) -> list[str]:
    missing = []
    if not _filled(title) and not _filled(fields.get("title")):
        missing.append("Falta el título del compromiso.")
    if not _filled(fields.get("problem")):
        missing.append("Falta describir el problema público que atiende.")
    if not any(_filled(fields.get(k)) for k in ("objective", "description", "proposal")):
        missing.append("Falta el objetivo o la descripción del compromiso.")
    explained = any(_filled(fields.get(k)) for k in ("ogp_values_explanation", "how_it_solves"))
    if not _items(fields.get("ogp_values")) or not explained:
        missing.append("Falta elegir y explicar al menos un valor de Gobierno Abierto "
                       "(transparencia, participación ciudadana o rendición de cuentas).")
    if not _items(fields.get("ods_targets")):
        missing.append("Falta vincular al menos una meta de los ODS (Agenda 2030).")
    return missing


def _dates_missing(
    start: date | None,
    end: date | None,
    milestones: Sequence[MilestoneView],
    indicators: Sequence[IndicatorView],
    plan_start: date | None,
    plan_end: date | None,
) -> list[str]:
    missing = []
    if start and end and end <= start:
        missing.append(f"La fecha de término ({shown(end)}) debe ser posterior a la de inicio ({shown(start)}).")
    if start and plan_start and start < plan_start:
        missing.append(f"El compromiso empieza ({shown(start)}) antes que el plan ({shown(plan_start)}).")
    if end and plan_end and end > plan_end:
        missing.append(f"El compromiso termina ({shown(end)}) después que el plan ({shown(plan_end)}).")

    def outside(what: str, day: date) -> None:
        if start and day < start:
            missing.append(f"{what} tiene fecha {shown(day)}, antes del inicio del compromiso ({shown(start)}).")
        elif end and day > end:
            missing.append(f"{what} tiene fecha {shown(day)}, después del término del compromiso ({shown(end)}).")

    for milestone in milestones:
        if milestone.due_date is not None:
            outside(f"El hito «{_short(milestone.output)}»", milestone.due_date)
    for indicator in indicators:
        days = {d for d in (indicator.first_due, indicator.last_due, *indicator.dates) if d is not None}
        for day in sorted(days):
            outside(f"El indicador «{_short(indicator.name)}»", day)
    return missing


def _completeness(
    fields: Mapping[str, Any], milestones: Sequence[MilestoneView], indicators: Sequence[IndicatorView]
) -> tuple[str, int, tuple[str, ...]]:
    checks = [
        (_filled(fields.get("baseline")),
         "El problema viene con datos de línea base.",
         "El problema no tiene datos de línea base: no queda claro cuánto cambiará."),
        (_filled(fields.get("causes")) or _filled(fields.get("direct_causes")),  # Kit 5's or Kit 6's
         "Identifica las causas del problema.",
         "No identifica las causas del problema."),
        (len(milestones) >= 2 and all(not _milestone_gaps(m) for m in milestones),
         "Sus hitos son verificables (producto, fecha y responsable).",
         "Le faltan al menos dos hitos verificables (producto, fecha y responsable)."),
        (any(i.baseline is not None and i.target is not None and i.target != i.baseline for i in indicators),
         "Tiene indicadores con una meta numérica.",
         "No tiene un indicador con una meta numérica distinta de su línea base."),
        (len(CORE_VALUES.intersection(str(v) for v in _items(fields.get("ogp_values")))) > 1,
         "Atiende más de un valor central de Gobierno Abierto (transparencia, participación, rendición de cuentas).",
         "Atiende un solo valor central de Gobierno Abierto (o ninguno); tecnología e innovación no cuenta como otro."),
    ]
    points = sum(1 for passed, _, _ in checks if passed)
    reasons = tuple(good if passed else bad for passed, good, bad in checks)
    return ("baja" if points <= 1 else "media" if points <= 3 else "alta"), points, reasons


def check(
    commitment: CommitmentView,
    milestones: Sequence[MilestoneView],
    indicators: Sequence[IndicatorView],
    plan_start: date | None = None,
    plan_end: date | None = None,
) -> Readiness:
    """What is missing before review, and the completeness of the design (see the module docstring)."""
    fields = commitment.fields
    missing = _fields_missing(fields, commitment.title)
    if not milestones:
        missing.append("Falta al menos un hito: un producto verificable, con fecha y responsable.")
    for milestone in milestones:
        gaps = _milestone_gaps(milestone)
        if gaps:
            name = _short(milestone.output) if _filled(milestone.output) else f"número {milestone.id}"
            missing.append(f"Al hito «{name}» le falta: {', '.join(gaps)}.")
    for indicator in indicators:
        gaps = _indicator_gaps(indicator)
        if gaps:
            missing.append(f"Al indicador «{_short(indicator.name)}» le falta: {', '.join(gaps)}.")
    start = commitment.start_date or parse_date(fields.get("start_date"))
    end = commitment.end_date or parse_date(fields.get("end_date"))
    missing += _dates_missing(start, end, milestones, indicators, plan_start, plan_end)
    completeness, points, reasons = _completeness(fields, milestones, indicators)
    return Readiness(tuple(missing), completeness, reasons, points)
