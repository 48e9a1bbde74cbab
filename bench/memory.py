"""6. Memory: the resident memory of a process holding what `cocrea run` holds (the content, a
Conversation, the Telegram Application) after 10,000 people with runs in progress each sent it one
update; and the bytes a stored run takes (the SQLite file's growth / runs).

It runs in a child process (`python -m bench.memory child`), so nothing of the other benchmarks
counts. Runs are seeded directly in the database, each a few questions into Kit 1 (the state the
engine leaves there); then every person answers the question they are on. Baseline: the same
process before the 10,000 people (content, Conversation and Application loaded, database empty).
"""

from __future__ import annotations

import asyncio
import json
import resource
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.common import Row

PEOPLE = 10_000
GOAL_MB = 250
KIT, STEPS_IN = "kit1", 3
CONCURRENT = 50


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def child() -> dict[str, float]:
    from sqlalchemy import insert, select

    from bench.common import MemoryRequest, message_update, migrated_url, session_factory
    from bench.updates import cocrea_app
    from flows import engine
    from flows.inputs import Begin
    from flows.loader import load_checked
    from flows.walk import next_input
    from storage.models import FlowRun, Person

    content = load_checked()
    url, drop = await asyncio.to_thread(migrated_url, "sqlite", "memory")
    path = Path(url.removeprefix("sqlite:///"))
    try:
        async with session_factory(url) as sessions:
            api = MemoryRequest()
            app = await cocrea_app(content, sessions, api)
            before, size_before = rss_mb(), _size(path)
            now = datetime.now(UTC)
            state, events = engine.step(content, engine.start(KIT), Begin(), now, {"lists": {}})
            for _ in range(STEPS_IN):
                state, events = engine.step(content, state, next_input(content, state, events), now, {"lists": {}})
            answer = next_input(content, state, events)
            text = getattr(answer, "text", None) or "Sí"
            flow = content.flows[KIT]
            async with sessions() as session, session.begin():
                people = [dict(key=f"tg:{10**6 + i}", telegram_id=10**6 + i, name=f"Persona {i}",
                               sector="gobierno", consent_at=now) for i in range(PEOPLE)]
                for start in range(0, PEOPLE, 1000):
                    await session.execute(insert(Person), people[start:start + 1000])
            with_people = _size(path)
            async with sessions() as session, session.begin():
                person_ids = list(await session.scalars(select(Person.id).order_by(Person.id)))
                runs = [dict(person_id=pid, flow_id=KIT, content_version=flow.version, step_id=state.step_id,
                             status="active", state=state.to_json()) for pid in person_ids]
                for start in range(0, len(runs), 1000):
                    await session.execute(insert(FlowRun), runs[start:start + 1000])
            seeded = _size(path)
            semaphore = asyncio.Semaphore(CONCURRENT)

            async def one(i: int) -> None:
                async with semaphore:
                    await app.process_update(message_update(10**6 + i, text, app.bot))

            await asyncio.gather(*(one(i) for i in range(PEOPLE)))
            after = rss_mb()
            answered = sum(1 for _ in api.sent)
            await app.shutdown()
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            return {"before": before, "after": after, "peak": peak, "replies": answered,
                    "bytes_per_run": (seeded - with_people) / PEOPLE,
                    "bytes_after": (_size(path) - size_before) / PEOPLE}
    finally:
        drop()


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))  # with -wal and -shm


def run() -> list[Row]:
    done = subprocess.run([sys.executable, "-m", "bench.memory", "child"], capture_output=True, text=True,
                          timeout=1800, check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "child failed")
    m: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return [
        Row(f"memory RSS MB, {PEOPLE:,} people with runs, one update each", m["after"], "MB", m["before"], GOAL_MB,
            higher=False, note=f"baseline: the same process before them; peak {m['peak']:.0f} MB; "
                               f"{m['replies']:.0f} replies sent"),
        Row("bytes per stored run (SQLite file growth / runs)", m["bytes_per_run"], "B", None, None,
            note=f"after one more answer each: {m['bytes_after']:.0f} B a person (run, update id, person)"),
    ]


if __name__ == "__main__":
    if sys.argv[1:] == ["child"]:
        print(json.dumps(asyncio.run(child())))
