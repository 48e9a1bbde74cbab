"""Exports of a secretariat's plan, read back the way their users would open them."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.export import FORMATS, load_snapshot, render
from bot.export.snapshot import PlanSnapshot
from flows.loader import load_checked
from storage import UnitOfWork
from storage.models import Indicator, IndicatorReport, Milestone
from tests.bot.plan_seed import FIRST, SECOND, Seeded, seed_plan

CONTENT = load_checked()
NOW = datetime(2026, 11, 2, 18, 0, tzinfo=UTC)


@pytest.fixture
async def plans(sessions: Any) -> tuple[Seeded, Seeded]:
    mine = await seed_plan(sessions, "STL Xalapa")
    other = await seed_plan(sessions, "STL Otro Municipio")
    return mine, other


async def snapshot(sessions: Any, secretariat_id: int) -> PlanSnapshot:
    async with UnitOfWork(sessions) as uow:
        found = await load_snapshot(uow.session, secretariat_id, NOW)
    assert found is not None
    return found


def one(snap: PlanSnapshot, fmt: str) -> bytes:
    files = render(snap, fmt, CONTENT)
    assert len(files) == 1
    return files[0].data


async def test_xlsx_has_four_sheets_matching_the_database(sessions: Any, plans: tuple[Seeded, Seeded]) -> None:
    mine, _ = plans
    book = load_workbook(io.BytesIO(one(await snapshot(sessions, mine.secretariat_id), "xlsx")))
    assert book.sheetnames == ["compromisos", "hitos", "indicadores", "reportes"]
    rows = {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}
    assert len(rows["compromisos"]) - 1 == 2
    assert len(rows["hitos"]) - 1 == mine.milestones
    assert len(rows["indicadores"]) - 1 == len(mine.indicator_ids)
    assert len(rows["reportes"]) - 1 == mine.reports
    assert all(cell.font.bold for cell in book["reportes"][1])
    assert book["compromisos"].column_dimensions["B"].width > 20  # titles are readable without resizing

    commitments = {r[0]: r for r in rows["compromisos"][1:]}
    header = rows["compromisos"][0]
    first = dict(zip(header, commitments[mine.commitment_ids[0]], strict=True))
    assert first["título"] == "Agua con horarios públicos (STL Xalapa)"
    assert first["estado"] == "En implementación"
    assert first["problema"] == FIRST["problem"]
    assert first["fecha de inicio"].date() == date(2026, 1, 15)
    assert first["avance"] == pytest.approx(0.5)  # 1 of 2 milestones; indicators at 50 % each

    async with UnitOfWork(sessions) as uow:
        stored = list(await uow.session.scalars(
            select(IndicatorReport).where(IndicatorReport.indicator_id.in_(mine.indicator_ids))
            .order_by(IndicatorReport.indicator_id, IndicatorReport.period_due)))
        milestones = list(await uow.session.scalars(
            select(Milestone).where(Milestone.commitment_id == mine.commitment_ids[0]).order_by(Milestone.id)))
    reports_header = rows["reportes"][0]
    read = [dict(zip(reports_header, r, strict=True)) for r in rows["reportes"][1:]]
    assert [(r["indicador id"], r["periodo"].date(), r["valor"]) for r in read] == [
        (s.indicator_id, s.period_due, s.value) for s in stored]
    assert read[0]["reportado por"] == "Beto Sociedad"
    assert read[0]["tipo de evidencia"] == "enlace"
    assert isinstance(read[0]["reportado el"], datetime)  # a real date, in the secretariat's time
    assert read[0]["reportado el"] == datetime(2026, 4, 2, 10, 30)  # 16:30 UTC is 10:30 in Mexico City
    assert read[0]["avance"] == pytest.approx(4 / 14)
    hitos = [dict(zip(rows["hitos"][0], r, strict=True)) for r in rows["hitos"][1:]]
    assert [h["producto"] for h in hitos] == [m.output for m in milestones]
    assert [h["cumplido"] for h in hitos] == ["Sí", "No"]


async def test_csv_has_one_row_per_report(sessions: Any, plans: tuple[Seeded, Seeded]) -> None:
    mine, _ = plans
    text = one(await snapshot(sessions, mine.secretariat_id), "csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == mine.reports
    first = rows[0]
    assert first["secretariado"] == "STL Xalapa"
    assert first["indicador"] == "Colonias con horario publicado"
    assert (first["unidad"], first["linea_base"], first["meta"]) == ("colonias", "0", "14")
    assert (first["periodo"], first["valor"], first["avance_pct"]) == ("2026-03-31", "4", "28.6")
    assert first["evidencia"] == "https://agua.example.mx/horarios"
    assert datetime.fromisoformat(first["reportado_en"]) == datetime(2026, 4, 2, 16, 30, tzinfo=UTC)
    reduction = next(r for r in rows if r["indicador"] == "Días sin agua al mes")
    assert reduction["avance_pct"] == "50"  # from 10 down to 6 of a target of 2: half way


async def test_json_nests_the_whole_plan(sessions: Any, plans: tuple[Seeded, Seeded]) -> None:
    mine, _ = plans
    document = json.loads(one(await snapshot(sessions, mine.secretariat_id), "json"))
    assert document["secretariat"]["name"] == "STL Xalapa"
    assert datetime.fromisoformat(document["exported_at"]) == NOW
    first, second = document["commitments"]
    assert first["fields"]["ods_targets"] == ["6.1"]
    assert second["fields"]["problem"] == SECOND["problem"]
    assert [m["due_date"] for m in first["milestones"]] == ["2026-03-31", "2026-06-30"]
    assert [len(i["reports"]) for i in first["indicators"]] == [3, 1]
    assert first["indicators"][0]["reports"][2]["note"] == "Bajó por lluvias"
    assert [(s["sector"], s["decision"], s["reason"]) for s in first["signoffs"]] == [
        ("gobierno", "aprueba", None), ("sociedad_civil", "disiente", "Faltan colonias")]
    assert second["milestones"] == [] and second["indicators"] == []


async def test_markdown_shows_the_commitment_fields(sessions: Any, plans: tuple[Seeded, Seeded]) -> None:
    mine, _ = plans
    text = one(await snapshot(sessions, mine.secretariat_id), "md").decode()
    for key in ("problem", "baseline", "causes", "affected_population", "objective", "how_it_solves",
                "lead_institution"):
        assert FIRST[key] in text, key
    assert "6. Agua limpia y saneamiento" in text  # the ODS catalog's label, not just «6»
    assert "6.1 Para 2030" in text
    assert "Sociedad civil: Colectivo Agua Oriente" in text
    assert "15 de enero de 2026" in text
    assert "| Portal de horarios en línea | 31 de marzo de 2026 |" in text
    assert "| Colonias con horario publicado | colonias | 0 | 14 | Trimestral | 7 (30 de septiembre de 2026) | 50 % |" \
        in text
    assert "Beto Sociedad | Sociedad civil | Disiente | Faltan colonias" in text
    # The second commitment has almost nothing: the gaps show as dashes, not as blanks or errors.
    second = text.split("## Compromiso 2.")[1]
    assert "**Línea base:** —" in second
    assert "Sin hitos registrados." in second


async def test_ogp_gives_one_document_per_commitment(sessions: Any, plans: tuple[Seeded, Seeded]) -> None:
    mine, _ = plans
    files = render(await snapshot(sessions, mine.secretariat_id), "ogp", CONTENT)
    assert [f.filename for f in files] == [f"compromiso-{i}.md" for i in mine.commitment_ids]
    first = files[0].data.decode()
    assert first.startswith("# Plantilla de compromiso — Agua con horarios públicos")
    assert "| Rendición de cuentas | Sí |" in first and "| Participación ciudadana | No |" in first
    assert FIRST["causes"] in first
    assert "Tesorería Municipal" in files[1].data.decode()


@pytest.mark.parametrize("fmt", FORMATS)
async def test_another_secretariats_plan_never_appears(sessions: Any, plans: tuple[Seeded, Seeded],
                                                       fmt: str) -> None:
    mine, other = plans
    for file in render(await snapshot(sessions, mine.secretariat_id), fmt, CONTENT):
        if fmt == "xlsx":
            book = load_workbook(io.BytesIO(file.data))
            text = "\n".join(str(v) for ws in book for row in ws.iter_rows(values_only=True) for v in row)
        else:
            text = file.data.decode("utf-8-sig")
        assert "Otro Municipio" not in text
        assert "(STL Xalapa)" in text or fmt == "ogp" and "Tesorería" in text


async def test_an_empty_plan_exports_without_errors(sessions: Any) -> None:
    async with UnitOfWork(sessions) as uow:
        empty = await uow.secretariats.add("Mesa nueva", kind="mesa")
    snap = await snapshot(sessions, empty.id)
    assert "todavía no tiene compromisos" in one(snap, "md").decode()
    assert one(snap, "csv").decode("utf-8-sig").count("\n") == 1  # the header only
    assert render(snap, "ogp", CONTENT) == []
    assert load_workbook(io.BytesIO(one(snap, "xlsx"))).sheetnames == ["compromisos", "hitos", "indicadores",
                                                                      "reportes"]


async def test_an_indicator_without_baseline_has_no_progress(sessions: Any, plans: tuple[Seeded, Seeded]) -> None:
    mine, _ = plans
    async with UnitOfWork(sessions) as uow:
        loose = Indicator(commitment_id=mine.commitment_ids[1], name="Sesiones abiertas", unit=None,
                          frequency="mensual")
        uow.session.add(loose)
        await uow.session.flush()
        uow.session.add(IndicatorReport(indicator_id=loose.id, period_due=date(2026, 5, 1), value=3))
    rows = list(csv.DictReader(io.StringIO(one(await snapshot(sessions, mine.secretariat_id), "csv")
                                           .decode("utf-8-sig"))))
    assert [r["avance_pct"] for r in rows if r["indicador"] == "Sesiones abiertas"] == [""]
