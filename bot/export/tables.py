"""CSV: one row per indicator report, for spreadsheets and other tools.

Texts are neutralised against formula injection (bot/export/cells.py); numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

from bot.export.cells import neutral
from bot.export.snapshot import PlanSnapshot

CSV_COLUMNS = (
    "secretariado", "compromiso_id", "compromiso", "indicador_id", "indicador", "unidad", "linea_base",
    "linea_base_medir_el", "meta",
    "periodo", "valor", "avance_pct", "nota", "evidencia_tipo", "evidencia", "reportado_por", "reportado_en",
)


def _plain(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)  # 14, not 14.0
    if isinstance(value, str):
        # The writer quotes a field with "\n" (our line end) but not one with a lone "\r", which
        # would end the row for every reader: a text's line breaks are written as "\n".
        return neutral(value).replace("\r\n", "\n").replace("\r", "\n")
    return value


def report_rows(snapshot: PlanSnapshot) -> list[list[Any]]:
    rows = []
    for c, i in snapshot.indicators:
        for r in i.reports:
            rows.append([
                snapshot.secretariat_name, c.id, c.title, i.id, i.name, i.unit, i.baseline, i.baseline_due, i.target,
                r.period_due, r.value, None if r.progress is None else round(r.progress * 100, 1), r.note,
                r.evidence_kind, r.evidence, r.reported_by, r.reported_at,
            ])
    return rows


def plan_csv(snapshot: PlanSnapshot) -> str:
    """UTF-8 text with a header row; dates and times in ISO 8601 (times with their UTC offset)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in report_rows(snapshot):
        writer.writerow([_plain(v) for v in row])
    return out.getvalue()
