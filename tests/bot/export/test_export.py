"""Exports of a secretariat's plan, read back the way their users would open them."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import json
import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot import cli
from bot.commands.exportar import ALIASES, read_format
from bot.conversation import Conversation, Reply
from bot.export import FORMATS, load_snapshot, render
from bot.export.snapshot import PlanSnapshot
from bot.terminal import TerminalChat
from flows.inputs import Command
from flows.loader import load_checked
from storage import UnitOfWork, make_engine, make_session_factory
from storage.migrate import upgrade
from storage.models import AuditEntry, Indicator, IndicatorReport, Milestone
from tests.bot.plan_seed import FIRST, SECOND, Seeded, person_in, seed_plan

CONTENT = load_checked()
NOW = datetime(2026, 11, 2, 18, 0, tzinfo=UTC)


@pytest.fixture
async def plans(sessions: Any) -> tuple[Seeded, Seeded]:
    mine = await seed_plan(sessions, "STL Xalapa")
    other = await seed_plan(sessions, "STL Otro Municipio")
    return mine, other


async def snapshot(sessions: Any, secretariat_id: int) -> PlanSnapshot:
    async with UnitOfWork(sessions) as uow:
        found = await load_snapshot(uow.plan, secretariat_id, NOW)
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


async def test_table_cells_survive_pipes_and_line_breaks(sessions: Any, plans: tuple[Seeded, Seeded]) -> None:
    mine, _ = plans
    async with UnitOfWork(sessions) as uow:
        commitment = await uow.commitments.get(mine.commitment_ids[1])
        assert commitment is not None
        await uow.commitments.update_fields(commitment, {"title": "Datos | abiertos\nya", "lead_institution": "A|B"})
        uow.session.add(Milestone(commitment_id=commitment.id, output="Primero\nsegundo | tercero"))
    snap = await snapshot(sessions, mine.secretariat_id)
    plan = one(snap, "md").decode()
    assert "| 2 | Datos \\| abiertos ya | Borrador |" in plan
    assert "| 1 | Primero segundo \\| tercero | — | — | Pendiente |" in plan
    ogp = render(snap, "ogp", CONTENT)[1].data.decode()
    assert "| **Institución responsable** | A\\|B |" in ogp


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


# -- /exportar -------------------------------------------------------------------------------------

@pytest.fixture
def conversation(sessions: Any) -> Conversation:
    return Conversation(lambda: CONTENT, sessions)


async def exportar(conversation: Conversation, key: str, args: str = "") -> Reply:
    return await conversation.handle(key, Command("exportar", args))


async def test_exportar_sends_the_coordinators_own_plan(sessions: Any, plans: tuple[Seeded, Seeded],
                                                        conversation: Conversation) -> None:
    mine, other = plans
    await person_in(sessions, "cli:coordinadora", mine.secretariat_id, "coordinator")
    reply = await exportar(conversation, "cli:coordinadora", "Excel")
    files = [m.attachment for m in reply.messages if m.attachment is not None]
    assert len(files) == 1 and files[0].kind == "document" and files[0].filename.endswith(".xlsx")
    assert "STL Xalapa" in reply.messages[0].text
    book = load_workbook(io.BytesIO(files[0].data))
    titles = [row[1] for row in book["compromisos"].iter_rows(min_row=2, values_only=True)]
    assert titles == ["Agua con horarios públicos (STL Xalapa)", "Presupuesto participativo abierto"]
    async with UnitOfWork(sessions) as uow:
        entries = list(await uow.session.scalars(select(AuditEntry).where(AuditEntry.action == "export")))
    assert [(e.secretariat_id, e.detail["format"]) for e in entries] == [(mine.secretariat_id, "xlsx")]
    assert entries[0].person_id is not None


async def test_exportar_ogp_sends_one_document_per_commitment(sessions: Any, plans: tuple[Seeded, Seeded],
                                                              conversation: Conversation) -> None:
    mine, _ = plans
    await person_in(sessions, "cli:coordinadora", mine.secretariat_id, "coordinator")
    reply = await exportar(conversation, "cli:coordinadora", "ogp")
    names = [m.attachment.filename for m in reply.messages if m.attachment is not None]
    assert names == [f"compromiso-{i}.md" for i in mine.commitment_ids]


async def test_exportar_without_a_format_explains_them(sessions: Any, plans: tuple[Seeded, Seeded],
                                                       conversation: Conversation) -> None:
    mine, _ = plans
    await person_in(sessions, "cli:coordinadora", mine.secretariat_id, "coordinator")
    said = "\n".join(m.text for m in (await exportar(conversation, "cli:coordinadora")).messages)
    for fmt in FORMATS:
        assert f"/exportar {fmt}" in said
    wrong = await exportar(conversation, "cli:coordinadora", "pdf")
    assert "No conozco el formato «pdf»" in wrong.messages[0].text
    assert all(m.attachment is None for m in wrong.messages)
    async with UnitOfWork(sessions) as uow:
        assert list(await uow.session.scalars(select(AuditEntry).where(AuditEntry.action == "export"))) == []


def test_every_format_word_leads_to_a_format() -> None:
    assert set(ALIASES.values()) == set(FORMATS)
    assert read_format(" Hoja de cálculo ") == "xlsx"


@pytest.mark.parametrize("membership", ["member", None])
async def test_exportar_is_refused_kindly_to_members_and_outsiders(
        sessions: Any, plans: tuple[Seeded, Seeded], conversation: Conversation, membership: str | None) -> None:
    mine, _ = plans
    await person_in(sessions, "cli:alguien", mine.secretariat_id if membership else None, membership or "member")
    reply = await exportar(conversation, "cli:alguien", "xlsx")
    assert all(m.attachment is None for m in reply.messages)
    expected = "solo para la coordinación" if membership else "necesitas pertenecer a un secretariado"
    assert expected in reply.messages[0].text
    async with UnitOfWork(sessions) as uow:
        assert list(await uow.session.scalars(select(AuditEntry).where(AuditEntry.action == "export"))) == []


async def test_the_terminal_shows_a_file_as_one_line(sessions: Any, plans: tuple[Seeded, Seeded],
                                                     conversation: Conversation) -> None:
    mine, _ = plans
    await person_in(sessions, "cli:coordinadora", mine.secretariat_id, "coordinator")
    out = io.StringIO()
    chat = TerminalChat(lambda inp: conversation.handle("cli:coordinadora", inp), io.StringIO(), out, echo=True)
    await chat.send(Command("exportar", "xlsx"))
    assert re.search(r"^\[archivo: plan-\d+\.xlsx, \d+ KB\]$", out.getvalue(), re.MULTILINE)


# -- cocrea export -----------------------------------------------------------------------------------

@pytest.fixture
async def cli_sessions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Any]:
    """The database `cocrea` finds through COCREA_DATABASE_URL, run from the test's own folder."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("COCREA_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    await asyncio.to_thread(upgrade, url)
    engine = make_engine(url)
    yield make_session_factory(engine)
    await engine.dispose()


def cocrea(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(args))
    return code, out.getvalue(), err.getvalue()


async def test_cocrea_export_prints_text_and_writes_files(cli_sessions: Any, tmp_path: Path) -> None:
    mine = await seed_plan(cli_sessions, "STL Xalapa")
    await seed_plan(cli_sessions, "STL Otro Municipio")

    code, out, _ = await asyncio.to_thread(cocrea, "export", "STL Xalapa", "--format", "csv")
    assert code == 0
    assert len(list(csv.DictReader(io.StringIO(out)))) == mine.reports
    assert "Otro Municipio" not in out

    code, out, _ = await asyncio.to_thread(cocrea, "export", str(mine.secretariat_id), "--format", "json")
    assert json.loads(out)["secretariat"]["name"] == "STL Xalapa"

    code, out, _ = await asyncio.to_thread(cocrea, "export", "STL Xalapa", "--format", "xlsx")
    written = tmp_path / f"plan-{mine.secretariat_id}.xlsx"
    assert code == 0 and str(written.name) in out
    assert load_workbook(written).sheetnames == ["compromisos", "hitos", "indicadores", "reportes"]

    code, _, _ = await asyncio.to_thread(cocrea, "export", "STL Xalapa", "--format", "md", "-o", "plan.md")
    assert code == 0 and FIRST["problem"] in (tmp_path / "plan.md").read_text(encoding="utf-8")

    code, _, _ = await asyncio.to_thread(cocrea, "export", "STL Xalapa", "--format", "ogp", "-o", "ogp/")
    assert sorted(p.name for p in (tmp_path / "ogp").iterdir()) == [f"compromiso-{i}.md" for i in mine.commitment_ids]
    code, out, _ = await asyncio.to_thread(cocrea, "export", "STL Xalapa", "--format", "ogp")
    assert out.count("# Plantilla de compromiso") == 2 and "\n---\n" in out


async def test_cocrea_export_names_an_unknown_secretariat(cli_sessions: Any) -> None:
    code, out, err = await asyncio.to_thread(cocrea, "export", "Nadie", "--format", "md")
    assert code == 1 and out == ""
    assert "No existe el secretariado 'Nadie'" in err


async def test_a_formula_typed_as_a_title_is_text_in_the_spreadsheets(sessions: Any,
                                                                      plans: tuple[Seeded, Seeded]) -> None:
    """The issue's example: a member's title `=HYPERLINK(…)` was a live formula in the coordinator's XLSX."""
    mine, _ = plans
    title = '=HYPERLINK("https://robo.example/datos","Ver evidencia")'
    async with UnitOfWork(sessions) as uow:
        commitment = await uow.commitments.get(mine.commitment_ids[0])
        assert commitment is not None
        await uow.commitments.update_fields(commitment, {"title": title})
        indicator = await uow.session.get(Indicator, mine.indicator_ids[0])
        assert indicator is not None
        indicator.name, indicator.baseline = "@SUM(1+1)", -5
    snap = await snapshot(sessions, mine.secretariat_id)
    sheet = load_workbook(io.BytesIO(one(snap, "xlsx")))["indicadores"]
    header = [c.value for c in sheet[1]]
    first = {h: c for h, c in zip(header, sheet[2], strict=True)}
    assert (first["compromiso"].data_type, first["compromiso"].value) == ("s", "'" + title)
    assert (first["indicador"].data_type, first["indicador"].value) == ("s", "'@SUM(1+1)")
    assert (first["línea base"].data_type, first["línea base"].value) == ("n", -5)
    rows = list(csv.DictReader(io.StringIO(one(snap, "csv").decode("utf-8-sig"))))
    assert (rows[0]["compromiso"], rows[0]["indicador"], rows[0]["linea_base"]) == ("'" + title, "'@SUM(1+1)", "-5")
