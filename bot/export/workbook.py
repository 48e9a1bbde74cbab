"""XLSX (openpyxl): sheets compromisos, hitos, indicadores and reportes; dates are real dates.

Every text is written as a string cell, never a formula (openpyxl reads a text starting with `=`
as one), and neutralised as in the CSV (bot/export/cells.py); numbers stay numbers.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

import bot.export.labels as L
from bot.export.cells import neutral
from bot.export.snapshot import CommitmentSnap, PlanSnapshot
from flows.plan.readiness import parse_date

SHEETS = ("compromisos", "hitos", "indicadores", "reportes")
PERCENT = "0%"
DATE = "dd/mm/yyyy"
DATETIME = "dd/mm/yyyy hh:mm"
MAX_WIDTH, MIN_WIDTH = 60, 8

COMMITMENT_FIELDS = ("problem", "baseline", "causes", "direct_causes", "root_causes", "effects",
                     "affected_population", "objective", "description", "proposal", "how_it_solves")
SELF_ASSESSMENT = ("self_completion", "opened_government", "lessons_learned", "evidence_source", "evidence_detail")
# Participation (Kit 5), the objectives tree and alternatives (Kit 6), the map of actors (Kit 7):
# each under its Spanish label.
KIT_FIELDS = ("participants", "prioritization_criteria", "budget", "means", "ends", "alternative_a",
              "alternative_b", "chosen_alternative", "inclusion_lens", "actors", "key_message", "key_moment",
              "key_moment_detail")


def _kit_field(key: str, value: Any, labels: L.Labels) -> str | None:
    if value in (None, "", [], {}):
        return None
    if key == "actors":
        return "\n".join(L.actor_lines(value))
    return labels.of(L.FIELD_CATALOGS[key], value) if key in L.FIELD_CATALOGS else L.text(value)


def _excel(value: Any) -> Any:
    """Excel keeps no time zones: a time is written as the secretariat's wall-clock time. A text
    loses the control characters XLSX cannot hold (openpyxl would refuse the whole workbook)."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, str):
        return neutral(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value



def _sheet(book: Workbook, title: str, header: Sequence[str], rows: list[list[Any]], *,
           percent: Sequence[int] = ()) -> None:
    sheet: Worksheet = book.create_sheet(title)
    sheet.append(list(header))
    for c in sheet[1]:
        c.font = Font(bold=True)
    for row in rows:
        sheet.append([_excel(v) for v in row])
    widths = [len(h) for h in header]
    for row in sheet.iter_rows(min_row=2):
        for index, c in enumerate(row):
            if isinstance(c.value, datetime):
                c.number_format = DATETIME
                widths[index] = max(widths[index], 16)
            elif isinstance(c.value, date):
                c.number_format = DATE
                widths[index] = max(widths[index], 10)
            elif index in percent and isinstance(c.value, int | float):
                c.number_format = PERCENT
            elif isinstance(c.value, str):
                c.data_type = "s"  # text, never a formula, whatever it starts with
                widths[index] = max(widths[index], min(len(c.value), MAX_WIDTH))
                if len(c.value) > MAX_WIDTH:
                    c.alignment = Alignment(wrap_text=True, vertical="top")
            elif c.value is not None:
                widths[index] = max(widths[index], len(str(c.value)))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(MIN_WIDTH, min(width, MAX_WIDTH)) + 2
    sheet.freeze_panes = "A2"


def _commitment_row(c: CommitmentSnap, labels: L.Labels) -> list[Any]:
    f = c.fields
    signoffs = "; ".join(
        f"{s.name or L.DASH} ({labels.sector(s.sector)}): {L.DECISION_LABELS.get(s.decision, s.decision)}"
        for s in c.signoffs)
    return [
        c.id, c.title, labels.status(c.status), labels.irm(c.irm_completion), c.progress,
        *(None if f.get(k) in (None, "") else L.text(f.get(k)) for k in COMMITMENT_FIELDS),
        ", ".join(labels.of("ogp_values", v) for v in L.as_list(f.get("ogp_values"))) or None,
        None if not f.get("ogp_values_explanation") else L.text(f.get("ogp_values_explanation")),
        "; ".join(labels.ods_goal(g) for g in L.as_list(f.get("ods_goals"))) or None,
        ", ".join(str(t) for t in L.as_list(f.get("ods_targets"))) or None,
        *(None if not f.get(k) else L.text(f.get(k))
          for k in ("ods_contribution", "lead_institution", "supporting_actors", "responsible")),
        parse_date(f.get("start_date")), parse_date(f.get("end_date")),
        None if not f.get("follow_up_plan") else L.text(f.get("follow_up_plan")),
        *(None if not f.get(k) else labels.of(L.FIELD_CATALOGS[k], f.get(k)) if k in L.FIELD_CATALOGS
          else L.text(f.get(k)) for k in SELF_ASSESSMENT),
        *(_kit_field(k, f.get(k), labels) for k in KIT_FIELDS),
        c.approved_at, signoffs or None,
    ]


def plan_xlsx(snapshot: PlanSnapshot, labels: L.Labels) -> bytes:
    book = Workbook()
    for blank in list(book.worksheets):  # a new workbook comes with an empty sheet
        book.remove(blank)
    _sheet(book, "compromisos", (
        "id", "título", "estado", "cumplimiento IRM", "avance", "problema", "línea base", "causas",
        "causas directas", "causas de fondo", "efectos",
        "población afectada", "objetivo", "descripción", "propuesta", "cómo resuelve el problema", "valores OGP",
        "cómo atiende los valores", "ODS", "metas ODS", "contribución a los ODS", "institución responsable",
        "actores de apoyo", "persona responsable",
        "fecha de inicio", "fecha de término", "plan de seguimiento", "autoevaluación: cumplimiento",
        "autoevaluación: ¿abrió el gobierno?", "lecciones aprendidas", "de dónde viene la evidencia",
        "dónde consultar la evidencia", *(L.FIELD_LABELS[k].lower() for k in KIT_FIELDS), "aprobado el", "firmas",
    ), [_commitment_row(c, labels) for c in snapshot.commitments], percent=(4,))
    _sheet(book, "hitos", (
        "compromiso id", "compromiso", "id", "producto", "fecha", "responsable", "cumplido", "cumplido el",
    ), [[c.id, c.title, m.id, m.output, m.due_date, m.responsible, "Sí" if m.done else "No", m.done_at]
        for c in snapshot.commitments for m in c.milestones])
    _sheet(book, "indicadores", (
        "compromiso id", "compromiso", "id", "indicador", "unidad", "línea base", "línea base: medirla el", "meta",
        "frecuencia", "primera fecha", "última fecha", "responsable", "reportes", "último valor", "avance",
    ), [[c.id, c.title, i.id, i.name, i.unit, i.baseline, i.baseline_due, i.target, labels.frequency(i.frequency),
         i.first_due, i.last_due, i.responsible, len(i.reports), i.last_report.value if i.last_report else None,
         i.progress] for c, i in snapshot.indicators], percent=(14,))
    _sheet(book, "reportes", (
        "compromiso id", "compromiso", "indicador id", "indicador", "unidad", "línea base", "meta", "periodo",
        "valor", "avance", "nota", "tipo de evidencia", "evidencia", "reportado por", "reportado el",
    ), [[c.id, c.title, i.id, i.name, i.unit, i.baseline, i.target, r.period_due, r.value, r.progress, r.note,
         L.EVIDENCE_LABELS.get(r.evidence_kind or "", r.evidence_kind), r.evidence, r.reported_by, r.reported_at]
        for c, i in snapshot.indicators for r in i.reports], percent=(9,))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
