"""Reminders and digests end to end: a moved clock, the real planner and dispatcher, no network."""

from __future__ import annotations

import asyncio
import datetime as dt
import heapq
import itertools
import os
import re
import socket
import subprocess
import sys
import textwrap
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select, update
from telegram.error import Forbidden, NetworkError, RetryAfter

from bot.cli import main
from bot.scheduler import Dispatcher, RateLimiter, tick
from bot.scheduler.planner import build_digest
from flows.loader import default_content_dir
from flows.reminders.config import RemindersConfig, load_reminders
from flows.reminders.planning import Planned, reminder_key
from storage import UnitOfWork, make_engine, make_session_factory
from storage.migrate import upgrade
from storage.models import (
    Commitment,
    Indicator,
    IndicatorReport,
    Membership,
    Milestone,
    OutboxMessage,
    Person,
    PersonAddress,
    Secretariat,
)
from tests.bot.conftest import cocrea_command, cocrea_env
from tests.channels import fake_telegram

os.environ.setdefault("PTB_TIMEDELTA", "1")
GOLDEN = Path(__file__).resolve().parents[2] / "golden"
ANA, CARLA, GROUP = 1001, 2001, -100500
CONFIG, _ = load_reminders(default_content_dir())
assert CONFIG is not None


@dataclass
class Seeded:
    secretariat: int
    indicator: int
    ana: int


async def seed(sessions: Any) -> Seeded:
    """STL Oaxaca: Carla coordinates, Ana reports a monthly indicator due on the 10th; a late milestone."""
    async with UnitOfWork(sessions) as uow:
        s = uow.session
        stl = Secretariat(name="STL Oaxaca", timezone="America/Mexico_City", group_chat_id=GROUP)
        carla = Person(key=f"tg:{CARLA}", telegram_id=CARLA, name="Carla", sector="gobierno",
                       created_at=datetime(2026, 1, 5, tzinfo=UTC))
        ana = Person(key=f"tg:{ANA}", telegram_id=ANA, name="Ana", sector="sociedad_civil",
                     created_at=datetime(2026, 1, 5, tzinfo=UTC))
        s.add_all([stl, carla, ana])
        await s.flush()
        s.add_all([
            PersonAddress(person_id=carla.id, channel="telegram", address=str(CARLA)),
            PersonAddress(person_id=ana.id, channel="telegram", address=str(ANA)),
            Membership(person_id=carla.id, secretariat_id=stl.id, role="coordinator",
                       joined_at=datetime(2026, 1, 5, tzinfo=UTC)),
            Membership(person_id=ana.id, secretariat_id=stl.id, role="member",
                       joined_at=datetime(2026, 1, 5, tzinfo=UTC)),
        ])
        works = Commitment(secretariat_id=stl.id, title="Obra pública abierta", status="en_implementacion",
                           created_by=carla.id, fields={})
        draft = Commitment(secretariat_id=stl.id, title="Datos de salud", status="borrador", created_by=ana.id,
                           fields={})
        s.add_all([works, draft])
        await s.flush()
        indicator = Indicator(commitment_id=works.id, name="Solicitudes atendidas", unit="%", baseline=0, target=100,
                              frequency="mensual", first_due=date(2026, 3, 10), last_due=date(2026, 5, 10),
                              dates=[], reporter_id=ana.id, created_by=carla.id)
        s.add_all([
            indicator,
            Milestone(commitment_id=works.id, output="Portal de obra publicado", due_date=date(2026, 2, 15),
                      created_by=carla.id),
            Milestone(commitment_id=draft.id, output="Borrador sin fecha acordada", due_date=date(2026, 3, 10),
                      created_by=ana.id),
        ])
        await s.flush()
        return Seeded(stl.id, indicator.id, ana.id)


async def report(sessions: Any, seeded: Seeded, period: date, value: float, at: datetime) -> None:
    async with UnitOfWork(sessions) as uow:
        uow.session.add(IndicatorReport(indicator_id=seeded.indicator, period_due=period, value=value,
                                        person_id=seeded.ana, reported_at=at))


class Outbox:
    """A send that records what would have gone out."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str, bytes | None]] = []

    async def __call__(self, chat_id: int, text: str, attachment: bytes | None) -> None:
        self.sent.append((chat_id, text, attachment))

    def to(self, chat_id: int) -> list[str]:
        """The texts sent to the chat (a digest's chart is a message of its own, without text)."""
        return [text for chat, text, _ in self.sent if chat == chat_id and text]

    def images(self, chat_id: int) -> list[bytes]:
        return [image for chat, text, image in self.sent if chat == chat_id and image]


def no_wait() -> RateLimiter:
    """Telegram's limits on a fake clock that a wait moves forward: no test sleeps for real."""
    clock = [0.0]

    async def sleep(seconds: float) -> None:
        clock[0] += seconds

    return RateLimiter(30, clock=lambda: clock[0], sleep=sleep)


def local(text: str) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("America/Mexico_City")).astimezone(UTC)


async def run(sessions: Any, send: Outbox, when: str, config: RemindersConfig = CONFIG) -> None:
    await tick(sessions, config, fake_telegram(send), now=local(when), limiter=no_wait(),
               labels={"gobierno": "Gobierno"})


# --- done when: a member's reminders at local times, a report stops them, the Monday digest -------------

def test_cocrea_reminders_tick_with_a_moved_clock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    database = tmp_path / "cocrea.db"
    url = f"sqlite:///{database}"
    upgrade(url)

    async def prepare() -> Seeded:
        engine = make_engine(url)
        try:
            return await seed(make_session_factory(engine))
        finally:
            await engine.dispose()

    seeded = asyncio.run(prepare())
    monkeypatch.chdir(tmp_path)
    for key in [k for k in os.environ if k.startswith("COCREA_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("COCREA_DATABASE_URL", url)

    def tick_at(when: str) -> str:
        assert main(["reminders", "tick", "--now", when]) == 0
        return capsys.readouterr().out

    def to(out: str, chat: int) -> list[str]:
        return [block.strip() for block in re.split(r"\n(?=→ )", out) if block.startswith(f"→ telegram:{chat}:")]

    assert "→ " not in tick_at("2026-03-03T08:59")  # not yet 09:00 in Mexico City: nobody is written to
    nine = tick_at("2026-03-03T09:00")
    assert "semana del 2 de marzo" in to(nine, CARLA)[0]  # this week's digest, late: the bot just started
    (week_before,) = to(nine, ANA)
    assert "En una semana, el 10 de marzo de 2026" in week_before and "«Solicitudes atendidas»" in week_before
    assert tick_at("2026-03-03T09:30") == ""  # sent once, not at every tick

    monday = tick_at("2026-03-09T09:00")
    assert [m.split(": ", 1)[1][:20] for m in to(monday, ANA)] == ["Hola, Ana. Mañana, 1"]
    digest, chart = to(monday, CARLA)
    assert "Resumen semanal de STL Oaxaca" in digest and "[imagen: " in chart
    late = next(line for line in digest.splitlines() if "Portal de obra publicado" in line)
    assert late.startswith("‼️") and "hace 22 días" in late  # escalated: more than 14 days late
    assert to(monday, GROUP) and "Borrador sin fecha" not in monday  # drafts nag nobody

    assert "Hoy vence" in to(tick_at("2026-03-10T09:00"), ANA)[0]
    assert "Hace 3 días venció" in to(tick_at("2026-03-13T09:00"), ANA)[0]

    async def ana_reports() -> None:
        engine = make_engine(url)
        try:
            await report(make_session_factory(engine), seeded, date(2026, 3, 10), 40, local("2026-03-14T12:00"))
        finally:
            await engine.dispose()

    asyncio.run(ana_reports())
    next_monday = tick_at("2026-03-16T09:00")
    assert to(next_monday, ANA) == []
    assert "Solicitudes atendidas: 40 % (periodo del 10 de marzo de 2026), de Ana" in to(next_monday, CARLA)[0]
    assert to(tick_at("2026-03-20T09:00"), ANA) == []  # the +10 reminder was cancelled by the report
    (april,) = to(tick_at("2026-04-03T09:00"), ANA)  # the next period has its own reminders
    assert "10 de abril de 2026" in april


def test_the_command_runs_as_a_real_process(tmp_path: Path) -> None:
    database = tmp_path / "cocrea.db"
    result = subprocess.run(cocrea_command("reminders", "tick", "--now", "2026-03-03T09:00"), capture_output=True,
                            text=True, timeout=120, cwd=tmp_path, env=cocrea_env(database))
    assert result.returncode == 0, result.stderr
    assert "recordatorios: 0 nuevos" in result.stderr and "enviados 0" in result.stderr
    bad = subprocess.run(cocrea_command("reminders", "tick", "--now", "el lunes"), capture_output=True, text=True,
                         timeout=120, cwd=tmp_path, env=cocrea_env(database))
    assert bad.returncode == 2 and "--now debe ser una fecha y hora ISO" in bad.stderr


# --- the planner on its own -------------------------------------------------------------------------------

async def test_a_hundred_restarts_create_no_duplicate_rows(sessions: Any) -> None:
    await seed(sessions)
    send = Outbox()
    for minute in range(100):
        await run(sessions, send, (datetime(2026, 3, 9, 8, 30) + timedelta(minutes=minute)).isoformat())
    async with UnitOfWork(sessions) as uow:
        keys = list(await uow.session.scalars(select(OutboxMessage.key)))
    assert len(keys) == len(set(keys))
    assert len(send.to(ANA)) == 1 and len(send.to(CARLA)) == 1 and len(send.to(GROUP)) == 1


async def test_a_moved_date_moves_the_reminders(sessions: Any) -> None:
    seeded = await seed(sessions)
    send = Outbox()
    await run(sessions, send, "2026-03-03T09:00")
    assert len(send.to(ANA)) == 1
    async with UnitOfWork(sessions) as uow:
        indicator = await uow.session.get(Indicator, seeded.indicator)
        assert indicator is not None
        indicator.first_due = date(2026, 3, 20)  # ten days later
    await run(sessions, send, "2026-03-09T09:00")
    assert len(send.to(ANA)) == 1  # no "mañana" for the 10th any more
    await run(sessions, send, "2026-03-13T09:00")
    assert "En una semana, el 20 de marzo de 2026" in send.to(ANA)[-1]
    await run(sessions, send, "2026-03-19T09:00")
    assert "Mañana, 20 de marzo de 2026" in send.to(ANA)[-1]


async def test_reminders_due_while_the_bot_was_down(sessions: Any) -> None:
    await seed(sessions)
    send = Outbox()
    await run(sessions, send, "2026-03-09T08:00")  # plans "mañana" (09:00), nothing due yet
    await run(sessions, send, "2026-03-09T18:00")  # down most of the day: still within 24 h, sent now
    assert len(send.to(ANA)) == 1 and "Mañana" in send.to(ANA)[0]
    await run(sessions, send, "2026-03-10T08:00")  # plans "hoy vence"
    await run(sessions, send, "2026-03-12T08:00")  # down for two days: folded, not sent
    assert len(send.to(ANA)) == 1
    await run(sessions, send, "2026-03-16T09:00")
    assert "1 recordatorio no salió a tiempo" in send.to(CARLA)[-1]


# --- delivery faults --------------------------------------------------------------------------------------

async def one_row(sessions: Any, chat: int = ANA) -> None:
    await seed(sessions)
    async with UnitOfWork(sessions) as uow:
        sid = (await uow.outbox.secretariats())[0].id
        person = await uow.people.get(f"tg:{ANA}")
        assert person is not None
        now = local("2026-03-09T09:00")
        row = Planned(reminder_key(person.id, "indicator", 1, date(2026, 3, 10), "x"), person.id,
                      ("telegram", str(chat)), "indicator", 1, date(2026, 3, 10), "x", now, "Hola")
        await uow.outbox.sync_reminders(sid, [row], now=now, scope_from=now - timedelta(hours=1))


async def statuses(sessions: Any) -> list[tuple[str, int, str | None]]:
    async with UnitOfWork(sessions) as uow:
        rows = await uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        return [(r.status, r.attempts, r.last_error) for r in rows]


async def test_retry_after_waits_as_long_as_telegram_asks(sessions: Any) -> None:
    await one_row(sessions)
    calls: list[int] = []

    async def flooded(chat_id: int, text: str, attachment: bytes | None) -> None:
        calls.append(chat_id)
        if len(calls) == 1:
            raise RetryAfter(dt.timedelta(seconds=30))

    now = local("2026-03-09T09:00")
    first = await Dispatcher(sessions, fake_telegram(flooded), clock=lambda: now, limiter=no_wait()).run()
    assert (first.sent, first.retried) == (0, 1)
    assert await Dispatcher(sessions, fake_telegram(flooded), clock=lambda: now + timedelta(seconds=29),
                            limiter=no_wait()).run() \
        == type(first)()  # nothing due before the 30 seconds are over
    later = await Dispatcher(sessions, fake_telegram(flooded),
                             clock=lambda: now + timedelta(seconds=30), limiter=no_wait()).run()
    assert later.sent == 1 and calls == [ANA, ANA]
    assert (await statuses(sessions))[0][:2] == ("sent", 1)  # flood control is not a failed attempt


async def test_forbidden_marks_the_person_inactive_and_stops(sessions: Any) -> None:
    await one_row(sessions)

    async def blocked(chat_id: int, text: str, attachment: bytes | None) -> None:
        raise Forbidden("Forbidden: bot was blocked by the user")

    now = local("2026-03-09T09:00")
    stats = await Dispatcher(sessions, fake_telegram(blocked), clock=lambda: now, limiter=no_wait()).run()
    assert stats.blocked == 1
    assert (await statuses(sessions))[0][0] == "failed"
    async with UnitOfWork(sessions) as uow:
        ana = await uow.people.get(f"tg:{ANA}")
        assert ana is not None and ana.active is False
    send = Outbox()
    await run(sessions, send, "2026-03-10T09:00")
    assert send.to(ANA) == []  # an inactive person gets no more reminders


async def test_transient_errors_back_off_then_fail_and_admins_are_told_once(sessions: Any) -> None:
    await one_row(sessions)
    admin_messages: list[str] = []

    async def flaky(chat_id: int, text: str, attachment: bytes | None) -> None:
        if chat_id == 900:
            admin_messages.append(text)
            return
        raise NetworkError("connection reset")

    now = local("2026-03-09T09:00")
    seen = []
    for minutes in (0, 1, 3, 7, 15, 31, 63):
        stats = await Dispatcher(sessions, fake_telegram(flaky), clock=lambda m=minutes: now + timedelta(minutes=m),
                                 limiter=no_wait(), admins=frozenset({900})).run()
        seen.append((stats.retried, stats.failed))
    assert seen == [(1, 0), (1, 0), (1, 0), (1, 0), (0, 1), (0, 0), (0, 0)]
    status, attempts, error = (await statuses(sessions))[0]
    assert (status, attempts) == ("failed", 5) and error is not None and "NetworkError" in error
    assert len(admin_messages) == 1 and "tras 5 intentos" in admin_messages[0]


def test_the_rate_limiter_keeps_telegrams_limits() -> None:
    clock = [0.0]

    async def sleep(seconds: float) -> None:
        clock[0] += seconds

    async def scenario() -> list[float]:
        limiter = RateLimiter(2, clock=lambda: clock[0], sleep=sleep)
        times = []
        for chat in [1, 2, 1, 3] + [GROUP] * 21:
            async with limiter.turn(chat):
                times.append(clock[0])
        return times

    times = asyncio.run(scenario())
    assert all(b - a >= 0.5 for a, b in zip(times, times[1:], strict=False))  # 2 a second overall
    assert times[2] - times[0] >= 1.0  # a second between two to chat 1, and chat 2 did not wait for it
    group = times[4:]
    assert all(b - a >= 1.0 for a, b in zip(group, group[1:], strict=False))
    assert group[20] - group[0] >= 60.0  # the 21st message to a group waits for the minute


# --- a dispatcher killed in the middle of a batch ---------------------------------------------------------

KILLER = textwrap.dedent("""
    import asyncio, os, signal, sys
    from datetime import datetime
    from bot.scheduler import Dispatcher, RateLimiter
    from storage import make_engine, make_session_factory
    from tests.channels import fake_telegram

    url, log, die_at, now = sys.argv[1], sys.argv[2], int(sys.argv[3]), datetime.fromisoformat(sys.argv[4])
    count = 0

    async def send(chat_id, text, attachment):
        global count
        count += 1
        if count == die_at:  # the message in flight never reaches Telegram
            os.kill(os.getpid(), signal.SIGKILL)
        with open(log, "a") as out:
            out.write(f"{chat_id}\\n")

    async def main():
        engine = make_engine(url)
        limiter = RateLimiter(1e9, per_chat=1e9)
        await Dispatcher(make_session_factory(engine), fake_telegram(send),
                         clock=lambda: now, limiter=limiter, batch=20,
                         worker="doomed").run()

    asyncio.run(main())
""")


async def test_a_dispatcher_killed_mid_batch_loses_nothing_and_repeats_only_what_it_had_not_marked(
        sessions: Any, tmp_path: Path) -> None:
    await rows_to(sessions, [10_000 + n for n in range(50)])
    url = str(sessions.kw["bind"].url).replace("sqlite+aiosqlite", "sqlite")
    log = tmp_path / "sent.log"
    killed = subprocess.run([sys.executable, "-c", KILLER, url, str(log), "25", NOW.isoformat()],
                            capture_output=True, text=True, timeout=120)
    assert killed.returncode == -9, killed.stderr  # SIGKILL: no cleanup ran
    delivered = [int(c) for c in log.read_text().split()]
    assert len(delivered) == 24
    async with UnitOfWork(sessions) as uow:
        status = {int(r.address): r.status for r in await uow.session.scalars(select(OutboxMessage))}
    not_marked = {chat for chat in delivered if status[chat] == "sending"}  # sent, the crash came before the mark
    assert {chat for chat, s in status.items() if s == "sent"} == set(delivered) - not_marked
    claimed = sum(1 for s in status.values() if s == "sending")
    never_claimed = sum(1 for s in status.values() if s == "pending")

    async def send(chat_id: int, text: str, attachment: bytes | None) -> None:
        delivered.append(chat_id)

    # Within the lease nobody touches the claimed rows; after it, a new worker takes them over.
    early = await Dispatcher(sessions, fake_telegram(send),
                             clock=lambda: NOW + timedelta(minutes=5), limiter=no_wait()).run()
    late = await Dispatcher(sessions, fake_telegram(send),
                            clock=lambda: NOW + timedelta(minutes=11), limiter=no_wait()).run()
    assert early.sent == never_claimed
    assert late.sent == claimed
    assert sorted(set(delivered)) == [10_000 + n for n in range(50)]  # nothing lost
    twice = sorted(chat for chat, n in Counter(delivered).items() if n > 1)
    assert twice == sorted(not_marked)  # at least once: only what went out in the moment before the crash
    assert {s[0] for s in await statuses(sessions)} == {"sent"}


async def test_rows_left_by_a_dead_process_of_this_host_go_out_at_once_the_others_wait_for_their_lease(
        sessions: Any) -> None:
    await rows_to(sessions, [20_001, 20_002, 20_003, 20_004])
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a process that died (reaped): its pid runs nothing now
    host = socket.gethostname()
    claims = {20_001: f"{host}:{gone.pid}:dead01",  # this host, process gone: released
              20_002: f"{host}:{os.getppid()}:alive1",  # this host, a process that runs: its lease holds
              20_003: f"{host}:{os.getpid()}:mine01",  # this very process (another dispatcher in it)
              20_004: f"elsewhere:{gone.pid}:other1"}  # another machine: nothing known, its lease holds
    async with UnitOfWork(sessions) as uow:
        for chat, worker in claims.items():
            await uow.session.execute(update(OutboxMessage).where(OutboxMessage.address == str(chat)).values(
                status="sending", claimed_by=worker, claimed_at=NOW, attempts=1))
    delivered: list[int] = []

    async def send(chat_id: int, text: str, attachment: bytes | None) -> None:
        delivered.append(chat_id)

    stats = await Dispatcher(sessions, fake_telegram(send),
                             clock=lambda: NOW + timedelta(minutes=1), limiter=no_wait()).run()
    assert (stats.released, stats.sent, delivered) == (1, 1, [20_001])
    late = await Dispatcher(sessions, fake_telegram(send),
                            clock=lambda: NOW + timedelta(minutes=11), limiter=no_wait()).run()
    assert late.sent == 3 and Counter(delivered) == {20_001: 1, 20_002: 1, 20_003: 1, 20_004: 1}


# --- the digest -------------------------------------------------------------------------------------------

@pytest.fixture
def golden_update() -> Iterator[bool]:
    yield os.environ.get("COCREA_UPDATE_GOLDEN") == "1"


async def test_the_golden_digest_of_a_seeded_secretariat(sessions: Any, golden_update: bool) -> None:
    seeded = await seed(sessions)
    await report(sessions, seeded, date(2026, 3, 10), 40, local("2026-03-11T10:00"))
    async with UnitOfWork(sessions) as uow:
        secretariat = await uow.session.get(Secretariat, seeded.secretariat)
        assert secretariat is not None
        text, chart = await build_digest(uow, secretariat, CONFIG, now=local("2026-03-16T09:00"),
                                         sector_labels={"gobierno": "Gobierno", "sociedad_civil": "Sociedad civil"})
    golden = GOLDEN / "digest.out"
    if golden_update or not golden.exists():
        golden.write_text(text + "\n", encoding="utf-8")
    assert text + "\n" == golden.read_text(encoding="utf-8")
    assert chart is not None and chart.startswith(b"\x89PNG")


async def test_a_quiet_week_is_one_line_to_each_coordinator_and_the_group(sessions: Any) -> None:
    async with UnitOfWork(sessions) as uow:
        stl = Secretariat(name="Mesa Quito", timezone="America/Guayaquil", group_chat_id=GROUP)
        carla = Person(key=f"tg:{CARLA}", telegram_id=CARLA, name="Carla")
        uow.session.add_all([stl, carla])
        await uow.session.flush()
        uow.session.add(PersonAddress(person_id=carla.id, channel="telegram", address=str(CARLA)))
        uow.session.add(Membership(person_id=carla.id, secretariat_id=stl.id, role="coordinator",
                                   joined_at=datetime(2026, 1, 1, tzinfo=UTC)))
    send = Outbox()
    await run(sessions, send, "2026-03-09T08:00")  # 09:00 in Quito
    assert [(chat, text) for chat, text, _ in send.sent] == [
        (CARLA, "Resumen de Mesa Quito: semana tranquila, nada vence ni está atrasado. ¡Buen trabajo!"),
        (GROUP, "Resumen de Mesa Quito: semana tranquila, nada vence ni está atrasado. ¡Buen trabajo!"),
    ]
    assert all(attachment is None for _, _, attachment in send.sent)


# --- /resumen ----------------------------------------------------------------------------------------------

async def test_resumen_gives_a_coordinator_the_digest_now_and_refuses_members(sessions: Any) -> None:
    from bot.conversation import Conversation
    from flows.inputs import Command
    from flows.loader import load_checked

    seeded = await seed(sessions)
    await report(sessions, seeded, date(2026, 3, 10), 40, local("2026-03-11T10:00"))
    async with UnitOfWork(sessions) as uow:
        for person in await uow.session.scalars(select(Person)):
            person.consent_at = datetime(2026, 1, 5, tzinfo=UTC)
    content = load_checked()
    conversation = Conversation(lambda: content, sessions, clock=lambda: local("2026-03-12T10:00"))
    reply = await conversation.handle(f"tg:{CARLA}", Command("resumen", ""))
    text = reply.messages[0].text
    assert "Resumen semanal de STL Oaxaca" in text and "Portal de obra publicado" in text
    assert "Solicitudes atendidas: 40 %" in text
    photo = reply.messages[1].attachment
    assert photo is not None and photo.kind == "photo" and photo.data.startswith(b"\x89PNG")
    refused = await conversation.handle(f"tg:{ANA}", Command("resumen", ""))
    assert "Portal" not in refused.messages[0].text and len(refused.messages) == 1
    async with UnitOfWork(sessions) as uow:  # on demand: the weekly digest is still to come
        assert await uow.outbox.counts() == {}


# --- inside `cocrea run` ------------------------------------------------------------------------------------

async def test_cocrea_run_sends_what_is_due_at_start_and_then_every_minute(sessions: Any) -> None:
    from bot.scheduler.jobs import attach_scheduler
    from bot.settings import Settings
    from flows.loader import load_checked

    await seed(sessions)  # this week's digest is due (it is past Monday 09:00, or it is Monday 09:00)
    got = asyncio.Event()
    sent: list[tuple[int, str]] = []

    class Bot:  # the Telegram channel's calls (HTML, with their options)
        async def send_message(self, chat_id: int, text: str, **options: Any) -> None:
            sent.append((chat_id, text))

        async def send_photo(self, chat_id: int, photo: Any, **options: Any) -> None:
            sent.append((chat_id, "[foto]"))
            if chat_id == GROUP:
                got.set()

    class App:
        bot, post_init, post_stop = Bot(), None, None

    app = App()
    content = load_checked()
    scheduler = attach_scheduler(app, sessions, Settings(), lambda: content)
    from zoneinfo import ZoneInfo

    here = datetime.now(ZoneInfo("America/Mexico_City"))
    if here.weekday() == 0 and here.hour < 9:
        pytest.skip("before 09:00 on a Monday this week's digest is not due yet")
    async with UnitOfWork(sessions) as uow:  # the real clock: hours in which writing is allowed right now
        (stl,) = await uow.outbox.secretariats()
        stl.quiet_hours = f"{here - timedelta(hours=1):%H:%M}-{here + timedelta(hours=2):%H:%M}"
    await app.post_init(app)  # type: ignore[misc]
    try:
        await asyncio.wait_for(got.wait(), timeout=60)
        job = scheduler.get_job("reminders")
        assert job is not None and job.trigger.interval == timedelta(seconds=30)  # a dead leader's heir in 30 s
    finally:
        await app.post_stop(app)  # type: ignore[misc]
    for chat in (CARLA, GROUP):  # the digest, then its chart (a message of its own), to each chat
        text, photo = [said for to, said in sent if to == chat]
        assert text.startswith("Resumen semanal de STL Oaxaca") and photo == "[foto]"
    assert not scheduler.running


# --- sending concurrently ---------------------------------------------------------------------------------

class VirtualTime:
    """A clock that moves only when every task sleeps on it: the dispatcher really runs concurrently,
    and no test waits. `run` drives it.

    A statement runs in its connection's thread (aiosqlite), so a task waiting for the database is not
    sleeping on this clock: while `sessions` has a connection opening or checked out, the clock waits.
    """

    PATIENCE = 2.0  # real seconds to wait for the database before moving the clock anyway

    def __init__(self, sessions: Any = None) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._database_busy = 0
        self._engine = sessions.kw["bind"].sync_engine if sessions is not None else None

    def _busy(self, *_: Any) -> None:
        self._database_busy += 1

    def _idle(self, *_: Any) -> None:
        self._database_busy -= 1

    _LISTENERS = (("do_connect", "_busy"), ("connect", "_idle"), ("checkout", "_busy"), ("checkin", "_idle"))

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        wake = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + max(0.0, seconds), next(self._order), wake))
        await wake

    async def run(self, work: Any) -> Any:
        if self._engine is not None:
            for name, method in self._LISTENERS:
                event.listen(self._engine, name, getattr(self, method))
        try:
            return await self._run(work)
        finally:
            if self._engine is not None:
                for name, method in self._LISTENERS:
                    event.remove(self._engine, name, getattr(self, method))

    async def _run(self, work: Any) -> Any:
        task = asyncio.ensure_future(work)
        while not task.done():
            for _ in range(50):  # let every task that can run get as far as it can
                await asyncio.sleep(0)
            waited = 0.0
            while (self._database_busy > 0 or not self._sleepers) and waited < self.PATIENCE and not task.done():
                await asyncio.sleep(0.001)  # a database call in its thread
                waited += 0.001
                for _ in range(50):
                    await asyncio.sleep(0)
            if not self._sleepers or task.done():
                continue
            when, _, wake = heapq.heappop(self._sleepers)
            self.now = max(self.now, when)
            if not wake.done():
                wake.set_result(None)
        return task.result()


@dataclass
class Delivery:
    chat: int
    text: str
    started: float


class SlowTelegram:
    """Takes `latency` (virtual) seconds per message; records when each started; `fail` picks an
    exception by chat. Notes the most messages in flight at once, overall and to one chat."""

    def __init__(self, time: VirtualTime, latency: float = 0.3, fail: dict[int, Exception] | None = None) -> None:
        self.time, self.latency, self.fail = time, latency, fail or {}
        self.delivered: list[Delivery] = []
        self.in_flight: dict[int, int] = {}
        self.most_in_flight = self.most_to_one_chat = 0

    async def __call__(self, chat_id: int, text: str, attachment: bytes | None) -> None:
        started = self.time.now
        self.in_flight[chat_id] = self.in_flight.get(chat_id, 0) + 1
        self.most_in_flight = max(self.most_in_flight, sum(self.in_flight.values()))
        self.most_to_one_chat = max(self.most_to_one_chat, self.in_flight[chat_id])
        try:
            await self.time.sleep(self.latency)
            if chat_id in self.fail:
                raise self.fail.pop(chat_id)
        finally:
            self.in_flight[chat_id] -= 1
        self.delivered.append(Delivery(chat_id, text, started))

    def to(self, chat_id: int) -> list[Delivery]:
        return [d for d in self.delivered if d.chat == chat_id]


NOW = local("2026-03-09T09:00")


async def rows_to(sessions: Any, chats: list[int]) -> None:
    """One due row for each entry of `chats` (a chat may come several times), texts #0, #1… in order."""
    await seed(sessions)
    async with UnitOfWork(sessions) as uow:
        sid = (await uow.outbox.secretariats())[0].id
        person = await uow.people.get(f"tg:{ANA}")
        assert person is not None
        rows = [Planned(reminder_key(person.id, "indicator", n, date(2026, 3, 10), "x"), person.id,
                        ("telegram", str(chat)), "indicator", n, date(2026, 3, 10), "x", NOW, f"#{n}")
                for n, chat in enumerate(chats)]
        await uow.outbox.sync_reminders(sid, rows, now=NOW, scope_from=NOW - timedelta(hours=1))


def dispatcher(sessions: Any, send: SlowTelegram, in_flight: int = 4, **options: Any) -> Dispatcher:
    limiter = RateLimiter(10, in_flight=in_flight, clock=send.time, sleep=send.time.sleep)
    return Dispatcher(sessions, fake_telegram(send), clock=lambda: NOW, limiter=limiter, **options)


def most_in_one_second(times: list[float]) -> int:
    return max(sum(1 for t in times if start <= t < start + 1.0) for start in times)


async def test_concurrent_sends_keep_each_chats_order_and_every_limit(sessions: Any) -> None:
    chats = [ANA, ANA, CARLA, ANA, CARLA, *range(3000, 3030), ANA]
    await rows_to(sessions, chats)
    telegram = SlowTelegram(VirtualTime(sessions))
    stats = await telegram.time.run(dispatcher(sessions, telegram).run())

    assert stats.sent == len(chats) and {s for s, _, _ in await statuses(sessions)} == {"sent"}
    assert sorted(d.text for d in telegram.delivered) == sorted(f"#{n}" for n in range(len(chats)))
    assert [d.text for d in telegram.to(ANA)] == ["#0", "#1", "#3", "#35"]  # each chat in its own order
    assert [d.text for d in telegram.to(CARLA)] == ["#2", "#4"]
    for chat in (ANA, CARLA):
        starts = [d.started for d in telegram.to(chat)]
        assert all(b - a >= 1.0 for a, b in zip(starts, starts[1:], strict=False))  # 1 a second to a chat
    assert most_in_one_second([d.started for d in telegram.delivered]) <= 10  # 10 a second overall
    assert 1 < telegram.most_in_flight <= 4  # in parallel, as many as the limiter lets be in flight
    assert telegram.most_to_one_chat == 1  # never two to one chat at once


async def test_a_chat_waiting_its_second_does_not_hold_back_the_others(sessions: Any) -> None:
    await rows_to(sessions, [ANA, ANA, ANA, CARLA, 3000])
    telegram = SlowTelegram(VirtualTime(sessions), latency=0.05)
    send = dispatcher(sessions, telegram, in_flight=1)  # even one message at a time

    async def the_tick_before() -> None:  # Ana just got a message
        async with send.limiter.turn(("telegram", str(ANA))):  # the dispatcher limits by address
            pass

    await telegram.time.run(the_tick_before())
    await telegram.time.run(send.run())

    assert [d.chat for d in telegram.delivered] == [CARLA, 3000, ANA, ANA, ANA]
    assert telegram.to(CARLA)[0].started < 0.5 and telegram.to(3000)[0].started < 0.5  # not after Ana's pause
    assert telegram.time.now < 3.5  # Ana's three, a second apart, are all it took


async def test_sent_rows_are_marked_together_and_only_those_delivered(sessions: Any,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from storage.repositories.outbox import Outbox as OutboxRepository

    chats = list(range(3000, 3020))
    await rows_to(sessions, chats)
    marked: list[list[int]] = []
    mark_all_sent = OutboxRepository.mark_all_sent

    async def spy(self: Any, row_ids: Any, worker: str, *, now: datetime) -> int:
        marked.append(list(row_ids))
        return await mark_all_sent(self, row_ids, worker, now=now)

    monkeypatch.setattr(OutboxRepository, "mark_all_sent", spy)
    fail: dict[int, Exception] = {3003: NetworkError("connection reset"), 3007: Forbidden("Forbidden: blocked")}
    telegram = SlowTelegram(VirtualTime(sessions), latency=0.05, fail=fail)
    stats = await telegram.time.run(dispatcher(sessions, telegram, mark_every=1.0).run())

    assert (stats.sent, stats.retried, stats.blocked) == (18, 1, 1)
    assert 1 < len(marked) <= 4  # 20 rows in ~2 s, one UPDATE a second (and the last)
    async with UnitOfWork(sessions) as uow:
        rows = {int(r.address): r for r in await uow.session.scalars(select(OutboxMessage))}
        assert sorted(n for ids in marked for n in ids) == sorted(r.id for r in rows.values() if r.status == "sent")
    assert sorted(c for c, r in rows.items() if r.status == "sent") == sorted({d.chat for d in telegram.delivered})
    assert (rows[3003].status, rows[3003].attempts) == ("pending", 1)
    assert rows[3007].status == "failed"


async def test_retry_after_holds_every_further_send_for_as_long_as_telegram_asks(sessions: Any) -> None:
    await rows_to(sessions, list(range(3000, 3010)))
    telegram = SlowTelegram(VirtualTime(sessions), latency=0.05, fail={3000: RetryAfter(dt.timedelta(seconds=5))})
    stats = await telegram.time.run(dispatcher(sessions, telegram).run())

    assert (stats.sent, stats.retried) == (9, 1)
    assert min(d.started for d in telegram.delivered) >= 5.0  # Telegram answered at 0.05 s: wait 5 s
    assert (await statuses(sessions))[0] == ("pending", 0, "RetryAfter 5 s")
