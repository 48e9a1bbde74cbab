"""Schedules and scheduled sends under hostile data: far-off dates, `$` in titles, extreme values,
quiet hours for every send, and long messages with emoji (issue 22, items 4, 8, 10, 11, 12)."""

from __future__ import annotations

import html
import io
from datetime import date, timedelta
from typing import Any

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.image import imread
from sqlalchemy import select
from telegram.error import BadRequest, NetworkError

from bot.channel import Channels
from bot.chart import indicator_figure, indicator_png
from bot.conversation import Conversation
from bot.scheduler import Dispatcher, tick
from bot.scheduler.cli import telegram_channel
from bot.scheduler.planner import build_digest
from bot.scheduler.tick import TickStats
from bot.telegram.render import LIMIT, units
from flows import engine
from flows.answers import Spec
from flows.answers.dates import DateAnswer
from flows.errors import Rejected
from flows.events import MessageOut
from flows.inputs import Command, Text
from flows.plan.schedule import add_months, due_dates, indicator_due_dates
from flows.reminders.planning import Planned, reminder_key
from flows.state import RunState
from flows.templating import render
from storage import UnitOfWork
from storage.models import Commitment, Indicator, Milestone, OutboxMessage, Secretariat
from tests.bot.commands.test_plan_commands import NOW, Plan, plan, say  # noqa: F401  (plan is a fixture)
from tests.bot.plan_seed import person_in, seed_plan
from tests.bot.scheduler.test_scheduler import ANA, CARLA, CONFIG, GROUP, Outbox, Seeded, local, no_wait, seed
from tests.bot.test_chart import PNG_MAGIC, grafica
from tests.bot.test_chart import indicator as indicator_snap
from tests.channels import fake_telegram
from tests.hardening.conftest import CONTENT

SORRY = "algo falló"


# --- item 8: a date in year 9999 -------------------------------------------------------------------------

def test_a_schedule_at_the_end_of_the_calendar_stops_there() -> None:
    assert add_months(date(9999, 12, 31), 1) == date.max
    assert add_months(date(9999, 11, 30), 3) == date.max
    assert add_months(date(1, 1, 1), -1) == date.min
    assert due_dates("mensual", date(9999, 12, 31), None) == [date(9999, 12, 31)]
    assert due_dates("mensual", date(9999, 10, 31), None) == [date(9999, 10, 31), date(9999, 11, 30),
                                                              date(9999, 12, 31)]
    assert due_dates("anual", date(9999, 6, 30), date.max) == [date(9999, 6, 30)]
    assert indicator_due_dates("trimestral", date(9999, 12, 31), None, (), date(9999, 12, 31)) == [date(9999, 12, 31)]


@pytest.fixture
def conversation(sessions: Any) -> Conversation:
    return Conversation(lambda: CONTENT, sessions, clock=lambda: NOW)


async def test_an_indicator_due_in_year_9999_breaks_no_command(conversation: Conversation, sessions: Any,
                                                               plan: Plan) -> None:  # noqa: F811
    async with UnitOfWork(sessions) as uow:
        commitment = await uow.session.get(Commitment, plan.ready)
        coco = await uow.people.get("tg:1")
        assert commitment is not None and coco is not None
        await uow.plan.add_indicator(commitment, name="Años luz", unit=None, baseline=0, target=10,
                                     frequency="mensual", first_due=date(9999, 12, 31), person=coco)
    for key, text in [("tg:2", "/compromisos"), ("tg:2", f"/compromiso {plan.ready}"), ("tg:2", "/indicadores"),
                      ("tg:1", f"/revision {plan.ready}"), ("tg:2", "/reportar")]:
        said = await say(conversation, key, text)
        assert SORRY not in said, (text, said)
    assert "Años luz" in await say(conversation, "tg:2", "/indicadores")


@pytest.mark.parametrize("typed", ["31/12/9999", "01/01/2300", "31/12/0000", "0000-02-29", "31/12/1999"])
def test_a_date_question_refuses_a_year_out_of_range_and_names_the_range(typed: str) -> None:
    with pytest.raises(Rejected) as refused:
        DateAnswer().parse(typed, Spec({}))
    said = render(CONTENT.ui_texts[refused.value.key], refused.value.params)
    assert "entre el 1 de enero de 2000 y el 31 de diciembre de 2099" in said


@pytest.mark.parametrize("typed", ["15/03/2026", "01/01/2000", "2099-12-31"])
def test_a_date_question_takes_the_dates_of_a_plan(typed: str) -> None:
    assert DateAnswer().parse(typed, Spec({}))


def test_kit_8_refuses_a_first_due_date_in_year_9999_kindly_and_asks_again() -> None:
    state = RunState(flow_id="kit8", step_id="ind_primera_fecha")
    state, events = engine.step(CONTENT, state, Text("31/12/9999"), NOW)
    said = "\n".join(e.text for e in events if isinstance(e, MessageOut))
    assert "Esa fecha está demasiado lejos" in said
    assert "entre el 1 de enero de 2020 y el 31 de diciembre de 2050" in said
    assert state.step_id == "ind_primera_fecha" and "ind_primera_fecha" not in state.answers
    # the second chance (a date still to come: a past one would be questioned first)
    state, _ = engine.step(CONTENT, state, Text("31/03/2028"), NOW)
    assert state.answers["ind_primera_fecha"] == "2028-03-31"


# --- item 4: a `$` in a title ----------------------------------------------------------------------------

BECAS = "Becas de $1,500 (50%) y $3,000 (100%)"
LABELS = {"gobierno": "Gobierno"}


async def retitle(sessions: Any, title: str) -> None:
    async with UnitOfWork(sessions) as uow:
        works = await uow.session.scalar(select(Commitment).where(Commitment.title == "Obra pública abierta"))
        assert works is not None
        works.title = title


async def rows(sessions: Any, kind: str) -> list[OutboxMessage]:
    async with UnitOfWork(sessions) as uow:
        return list(await uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)))


async def tick_at(sessions: Any, send: Any, when: str) -> TickStats:
    return await tick(sessions, CONFIG, fake_telegram(send), now=local(when), limiter=no_wait(), labels=LABELS)


async def test_a_dollar_in_a_title_stops_no_reminder_and_no_digest_and_the_tick_counts_true(sessions: Any) -> None:
    await seed(sessions)
    await retitle(sessions, BECAS)
    send = Outbox()
    stats = await tick_at(sessions, send, "2026-03-09T09:00")  # Monday: "mañana" for Ana, the weekly digest
    saved = await rows(sessions, "reminder")
    assert saved and stats.plan.inserted == len(saved)  # what the tick says it saved, it saved
    assert f"«{BECAS}»" in send.to(ANA)[0]
    assert BECAS in send.to(CARLA)[0] and BECAS in send.to(GROUP)[0]
    assert send.images(CARLA) and send.images(GROUP)  # the chart was drawn, dollar signs and all
    assert stats.plan.digests == 2 and stats.sent.sent == len(send.sent)
    assert f"{stats.plan.inserted} nuevos" in stats.summary()


async def test_a_chart_that_fails_rolls_back_nothing(sessions: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    await seed(sessions)

    def broken(*_: Any) -> bytes:
        raise ValueError("mathtext: Expected end of text")

    monkeypatch.setattr("bot.scheduler.planner.progress_chart", broken)
    send = Outbox()
    stats = await tick_at(sessions, send, "2026-03-09T09:00")
    assert stats.plan.inserted == len(await rows(sessions, "reminder")) > 0
    assert send.to(ANA) and "Resumen semanal" in send.to(CARLA)[0]  # the digest goes, without its chart
    assert send.images(CARLA) == [] and stats.plan.digests == 2


async def test_the_digest_is_counted_only_when_saved(sessions: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    await seed(sessions)

    async def failing(*_: Any, **__: Any) -> bool:
        raise RuntimeError("the database went away")

    monkeypatch.setattr("storage.repositories.outbox.Outbox.add_digest", failing)
    stats = await tick_at(sessions, Outbox(), "2026-03-09T09:00")
    assert stats.plan.digests == 0 and await rows(sessions, "digest") == []
    assert stats.plan.inserted == len(await rows(sessions, "reminder")) > 0  # the reminders stand


def displayed(figure: Any) -> tuple[list[str], list[str]]:
    """The figure's texts as matplotlib draws them: plain ones, and those it would parse as TeX math."""
    FigureCanvasAgg(figure).draw()
    plain, math = [], []
    for text in figure.findobj(lambda artist: hasattr(artist, "_preprocess_math") and bool(artist.get_text())):
        shown, is_math = text._preprocess_math(text.get_text())
        (math if is_math else plain).append(shown)
    return plain, math


def test_an_indicator_chart_shows_dollar_signs_as_typed() -> None:
    snap = indicator_snap([(date(2026, 3, 31), 4)])
    snap = type(snap)(**{**snap.__dict__, "name": "Apoyos de $5 y $10", "unit": "$ MXN"})
    plain, math = displayed(indicator_figure(snap, "Compromiso 1: Becas de $1,500 y $3,000"))
    assert math == []
    assert {"Apoyos de $5 y $10", "$ MXN", "Compromiso 1: Becas de $1,500 y $3,000"} <= set(plain)
    assert indicator_png(snap, BECAS).startswith(PNG_MAGIC)


async def test_grafica_and_resumen_with_dollar_signs(sessions: Any) -> None:
    mine = await seed_plan(sessions, "STL $ Xalapa")
    async with UnitOfWork(sessions) as uow:
        first = await uow.session.get(Commitment, mine.commitment_ids[0])
        indicator = await uow.session.get(Indicator, mine.indicator_ids[0])
        assert first is not None and indicator is not None
        first.title, indicator.name, indicator.unit = BECAS, "Becas de $5 y $10", "$"
    await person_in(sessions, "cli:carla", mine.secretariat_id, "coordinator")
    [photo] = (await grafica(sessions, "cli:carla", str(mine.indicator_ids[0]))).messages
    assert photo.attachment is not None and photo.attachment.data.startswith(PNG_MAGIC)
    assert "Becas de $5 y $10" in (photo.attachment.caption or "")
    reply = await Conversation(lambda: CONTENT, sessions).handle("cli:carla", Command("resumen", ""))
    assert BECAS in reply.messages[0].text
    chart = reply.messages[1].attachment
    assert chart is not None and chart.data.startswith(PNG_MAGIC)


# --- item 12 (charts): extreme values -------------------------------------------------------------------

@pytest.mark.parametrize(("baseline", "target", "value"), [
    (-1e308, 1e308, 4.0), (0.0, 1e308, -1e308), (1e308, -1e308, float("inf")), (0.0, 14.0, float("nan")),
    (-1e308, float("-inf"), 1e308),
])
def test_an_indicator_chart_survives_extreme_values(baseline: float, target: float, value: float) -> None:
    data = indicator_png(indicator_snap([(date(2026, 3, 31), value), (date(2026, 6, 30), 5.0)],
                                        baseline=baseline, target=target))
    height, width = imread(io.BytesIO(data), format="png").shape[:2]
    assert width > 600 and height > 300


async def test_grafica_of_extreme_values_is_a_chart_and_a_broken_chart_is_words(
        sessions: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    mine = await seed_plan(sessions)
    async with UnitOfWork(sessions) as uow:
        indicator = await uow.session.get(Indicator, mine.indicator_ids[0])
        assert indicator is not None
        indicator.baseline, indicator.target = -1e308, 1e308
    await person_in(sessions, "cli:beto", mine.secretariat_id)
    [photo] = (await grafica(sessions, "cli:beto", str(mine.indicator_ids[0]))).messages
    assert photo.attachment is not None and photo.attachment.data.startswith(PNG_MAGIC)

    def broken(*_: Any) -> bytes:
        raise OverflowError("cannot draw")

    monkeypatch.setattr("bot.commands.grafica.indicator_png", broken)
    [words] = (await grafica(sessions, "cli:beto", str(mine.indicator_ids[0]))).messages
    assert words.attachment is None and "Colonias con horario publicado: 3 reportes" in words.text


# --- item 10: quiet hours for every scheduled send --------------------------------------------------------

async def test_catch_up_and_the_late_digest_wait_for_quiet_hours_to_end(sessions: Any) -> None:
    await seed(sessions)
    async with UnitOfWork(sessions) as uow:  # Carla's milestone for Wednesday: "mañana" on Tuesday 09:00
        works = await uow.session.scalar(select(Commitment).where(Commitment.title == "Obra pública abierta"))
        assert works is not None
        uow.session.add(Milestone(commitment_id=works.id, output="Mesa de seguimiento", due_date=date(2026, 3, 25),
                                  created_by=works.created_by))
    send = Outbox()
    at_two = await tick_at(sessions, send, "2026-03-25T02:00")  # the bot was down since last week
    assert send.sent == [] and at_two.sent.sent == 0 and at_two.sent.held >= 3
    assert (await tick_at(sessions, send, "2026-03-25T08:59")).sent.sent == 0 and send.sent == []
    await tick_at(sessions, send, "2026-03-25T09:05")  # the window opens: what waited goes now
    assert any("Mañana, 25 de marzo de 2026" in t and "Mesa de seguimiento" in t for t in send.to(CARLA))
    assert any("semana del 23 de marzo" in t for t in send.to(CARLA)) and send.to(GROUP)
    before = len(send.sent)
    await tick_at(sessions, send, "2026-03-25T09:30")
    assert len(send.sent) == before  # each went once


async def a_row(sessions: Any, due: str, text: str = "Hola") -> None:
    async with UnitOfWork(sessions) as uow:
        (stl,) = await uow.outbox.secretariats()
        ana = await uow.people.get(f"tg:{ANA}")
        assert ana is not None
        row = Planned(reminder_key(ana.id, "indicator", 1, date(2026, 3, 10), "x"), ana.id, ("telegram", str(ANA)),
                      "indicator", 1,
                      date(2026, 3, 10), "x", local(due), text)
        await uow.outbox.sync_reminders(stl.id, [row], now=local(due), scope_from=local(due) - timedelta(hours=1))


async def test_a_retry_that_would_fall_in_quiet_hours_waits_for_the_morning(sessions: Any) -> None:
    await seed(sessions)
    await a_row(sessions, "2026-03-09T18:59")
    calls: list[str] = []

    async def flaky(chat_id: int, text: str, attachment: bytes | None) -> None:
        calls.append(text)
        if len(calls) == 1:
            raise NetworkError("connection reset")

    def at(when: str) -> Dispatcher:
        return Dispatcher(sessions, fake_telegram(flaky), clock=lambda: local(when), limiter=no_wait())

    assert (await at("2026-03-09T18:59").run()).retried == 1
    (row,) = await rows(sessions, "reminder")
    assert row.next_attempt_at == local("2026-03-10T09:00")  # not 19:00, after the window closed
    assert (await at("2026-03-09T19:00").run()).sent == 0 and (await at("2026-03-10T08:59").run()).sent == 0
    assert (await at("2026-03-10T09:00").run()).sent == 1 and calls == ["Hola", "Hola"]


async def test_a_window_across_midnight_is_kept_too(sessions: Any) -> None:
    seeded: Seeded = await seed(sessions)
    async with UnitOfWork(sessions) as uow:
        stl = await uow.session.get(Secretariat, seeded.secretariat)
        assert stl is not None
        stl.quiet_hours = "20:00-02:00"
    await a_row(sessions, "2026-03-09T19:00")
    send = Outbox()
    assert (await Dispatcher(sessions, fake_telegram(send),
                             clock=lambda: local("2026-03-09T19:00"), limiter=no_wait()).run()).held
    assert send.sent == []
    assert (await Dispatcher(sessions, fake_telegram(send),
                             clock=lambda: local("2026-03-09T20:00"), limiter=no_wait()).run()).sent


# --- item 11: long scheduled messages split by UTF-16 units, each part delivered once ---------------------

class StrictTelegram:
    """A Bot API that refuses texts over 4,096 UTF-16 units (after its HTML is parsed), as Telegram does,
    and drops the connection on the calls numbered in `flaky`. Records what it delivered, as shown."""

    def __init__(self, flaky: set[int]) -> None:
        self.flaky, self.calls = flaky, 0
        self.delivered: list[tuple[int, str]] = []
        self.photos: list[int] = []

    async def send_message(self, chat_id: int, text: str, **options: Any) -> None:
        self.calls += 1
        shown = html.unescape(text) if options.get("parse_mode") == "HTML" else text
        if units(shown) > LIMIT:
            raise BadRequest("Message is too long")
        if self.calls in self.flaky:
            raise NetworkError("connection reset")
        self.delivered.append((chat_id, shown))

    async def send_photo(self, chat_id: int, photo: Any, **options: Any) -> None:
        self.photos.append(chat_id)


async def test_a_long_digest_with_emoji_goes_in_parts_each_delivered_once(sessions: Any) -> None:
    seeded = await seed(sessions)
    async with UnitOfWork(sessions) as uow:
        for n in range(60):  # 60 commitments with emoji titles: a digest of ~12,000 UTF-16 units
            uow.session.add(Commitment(secretariat_id=seeded.secretariat, status="aprobado", fields={},
                                       title=f"Compromiso {n:02d} " + "🚰💧🌎" * 30))
        uow.session.add(Commitment(secretariat_id=seeded.secretariat, status="aprobado", fields={},
                                   title="Una sola línea " + "🌵" * 3000))  # a line longer than a message
    telegram = StrictTelegram(flaky={2})  # the second message of the pass fails once
    send = Channels([telegram_channel(telegram)])
    await tick(sessions, CONFIG, send, now=local("2026-03-09T09:00"), limiter=no_wait(), labels=LABELS)
    await tick(sessions, CONFIG, send, now=local("2026-03-09T09:05"), limiter=no_wait(), labels=LABELS)
    async with UnitOfWork(sessions) as uow:
        (stl,) = await uow.outbox.secretariats()
        digest, _ = await build_digest(uow, stl, CONFIG, now=local("2026-03-09T09:00"), sector_labels=LABELS)
    for chat in (CARLA, GROUP):
        parts = [text for to, text in telegram.delivered if to == chat]
        assert len(parts) > 3 and all(units(p) <= LIMIT for p in parts)
        assert len(parts) == len(set(parts))  # none delivered twice
        # all of it, in order (each message's blanks at its ends are trimmed, by the sender as by Telegram)
        assert "".join(parts).replace("\n", "").replace(" ", "") == digest.replace("\n", "").replace(" ", "")
    assert sorted(telegram.photos) == sorted([CARLA, GROUP])
    assert {r.status for r in await rows(sessions, "digest")} == {"sent"}


async def test_dates_at_the_end_of_the_calendar_stop_no_reminder(sessions: Any) -> None:
    await seed(sessions)
    async with UnitOfWork(sessions) as uow:  # stored before date questions had a maximum
        works = await uow.session.scalar(select(Commitment).where(Commitment.title == "Obra pública abierta"))
        assert works is not None
        works.fields = {"end_date": "9999-12-31"}
        uow.session.add_all([
            Indicator(commitment_id=works.id, name="Años luz", frequency="mensual", first_due=date(9999, 12, 31),
                      created_by=works.created_by),
            Milestone(commitment_id=works.id, output="Fin de los tiempos", due_date=date(9999, 12, 31),
                      created_by=works.created_by),
        ])
    send = Outbox()
    stats = await tick_at(sessions, send, "2026-03-09T09:00")
    assert stats.plan.inserted == len(await rows(sessions, "reminder")) > 0
    assert "Mañana, 10 de marzo de 2026" in send.to(ANA)[0] and "Resumen semanal" in send.to(CARLA)[0]
