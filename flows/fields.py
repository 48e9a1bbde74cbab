"""Every field of the plan's records, declared once: its name, its Spanish label, which kits may write
it, and how two values of it are combined.

Everything else derives from here: the fields a `record` step may write (flows/records.py), the
content check that refuses a kit writing an undeclared field or one it may not write, the labels of
the card and every export (bot/export/labels.py), the summary a member reads on opening a kit, and
the question «mantener / reemplazar / combinar» asked before a kit's record replaces what another
kit or person wrote (flows/steps/record.py).

`kits` are flow ids. A kit that starts writing a field adds its id here: the check tells it so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

TEXT, LIST, ACTORS, SINGLE = "text", "list", "actors", "single"


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kits: frozenset[str]
    combine: str = TEXT  # how «combinar» joins two values: TEXT, LIST, ACTORS (by sector); SINGLE: it cannot
    catalog: str | None = None  # the catalog (content/catalogs) whose ids the value holds

    @property
    def combinable(self) -> bool:
        return self.combine != SINGLE


def _fields(*declared: Field) -> dict[str, Field]:
    return {f.name: f for f in declared}


def _kits(*ids: str) -> frozenset[str]:
    return frozenset(ids)


K5, K6, K7, K8 = _kits("kit5"), _kits("kit6"), _kits("kit7"), _kits("kit8")

# The commitment record, as the OGP template names its parts, in the order the card and the «Otros
# datos» of an export list them: no field ever shows its English key.
COMMITMENT: dict[str, Field] = _fields(
    Field("title", "Título", K5, SINGLE),
    Field("problem", "Problema público", K5),
    Field("participants", "Quiénes participaron", K5),
    Field("prioritization_criteria", "Criterios para priorizar el problema", K5),
    Field("baseline", "Línea base del problema", K5),
    Field("causes", "Causas del problema", K5),
    Field("direct_causes", "Causas directas (árbol de problemas)", K6),
    Field("root_causes", "Causas de fondo (árbol de problemas)", K6),
    Field("effects", "Efectos del problema", K6),
    Field("means", "Medios (árbol de objetivos)", K6),
    Field("ends", "Fines (árbol de objetivos)", K6),
    Field("affected_population", "Población afectada", K5),
    Field("objective", "Objetivo", K5 | K6),
    Field("description", "Descripción del compromiso", K5),
    Field("proposal", "Propuesta", K5),
    Field("alternative_a", "Alternativa A", K6),
    Field("alternative_b", "Alternativa B", K6),
    Field("chosen_alternative", "Alternativa elegida y criterio", K6),
    Field("how_it_solves", "¿Cómo contribuye a resolver el problema?", K5 | K6),
    Field("inclusion_lens", "Enfoque de género e inclusión (no dejar a nadie atrás)", K6),
    Field("budget", "Presupuesto y recursos", K5),
    Field("ogp_values", "Valores de Gobierno Abierto", K5, LIST, "ogp_values"),
    Field("ogp_values_explanation", "Cómo atiende los valores de Gobierno Abierto", K5),
    Field("ods_goals", "Objetivos de Desarrollo Sostenible", K6, LIST, "ods_goals"),
    Field("ods_targets", "Metas ODS", K6, LIST, "ods_targets"),
    Field("ods_contribution", "Contribución a los ODS", K6),
    Field("lead_institution", "Institución responsable", K5 | K7),
    Field("supporting_actors", "Actores de apoyo", K5 | K7, ACTORS),
    Field("actors", "Mapa de actores clave", K7, LIST),  # one entry an actor (`record: actor`)
    Field("key_message", "Mensaje clave para las instituciones", K7),
    Field("key_moment", "Momento oportuno", K7, SINGLE, "agenda_moments"),
    Field("key_moment_detail", "Cuándo y qué preparar", K7),
    Field("responsible", "Persona responsable", K5 | K7 | K8, SINGLE),
    Field("start_date", "Fecha de inicio", K8, SINGLE),
    Field("end_date", "Fecha de término", K8, SINGLE),
    Field("follow_up_plan", "Plan de seguimiento", K8),
    Field("self_completion", "Autoevaluación: nivel de cumplimiento", K8, SINGLE, "irm_completion"),
    Field("opened_government", "Autoevaluación: ¿abrió el gobierno?", K8, SINGLE, "irm_opened_government"),
    Field("lessons_learned", "Lecciones aprendidas", K8),
    Field("evidence_source", "De dónde viene la evidencia", K8, SINGLE, "irm_evidence_sources"),
    Field("evidence_detail", "Dónde consultar la evidencia", K8),
)

MILESTONE: dict[str, Field] = _fields(
    Field("output", "producto", K8, SINGLE),
    Field("due_date", "fecha", K8, SINGLE),
    Field("responsible", "responsable", K8, SINGLE),
)

INDICATOR: dict[str, Field] = _fields(
    Field("name", "nombre", K8, SINGLE),
    Field("unit", "unidad", K8, SINGLE),
    Field("baseline", "línea base", K8, SINGLE),
    Field("baseline_due", "fecha para medir la línea base", K8, SINGLE),
    Field("target", "meta", K8, SINGLE),
    Field("frequency", "frecuencia", K8, SINGLE),
    Field("first_due", "primer reporte", K8, SINGLE),
    Field("last_due", "último reporte", K8, SINGLE),
    Field("responsible", "responsable", K8, SINGLE),
)

# The records whose fields are declared here (the others are the person, a report, a sign-off).
DECLARED: dict[str, dict[str, Field]] = {"commitment": COMMITMENT, "milestone": MILESTONE, "indicator": INDICATOR}
# How one milestone or indicator is named in the history of its commitment: «hito 3 · fecha».
ROW_NAMES = {"milestone": "hito", "indicator": "indicador"}


def row_change(record: str, number: int, name: str) -> str:
    """The history's name of a milestone's or indicator's field: «hito 3 · fecha» (its number in the
    commitment, in the order they were added)."""
    field = DECLARED[record].get(name)
    return f"{ROW_NAMES[record]} {number} · {field.label if field else name}"


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value in ([], {}, ())


def combined(field: Field, current: Any, new: Any) -> Any:
    """«combinar»: two texts joined (each once), two lists united in order, actors united by sector."""
    if field.combine == LIST:
        items = [*_as_list(current), *_as_list(new)]
        return [item for index, item in enumerate(items) if item not in items[:index]]
    if field.combine == ACTORS and isinstance(current, Mapping) and isinstance(new, Mapping):
        return {key: combined(Field(key, key, frozenset()), current.get(key), new.get(key))
                for key in [*current, *(k for k in new if k not in current)]}
    if field.combine == SINGLE:
        return new
    parts = [str(v).strip() for v in (*_as_list(current), *_as_list(new)) if not is_empty(v)]
    return "\n".join(part for index, part in enumerate(parts) if part not in parts[:index])


def _as_list(value: Any) -> list[Any]:
    if is_empty(value):
        return []
    return list(value) if isinstance(value, list | tuple) else [value]
