"""8. Planning reminders at national scale (issue 20), on PostgreSQL: the new planner beside the old.

Secretariats shaped as the issue says: 10 members each (one coordinator), 5 commitments in
implementation, each with 3 milestones and 2 monthly indicators; seeded with COPY (triggers off
while seeding, every secretariat then marked to plan), in the database cocrea_bench_planning,
created and dropped for each size. The clock is fixed: a Monday 12:00 UTC, before the weekly digest
falls due in any of their zones, as when the issue measured the old planner.

For each size: the first full pass (every secretariat planned: `plan_all`, one process, then two
processes at once, each its own OS process; from 10,000 on, only the two); a pass with nothing new
(median of 5), with the statements it sent and the rows PostgreSQL read for it (pg_stat_database
tup_returned + tup_fetched, of a fresh connection closed after the pass, so its figures are
flushed); a pass after 1 % of the
secretariats changed (one commitment's title each). For the sizes in OLD_SIZES, the old planner
(bot/scheduler/full.py `plan_every`: every secretariat every pass) on the same data: its first pass
and its pass with nothing new. The load average is printed beside: others may share the machine.

`python -m bench planning [--sizes 100,1000]`.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import event, text

from bench.common import PG_SERVER, Row, _pg_admin, pg_available

SIZES = (100, 1_000, 10_000)
OLD_SIZES = (100, 1_000)
NOTHING_NEW_GOAL_MS = 100
FULL_PASS_GOAL_S = 60  # 10,000 secretariats, two processes
ONE_PROCESS_UP_TO = 10_000  # larger sizes: the full pass by two processes only (the goal's), to keep it short
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # a Monday, before the 09:00 digest in every zone here
ZONES = ("America/Mexico_City", "America/Tijuana", "America/Cancun", "America/Hermosillo")
DATABASE = "cocrea_bench_planning"
START, END = date(2026, 1, 1), date(2026, 12, 31)


def config() -> Any:
    from flows.loader import default_content_dir
    from flows.reminders.config import load_reminders

    loaded, problems = load_reminders(default_content_dir())
    assert loaded is not None, problems
    return loaded


# -- the data ----------------------------------------------------------------------------------------
def records(n: int) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    """Every row of `n` secretariats, table by table, ids made up so no lookup is needed."""
    created = NOW - timedelta(days=90)
    secretariats, people, addresses, memberships = [], [], [], []
    commitments, milestones, indicators = [], [], []
    for s in range(1, n + 1):
        secretariats.append((s, f"Secretariado {s}", "stl", ZONES[s % len(ZONES)], "09:00-19:00", created))
        for k in range(1, 11):
            pid = (s - 1) * 10 + k
            people.append((pid, f"tg:{pid}", pid, f"Persona {pid}", "gobierno", True, created))
            addresses.append((pid, pid, "telegram", str(pid), created, created))
            memberships.append((pid, pid, s, "coordinator" if k == 1 else "member", k == 1, created))
        for j in range(1, 6):
            cid = (s - 1) * 5 + j
            fields = json.dumps({"start_date": START.isoformat(), "end_date": END.isoformat()})
            commitments.append((cid, s, f"Compromiso {j} del secretariado {s}", "en_implementacion", fields,
                                (s - 1) * 10 + 1, created, created))
            for m in range(1, 4):
                mid = (cid - 1) * 3 + m
                due = NOW.date() + timedelta(days=(s * 7 + j * 3 + m * 11) % 60 - 5)
                milestones.append((mid, cid, f"Hito {m}", due, (s - 1) * 10 + 1 + m))
            for i in range(1, 3):
                iid = (cid - 1) * 2 + i
                first = date(2026, 1, 1 + (s + j * 5 + i * 13) % 28)
                indicators.append((iid, cid, f"Indicador {i}", "personas", "mensual", first, "[]",
                                   (s - 1) * 10 + 1 + (j + i) % 10, (s - 1) * 10 + 1))
    return {
        "secretariats": (["id", "name", "kind", "timezone", "quiet_hours", "created_at"], secretariats),
        "people": (["id", "key", "telegram_id", "name", "sector", "active", "created_at"], people),
        "addresses": (["id", "person_id", "channel", "address", "created_at", "last_used_at"], addresses),
        "memberships": (["id", "person_id", "secretariat_id", "role", "acting", "joined_at"], memberships),
        "commitments": (["id", "secretariat_id", "title", "status", "fields", "created_by", "created_at", "updated_at"],
                        commitments),
        "milestones": (["id", "commitment_id", "output", "due_date", "created_by"], milestones),
        "indicators": (["id", "commitment_id", "name", "unit", "frequency", "first_due", "dates", "reporter_id",
                        "created_by"], indicators),
    }


async def seed(url: str, n: int) -> None:
    """COPY every table with triggers off (session_replication_role), then mark every secretariat."""
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute("SET session_replication_role = replica")
        for table, (columns, rows) in records(n).items():
            await conn.copy_records_to_table(table, records=rows, columns=columns)
            await conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {len(rows) + 1})")
        await conn.execute("INSERT INTO secretariat_planning (secretariat_id, version, dirty) "
                           "SELECT id, 0, TRUE FROM secretariats")
        await conn.execute("ANALYZE secretariats, people, addresses, memberships, commitments, milestones, indicators")
    finally:
        await conn.close()


async def reset(url: str) -> None:
    """As just seeded: no outbox rows, every secretariat to plan."""
    await sql(url, "DELETE FROM outbox", "UPDATE secretariat_planning SET dirty = TRUE, plan_at = NULL,"
              " claimed_by = NULL, lease_until = NULL", "DELETE FROM planning_rules")


async def sql(url: str, *statements: str) -> list[Any]:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        found: list[Any] = []
        for statement in statements:
            found = list(await conn.fetch(statement))
        return found
    finally:
        await conn.close()


# -- measuring ---------------------------------------------------------------------------------------
class Counted:
    """A session factory on a fresh engine that counts the statements it sends."""

    def __init__(self, url: str) -> None:
        from storage.db import make_engine, make_session_factory

        self.engine = make_engine(url)
        self.statements = 0
        event.listen(self.engine.sync_engine, "before_cursor_execute", self._count)
        self.sessions = make_session_factory(self.engine)

    def _count(self, *_: Any) -> None:
        self.statements += 1

    async def close(self) -> None:
        await self.engine.dispose()


async def rows_read(url: str) -> int:
    found = await sql(url, "SELECT tup_returned + tup_fetched FROM pg_stat_database WHERE datname = current_database()")
    return int(found[0][0])


async def one_pass(url: str, planner: Callable[..., Awaitable[Any]]) -> tuple[float, int, int, Any]:
    """(seconds, statements, rows read, stats) of one pass by a fresh process-like engine."""
    counted = Counted(url)
    before = await rows_read(url)
    try:
        async with counted.sessions() as warm:  # the connection is made before the clock starts
            await warm.execute(text("SELECT 1"))
        rules = config()
        counted.statements = 0
        started = time.perf_counter()
        stats = await planner(counted.sessions, rules, now=NOW)
        elapsed = time.perf_counter() - started
    finally:
        await counted.close()
    await asyncio.sleep(0.3)  # the closed backend flushes its statistics as it exits
    return elapsed, counted.statements, await rows_read(url) - before, stats


def processes(url: str, count: int) -> float:
    """`count` OS processes run one `plan_all` at once; seconds from go to the last one done."""
    children = [subprocess.Popen([sys.executable, "-m", "bench.planning", "child", url],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) for _ in range(count)]
    for child in children:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    started = time.perf_counter()
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    for child in children:
        child.wait(timeout=900)
    return time.perf_counter() - started


async def child(url: str) -> None:
    from bot.scheduler.planner import plan_all
    from storage.db import make_engine, make_session_factory

    engine = make_engine(url, pool_size=2)
    sessions = make_session_factory(engine)
    async with sessions() as warm:
        await warm.execute(text("SELECT 1"))
    rules = config()
    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.readline)
    await plan_all(sessions, rules, now=NOW)
    await engine.dispose()


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


# -- the table ---------------------------------------------------------------------------------------
async def measure(n: int, rows: list[Row]) -> None:
    from bot.scheduler.full import plan_every
    from bot.scheduler.planner import plan_all
    from storage.migrate import upgrade

    await _pg_admin([f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)", f"CREATE DATABASE {DATABASE}"])
    url = f"{PG_SERVER}/{DATABASE}"
    try:
        await asyncio.to_thread(upgrade, url)
        started = time.perf_counter()
        await seed(url, n)
        print(f"  {n:,} secretariats seeded in {time.perf_counter() - started:.1f} s; {load()}", file=sys.stderr)
        label = f"planning {n:,} secretariats"
        # A pass not timed, then everything to plan again: the outbox has held rows, so PostgreSQL's
        # statistics know its size (as in any running installation) for the new and the old planner alike.
        if n in OLD_SIZES:  # (only where the old planner is compared: at 10,000 it would double the time)
            await asyncio.to_thread(processes, url, 2)
            await sql(url, "ANALYZE outbox")
            await reset(url)
        full = None
        if n < ONE_PROCESS_UP_TO:
            full, _, _, stats = await one_pass(url, plan_all)
            rows.append(Row(f"{label}: first full pass, 1 process: s", full,
                            note=f"{stats.inserted:,} reminder rows, {stats.digests} digests; {load()}"))
            await reset(url)
        two = await asyncio.to_thread(processes, url, 2)
        goal = FULL_PASS_GOAL_S if n == 10_000 else None
        rows.append(Row(f"{label}: first full pass, 2 processes: s", two, baseline=full, goal=goal, higher=False,
                        note=f"baseline: 1 process; {load()}"))
        quiet = [await one_pass(url, plan_all) for _ in range(5)]
        ms = statistics.median(q[0] for q in quiet) * 1000
        rows.append(Row(f"{label}: pass with nothing new: ms", ms, goal=NOTHING_NEW_GOAL_MS, higher=False,
                        note=f"median of 5; {load()}"))
        rows.append(Row(f"{label}: nothing new: statements", statistics.median(q[1] for q in quiet), higher=False))
        rows.append(Row(f"{label}: nothing new: rows read", statistics.median(q[2] for q in quiet), higher=False,
                        note="pg_stat_database tup_returned + tup_fetched of the pass's own connection, "
                             "and of the query that reads them"))
        quiet_two = await asyncio.to_thread(processes, url, 2)
        rows.append(Row(f"{label}: nothing new, 2 processes at once: ms", quiet_two * 1000, higher=False,
                        note="from go to both done, each a whole pass"))
        changed = max(1, n // 100)
        await sql(url, f"UPDATE commitments SET title = title || ' (revisado)' WHERE id IN "
                       f"(SELECT (s - 1) * 5 + 1 FROM generate_series(1, {n}, {n // changed}) AS s LIMIT {changed})")
        one_percent, _, _, _ = await one_pass(url, plan_all)
        rows.append(Row(f"{label}: pass after 1 % changed: ms", one_percent * 1000, higher=False,
                        note=f"{changed} secretariats re-planned, 1 process; {load()}"))
        if n in OLD_SIZES:
            await reset(url)
            old_full, _, _, _ = await one_pass(url, plan_every)
            assert full is not None
            old_quiet, statements, read, _ = await one_pass(url, plan_every)
            rows.append(Row(f"{label}: OLD planner, first pass: s", old_full, baseline=full,
                            note=f"baseline: the new planner, 1 process; {load()}"))
            rows.append(Row(f"{label}: OLD planner, nothing new: ms", old_quiet * 1000, baseline=ms,
                            note=f"{statements:,} statements, {read:,} rows read; baseline: the new planner"))
    finally:
        await _pg_admin([f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"])


async def longest_stall(draw: Callable[[], Awaitable[Any]], charts: int) -> float:
    """The longest the event loop went without running a 10 ms ticker while `charts` charts were drawn."""
    stall, done = 0.0, False

    async def ticker() -> None:
        nonlocal stall
        last = time.perf_counter()
        while not done:
            await asyncio.sleep(0.01)
            now = time.perf_counter()
            stall, last = max(stall, now - last - 0.01), now

    ticking = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    for _ in range(charts):
        await draw()
        await asyncio.sleep(0)  # what a pass does between secretariats: other tasks may run
    done = True
    await ticking
    return stall * 1000


def chart_stall(charts: int = 30) -> list[Row]:
    """Digest charts drawn by the worker thread (`render_chart`) against drawn on the loop, as before."""
    from bot.scheduler.chart import progress_chart
    from bot.scheduler.planner import DigestDraft, render_chart

    bars: list[tuple[str, float | None]] = [(f"Compromiso {i} del secretariado", i / 5) for i in range(5)]
    draft = DigestDraft("", "Avance de los compromisos · STL", bars)

    async def off_loop() -> Any:
        return await render_chart(draft, 1)

    async def on_loop() -> Any:
        return progress_chart(draft.title, bars)

    async def both() -> tuple[float, float]:
        await off_loop()  # matplotlib imported, the thread started
        return await longest_stall(off_loop, charts), await longest_stall(on_loop, charts)

    off, on = asyncio.run(both())
    return [Row(f"digest charts: longest loop stall, {charts} charts: ms", off, baseline=on, higher=False,
                note=f"drawn by the worker thread; baseline: drawn on the event loop (before); {load()}")]


def run(sizes: tuple[int, ...] = SIZES) -> list[Row]:
    if not pg_available():
        return [Row("planning: skipped (no PostgreSQL at 127.0.0.1:5432)", None)]
    rows: list[Row] = chart_stall()
    for n in sizes:
        print(f"  planning {n:,} secretariats …", file=sys.stderr, flush=True)
        asyncio.run(measure(n, rows))
    return rows


def sizes_of(argv: list[str]) -> tuple[int, ...]:
    """`--sizes 100,1000` (or `--sizes=100,1000`) from the command line; every size by default."""
    for index, arg in enumerate(argv):
        if arg.startswith("--sizes"):
            value = arg.partition("=")[2] or (argv[index + 1] if index + 1 < len(argv) else "")
            return tuple(int(v.replace("_", "")) for v in value.split(",") if v)
    return SIZES


if __name__ == "__main__":
    if sys.argv[1:2] == ["child"]:
        asyncio.run(child(sys.argv[2]))
    else:
        from bench.common import table

        print(table(run(sizes_of(sys.argv[1:]))))
