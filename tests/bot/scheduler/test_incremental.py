"""The incremental planner leaves exactly the rows the old one did (bot/scheduler/full.py: the oracle).

Hypothesis draws a few secretariats (time zones with and without DST, quiet hours across midnight,
indicators and milestones around a base date, people with and without an address) and a run of
ticks: minutes apart, days apart, across DST changes, a long stop (catch-up), with changes between
them (a report, a milestone done, a date moved, a person gone quiet, new quiet hours, a renamed
indicator); now and then the clock goes back (an admin's `cocrea reminders tick --now` tried a
later date). Two databases get the same data and the same ticks: one planned by the oracle every
secretariat every tick, the other by `plan_all`, planning only what changed; after every tick,
and after the dispatcher has sent what was due in both, their outbox rows are the same (key,
status, due time, body, address), and so is what was sent.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, select, text

from bot.scheduler.dispatcher import Dispatcher
from bot.scheduler.full import plan_every
from bot.scheduler.limiter import RateLimiter
from bot.scheduler.planner import plan_all
from flows.loader import default_content_dir
from flows.reminders.config import load_reminders
from storage import UnitOfWork, make_engine, make_session_factory
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
from tests.channels import fake_telegram
from tests.conftest import fresh_sqlite

CONFIG, _ = load_reminders(default_content_dir())
assert CONFIG is not None
ZONES = ("America/Mexico_City", "America/Tijuana", "Europe/Madrid", "America/Hermosillo")
WINDOWS = ("09:00-19:00", "22:00-06:00", "07:30-08:30", "00:00-23:59")
BASE = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)  # DST starts on 8 March (Tijuana) and 29 March (Madrid)
STATUSES = ("en_implementacion", "aprobado", "borrador", "concluido")

secretariats = st.lists(st.fixed_dictionaries({
    "zone": st.sampled_from(ZONES),
    "window": st.sampled_from(WINDOWS),
    "people": st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=3),  # (address, active)
    "commitments": st.lists(st.fixed_dictionaries({
        "status": st.sampled_from(STATUSES),
        "milestones": st.lists(st.integers(-10, 40), max_size=2),
        "indicators": st.lists(st.tuples(st.sampled_from(("mensual", "fechas", "unica")), st.integers(-5, 30),
                                         st.integers(0, 2)), max_size=2),
    }), min_size=1, max_size=2),
}), min_size=1, max_size=2)
# A tick: hours after the previous one (a few minutes to a long stop), and the change made before it.
CHANGES = ("none", "report", "milestone_done", "move_milestone", "quiet_person", "window", "rename", "status")
# Most ticks change nothing: then only the horizon moving (or nothing) may make the planner plan.
ticks = st.lists(st.tuples(st.sampled_from((0.02, 0.5, 3, 9, 26, 80, -50)), st.sampled_from(("none",) * 6 + CHANGES),
                           st.integers(0, 50)), min_size=2, max_size=8)


async def build(sessions: Any, shape: list[dict[str, Any]]) -> None:
    async with UnitOfWork(sessions) as uow:
        s, number = uow.session, 0
        for index, sec in enumerate(shape):
            secretariat = Secretariat(name=f"STL {index}", timezone=sec["zone"], quiet_hours=sec["window"],
                                      group_chat_id=-100 - index if index % 2 == 0 else None)
            s.add(secretariat)
            await s.flush()
            people = []
            for has_address, active in sec["people"]:
                number += 1
                person = Person(key=f"tg:{number}", telegram_id=number, name=f"Persona {number}", active=active)
                s.add(person)
                await s.flush()
                people.append(person.id)
                if has_address:
                    s.add(PersonAddress(person_id=person.id, channel="telegram", address=str(number)))
                s.add(Membership(person_id=person.id, secretariat_id=secretariat.id,
                                 role="coordinator" if len(people) == 1 else "member", joined_at=BASE))
            for c_index, com in enumerate(sec["commitments"]):
                commitment = Commitment(secretariat_id=secretariat.id, title=f"Compromiso {c_index}",
                                        status=com["status"], created_by=people[0],
                                        fields={"end_date": "2026-06-30"})
                s.add(commitment)
                await s.flush()
                for offset in com["milestones"]:
                    s.add(Milestone(commitment_id=commitment.id, output=f"Hito {offset}",
                                    due_date=BASE.date() + timedelta(days=offset), created_by=people[-1]))
                for frequency, offset, reporter in com["indicators"]:
                    first = BASE.date() + timedelta(days=offset)
                    s.add(Indicator(commitment_id=commitment.id, name=f"Indicador {offset}", unit="%",
                                    frequency=frequency, first_due=first,
                                    last_due=first + timedelta(days=70) if frequency == "mensual" else None,
                                    dates=[(first + timedelta(days=9)).isoformat(), first.isoformat()],
                                    reporter_id=people[reporter % len(people)], created_by=people[0]))


async def change(sessions: Any, what: str, pick: int, now: datetime) -> None:
    """One change, the same in both databases (rows chosen by `pick` among those there are)."""
    async with UnitOfWork(sessions) as uow:
        s = uow.session

        async def one(model: Any) -> Any:
            found = list(await s.scalars(select(model).order_by(model.id)))
            return found[pick % len(found)] if found else None

        if what == "report" and (indicator := await one(Indicator)) is not None:
            period = indicator.first_due
            if period is not None and await s.scalar(select(IndicatorReport.id).where(
                    IndicatorReport.indicator_id == indicator.id, IndicatorReport.period_due == period)) is None:
                s.add(IndicatorReport(indicator_id=indicator.id, period_due=period, value=1.0, reported_at=now))
        elif what == "milestone_done" and (milestone := await one(Milestone)) is not None:
            milestone.done_at = now
        elif what == "move_milestone" and (milestone := await one(Milestone)) is not None:
            milestone.due_date = (milestone.due_date or BASE.date()) + timedelta(days=pick % 7 - 3)
        elif what == "quiet_person" and (person := await one(Person)) is not None:
            person.active = not person.active
        elif what == "window" and (secretariat := await one(Secretariat)) is not None:
            secretariat.quiet_hours = WINDOWS[pick % len(WINDOWS)]
        elif what == "rename" and (indicator := await one(Indicator)) is not None:
            indicator.name = f"{indicator.name} ({pick})"
        elif what == "status" and (commitment := await one(Commitment)) is not None:
            commitment.status = STATUSES[pick % len(STATUSES)]


async def rows(sessions: Any) -> list[tuple[Any, ...]]:
    async with UnitOfWork(sessions, read_only=True) as uow:
        found = await uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.key))
        return [(r.key, r.status, r.due_at, r.body, r.channel, r.address, r.attempts) for r in found]


async def compare(template: Path, shape: list[dict[str, Any]], run: list[tuple[float, str, int]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        engines = [make_engine(fresh_sqlite(template, Path(folder) / f"{name}.db")) for name in ("old", "new")]
        try:
            old, new = (make_session_factory(e) for e in engines)
            sent: dict[str, list[tuple[int, str]]] = {"old": [], "new": []}
            for sessions in (old, new):
                await build(sessions, shape)
            now = BASE
            for hours, what, pick in run:
                now += timedelta(hours=hours)
                for sessions, planner in ((old, plan_every), (new, plan_all)):
                    await change(sessions, what, pick, now)
                    await planner(sessions, CONFIG, now=now)
                assert await rows(old) == await rows(new), f"after planning at {now}"
                for name, sessions in (("old", old), ("new", new)):
                    async def send(chat: int, text: str, _: bytes | None, box: str = name) -> None:
                        sent[box].append((chat, text))

                    limiter = RateLimiter(1e9, per_chat=1e9, group_per_minute=10**9)
                    await Dispatcher(sessions, fake_telegram(send), clock=lambda at=now: at, limiter=limiter,
                                     catch_up=CONFIG.catch_up, worker=f"w-{name}").run()
                assert await rows(old) == await rows(new), f"after sending at {now}"
                assert sent["old"] == sent["new"]
        finally:
            for engine in engines:
                await engine.dispose()


def run_async(make: Callable[[], Coroutine[Any, Any, None]]) -> None:
    asyncio.run(make())


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shape=secretariats, run=ticks)
def test_incremental_planning_leaves_the_rows_the_full_pass_leaves(
        sqlite_template: Path, shape: list[dict[str, Any]], run: list[tuple[float, str, int]]) -> None:
    run_async(lambda: compare(sqlite_template, shape, run))


def test_a_change_of_rules_plans_every_secretariat_again(sqlite_template: Path) -> None:
    """New reminder texts reach the rows not sent yet, though no data changed."""
    from dataclasses import replace

    async def check() -> None:
        with tempfile.TemporaryDirectory() as folder:
            engine = make_engine(fresh_sqlite(sqlite_template, Path(folder) / "x.db"))
            sessions = make_session_factory(engine)
            try:
                shape = [{"zone": ZONES[0], "window": WINDOWS[0], "people": [(True, True)],
                          "commitments": [{"status": "en_implementacion", "milestones": [3], "indicators": []}]}]
                await build(sessions, shape)
                await plan_all(sessions, CONFIG, now=BASE)
                before = await rows(sessions)
                assert before and all("Nuevo texto" not in r[3] for r in before)
                rules = tuple(replace(rule, text="Nuevo texto: {{ item.name }}") for rule in CONFIG.rules)
                await plan_all(sessions, replace(CONFIG, rules=rules), now=BASE)
                after = await rows(sessions)
                assert [r[0] for r in after] == [r[0] for r in before]
                assert all(r[3].startswith("Nuevo texto: Hito") for r in after if r[0].startswith("r:"))
            finally:
                await engine.dispose()

    asyncio.run(check())



async def statements_of_a_quiet_pass(sessions: Any, engine: Any, secretariats: int) -> int:
    shape = [{"zone": ZONES[i % len(ZONES)], "window": WINDOWS[0], "people": [(True, True), (True, True)],
              "commitments": [{"status": "en_implementacion", "milestones": [3, 20],
                               "indicators": [("mensual", 5, 1)]}]} for i in range(secretariats)]
    await build(sessions, shape)
    await plan_all(sessions, CONFIG, now=BASE)
    assert (await plan_all(sessions, CONFIG, now=BASE + timedelta(minutes=1))).inserted == 0
    sent: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        await plan_all(sessions, CONFIG, now=BASE + timedelta(minutes=2))
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    return len(sent)


def test_a_pass_with_nothing_new_costs_the_same_for_3_or_30_secretariats(sqlite_template: Path) -> None:
    async def check() -> list[int]:
        counts = []
        with tempfile.TemporaryDirectory() as folder:
            for n in (3, 30):
                engine = make_engine(fresh_sqlite(sqlite_template, Path(folder) / f"{n}.db"))
                try:
                    counts.append(await statements_of_a_quiet_pass(make_session_factory(engine), engine, n))
                finally:
                    await engine.dispose()
        return counts

    small, large = asyncio.run(check())
    assert small == large <= 8  # SQLite counts its BEGIN IMMEDIATE too


async def test_a_pass_with_nothing_new_costs_the_same_on_postgresql(own_postgres: str) -> None:
    from tests.conftest import migrated

    counts = []
    for n in (3, 30):
        async with migrated(own_postgres) as sessions:
            async with UnitOfWork(sessions) as uow:  # the same database for both sizes: emptied
                await uow.session.execute(text("TRUNCATE secretariats, people, commitments, outbox CASCADE"))
            counts.append(await statements_of_a_quiet_pass(sessions, sessions.kw["bind"], n))
    assert counts[0] == counts[1] <= 4


def test_every_process_computes_the_same_rules_key() -> None:
    """Sets in the rules must not make two processes (two hash seeds) see different rules, and plan
    everything again in turn for ever."""
    import os
    import subprocess
    import sys

    code = ("from bot.scheduler.planner import rules_key; from flows.loader import default_content_dir;"
            "from flows.reminders.config import load_reminders;"
            "print(rules_key(load_reminders(default_content_dir())[0]))")
    keys = {subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONHASHSEED": seed},
                           capture_output=True, text=True, check=True).stdout for seed in ("1", "2", "3")}
    assert len(keys) == 1


def test_a_pass_ends_when_a_secretariats_next_planning_time_has_already_come(
        sqlite_template: Path, monkeypatch: Any) -> None:
    """A reminder still due (or this week's digest) puts a secretariat's next planning time in the
    past: the pass plans it once and ends, so the leader goes on to send (it once planned it for ever)."""
    import bot.scheduler.planner as planner

    planned: list[int] = []
    real = planner.plan_secretariat

    async def due_again(uow: Any, secretariat: Any, config: Any, *, now: datetime, stats: Any) -> datetime:
        planned.append(secretariat.id)
        await real(uow, secretariat, config, now=now, stats=stats)
        return now - timedelta(minutes=1)

    monkeypatch.setattr(planner, "plan_secretariat", due_again)

    async def check() -> None:
        with tempfile.TemporaryDirectory() as folder:
            engine = make_engine(fresh_sqlite(sqlite_template, Path(folder) / "x.db"))
            sessions = make_session_factory(engine)
            try:
                shape = [{"zone": ZONES[0], "window": WINDOWS[0], "people": [(True, True)],
                          "commitments": [{"status": "en_implementacion", "milestones": [3], "indicators": []}]}
                         for _ in range(2)]
                await build(sessions, shape)
                await asyncio.wait_for(plan_all(sessions, CONFIG, now=BASE), timeout=60)
                assert sorted(planned) == [1, 2]  # each once in the pass
                await asyncio.wait_for(plan_all(sessions, CONFIG, now=BASE + timedelta(minutes=1)), timeout=60)
                assert sorted(planned) == [1, 1, 2, 2]  # and again on the next tick, since its time came
            finally:
                await engine.dispose()

    asyncio.run(check())
