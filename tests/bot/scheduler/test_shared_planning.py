"""Two real `cocrea reminders tick` processes share one planning pass on PostgreSQL; one is SIGKILLed
mid-pass. The other finishes the pass (the dead one's claims are freed: its pid is gone), every due
reminder is sent exactly once, and the old full planner, run afterwards on the same data and clock,
finds nothing to add, move or cancel.

300 secretariats of the issue's shape (bench/planning.py seeds them), not 1,000: the same race in a
tenth of the time, so the suite stays quick; `python -m bench planning` runs 1,000 and 10,000.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import time
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from bench.planning import config, seed, sql
from bot.scheduler.full import plan_every
from storage.migrate import upgrade
from tests.bot.conftest import cocrea_command
from tests.conftest import migrated

SECRETARIATS = 300
# Monday 17:00 UTC: every zone of the seed is within its sending hours, and today's reminders are due.
NOW = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
AT = "'2026-03-02T17:00:00Z'"


def start(url: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COCREA_")}
    env.update({"COCREA_DATABASE_URL": url, "PYTHONUNBUFFERED": "1"})
    return subprocess.Popen(cocrea_command("reminders", "tick", "--now", NOW.isoformat()), env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


async def claimers(url: str) -> set[str]:
    return {r[0] for r in await sql(url, "SELECT DISTINCT claimed_by FROM secretariat_planning"
                                         " WHERE claimed_by IS NOT NULL")}


async def wait_for_claim(url: str, pid: int, seen: set[str], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen |= await claimers(url)
        if any(f":{pid}:" in name for name in seen):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"process {pid} never claimed a secretariat")


def blocks(out: str) -> list[str]:
    return [b.strip() for b in re.split(r"\n(?=→ )", out) if b.startswith("→ ")]


async def test_two_processes_share_a_pass_and_one_killed_loses_nothing(own_postgres: str) -> None:
    await asyncio.to_thread(upgrade, own_postgres)
    await seed(own_postgres, SECRETARIATS)
    # No weekly digests here (300 charts would take most of the time): the reminders are the point.
    await sql(own_postgres, "UPDATE secretariats SET digest_schedule = 'nunca'")
    seen: set[str] = set()
    killed = start(own_postgres)
    await wait_for_claim(own_postgres, killed.pid, seen)
    survivor = start(own_postgres)
    await wait_for_claim(own_postgres, survivor.pid, seen)
    os.kill(killed.pid, signal.SIGKILL)
    killed_out, _ = await asyncio.to_thread(killed.communicate, timeout=30)
    assert killed.returncode == -signal.SIGKILL
    out, err = await asyncio.to_thread(survivor.communicate, timeout=600)
    assert survivor.returncode == 0, err

    # Both planned: the killed one had claims of its own, and left some behind when it died.
    assert any(f":{killed.pid}:" in name for name in seen) and any(f":{survivor.pid}:" in name for name in seen)
    assert blocks(killed_out) == []  # it died planning, before sending anything
    left = await sql(own_postgres, "SELECT count(*) FROM secretariat_planning WHERE dirty OR claimed_by IS NOT NULL"
                                   " OR plan_at <= " + AT)
    assert left[0][0] == 0  # the pass is whole: every secretariat planned, no claim left

    sent = blocks(out)
    statuses = dict((s, n) for s, n in await sql(own_postgres, "SELECT status, count(*) FROM outbox GROUP BY status"))
    assert sent and statuses.get("sent") == len(sent)  # every row sent was printed once
    assert max(Counter(sent).values()) == 1
    due = await sql(own_postgres, "SELECT count(*) FROM outbox WHERE status = 'pending' AND next_attempt_at <= " + AT)
    assert due[0][0] == 0  # and nothing due was left unsent

    async with migrated(own_postgres) as sessions:
        again: Any = await plan_every(sessions, config(), now=NOW)
    assert (again.inserted, again.moved, again.cancelled) == (0, 0, 0)  # the oracle agrees: nothing missing
