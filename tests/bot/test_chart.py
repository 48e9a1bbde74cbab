"""An indicator's chart: a real PNG, one point per report, the target line; /grafica in the loop."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from typing import Any

import pytest
from matplotlib.image import imread

from bot.chart import NoReports, indicator_figure, indicator_png
from bot.conversation import Conversation, Reply
from bot.export import load_snapshot
from bot.export.snapshot import IndicatorSnap, ReportSnap
from flows.inputs import Command
from flows.loader import load_checked
from storage import UnitOfWork
from storage.models import Indicator
from tests.bot.plan_seed import Seeded, person_in, seed_plan

CONTENT = load_checked()
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def indicator(reports: list[tuple[date, float]], baseline: float | None = 0,
              target: float | None = 14) -> IndicatorSnap:
    return IndicatorSnap(
        id=7, name="Colonias con horario publicado", unit="colonias", baseline=baseline, target=target,
        frequency="trimestral", first_due=None, last_due=None, dates=(), responsible=None,
        reports=tuple(ReportSnap(i, when, value, None, None, None, "Ana", datetime(2026, 1, 1, tzinfo=UTC), None)
                      for i, (when, value) in enumerate(reports, start=1)),
    )


def by_gid(figure: Any, gid: str) -> Any:
    return next(line for line in figure.axes[0].get_lines() if line.get_gid() == gid)


@pytest.mark.parametrize("count", [1, 3, 20])
def test_one_point_per_report_and_a_dashed_target(count: int) -> None:
    reports = [(date(2024 + i // 12, i % 12 + 1, 28), float(i * 2)) for i in range(count)]
    figure = indicator_figure(indicator(reports))
    values = by_gid(figure, "values")
    assert len(values.get_xdata()) == count
    assert list(values.get_ydata()) == [v for _, v in reports]
    assert values.get_marker() == "o"
    target = by_gid(figure, "target")
    assert target.get_linestyle() == "--" and set(target.get_ydata()) == {14}
    assert set(by_gid(figure, "baseline").get_ydata()) == {0}
    ax = figure.axes[0]
    assert ax.get_ylabel() == "colonias" and ax.get_xlabel() == "Periodo reportado"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["Valor reportado", "Meta: 14", "Línea base: 0"]


def test_reports_are_drawn_in_period_order_and_a_correction_is_its_own_point() -> None:
    figure = indicator_figure(indicator([(date(2026, 6, 30), 9), (date(2026, 3, 31), 4), (date(2026, 6, 30), 8)]))
    assert list(by_gid(figure, "values").get_ydata()) == [4, 9, 8]


def test_the_png_is_a_real_image() -> None:
    data = indicator_png(indicator([(date(2026, 3, 31), 4), (date(2026, 6, 30), 9)]), "Compromiso 1: Agua")
    assert data.startswith(PNG_MAGIC)
    pixels = imread(io.BytesIO(data), format="png")
    height, width = pixels.shape[:2]
    assert width > 600 and height > 300


def test_an_indicator_without_target_or_reports() -> None:
    figure = indicator_figure(indicator([(date(2026, 3, 31), 4)], baseline=None, target=None))
    assert [line.get_gid() for line in figure.axes[0].get_lines()] == ["values"]
    with pytest.raises(NoReports):
        indicator_figure(indicator([]))


# -- /grafica ----------------------------------------------------------------------------------------

@pytest.fixture
async def plans(sessions: Any) -> tuple[Seeded, Seeded]:
    return await seed_plan(sessions, "STL Xalapa"), await seed_plan(sessions, "STL Otro Municipio")


async def grafica(sessions: Any, key: str, args: str = "") -> Reply:
    return await Conversation(lambda: CONTENT, sessions).handle(key, Command("grafica", args))


async def test_grafica_sends_the_chart_as_a_photo(sessions: Any, plans: tuple[Seeded, Seeded]) -> None:
    mine, _ = plans
    await person_in(sessions, "cli:beto", mine.secretariat_id)
    reply = await grafica(sessions, "cli:beto", str(mine.indicator_ids[0]))
    [message] = reply.messages
    assert message.attachment is not None and message.attachment.kind == "photo"
    assert message.attachment.data.startswith(PNG_MAGIC)
    caption = message.attachment.caption or ""
    assert "Colonias con horario publicado: 3 reportes" in caption
    assert "Último valor: 7 colonias (30 de septiembre de 2026)" in caption and "Meta: 14 colonias" in caption


async def test_grafica_without_a_number_lists_the_indicators(sessions: Any, plans: tuple[Seeded, Seeded]) -> None:
    mine, other = plans
    await person_in(sessions, "cli:beto", mine.secretariat_id)
    text = (await grafica(sessions, "cli:beto")).messages[0].text
    assert f"• {mine.indicator_ids[0]}: Colonias con horario publicado (compromiso {mine.commitment_ids[0]}, " \
           "3 reportes)" in text
    assert f"• {mine.indicator_ids[1]}: Días sin agua al mes" in text
    assert f"• {other.indicator_ids[0]}:" not in text


async def test_grafica_never_shows_another_secretariats_indicator(sessions: Any,
                                                                  plans: tuple[Seeded, Seeded]) -> None:
    mine, other = plans
    await person_in(sessions, "cli:beto", mine.secretariat_id)
    reply = await grafica(sessions, "cli:beto", str(other.indicator_ids[0]))
    assert all(m.attachment is None for m in reply.messages)
    assert f"No encontré el indicador {other.indicator_ids[0]} en tu secretariado" in reply.messages[0].text
    typo = await grafica(sessions, "cli:beto", "colonias")
    assert "Necesito el número del indicador" in typo.messages[0].text


async def test_grafica_of_an_indicator_with_no_reports_says_so(sessions: Any, plans: tuple[Seeded, Seeded]) -> None:
    mine, _ = plans
    async with UnitOfWork(sessions) as uow:
        fresh = Indicator(commitment_id=mine.commitment_ids[1], name="Sesiones abiertas", frequency="mensual")
        uow.session.add(fresh)
        await uow.session.flush()
        fresh_id = fresh.id
    await person_in(sessions, "cli:beto", mine.secretariat_id)
    reply = await grafica(sessions, "cli:beto", f"#{fresh_id}")
    assert reply.messages[0].attachment is None
    assert "«Sesiones abiertas» todavía no tiene valores reportados" in reply.messages[0].text


async def test_grafica_needs_a_secretariat(sessions: Any, plans: tuple[Seeded, Seeded]) -> None:
    await person_in(sessions, "cli:nadie", None)
    reply = await grafica(sessions, "cli:nadie", "1")
    assert "necesitas pertenecer a un secretariado" in reply.messages[0].text


async def test_the_snapshot_gives_the_chart_every_report(sessions: Any, plans: tuple[Seeded, Seeded]) -> None:
    mine, _ = plans
    async with UnitOfWork(sessions) as uow:
        snapshot = await load_snapshot(uow.plan, mine.secretariat_id, datetime(2026, 11, 1, tzinfo=UTC))
    assert snapshot is not None
    charted = {i.id: len(by_gid(indicator_figure(i), "values").get_xdata()) for _, i in snapshot.indicators}
    assert charted == {mine.indicator_ids[0]: 3, mine.indicator_ids[1]: 1}
