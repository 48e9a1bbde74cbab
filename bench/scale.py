"""5. The scale of the data.

Due scan: 1,000,000 outbox rows (990,000 sent: history; 9,000 pending in the future; 1,000 due), and
the dispatcher's own claim (`Outbox.claim`: the select of up to 50 due rows and the update that marks
them), timed inside a transaction that is rolled back, median of several; EXPLAIN of its select on
PostgreSQL. Baseline: the same claim on 10,000 rows (what a small deployment has).

Digests: 1,000 secretariats' weekly digests (`flows.reminders.digest.render_digest`: assembly and
template), each with 5 commitments of 3 milestones and 2 indicators; baseline: jinja2 alone
rendering the same template with each digest's context computed beforehand.
"""

from __future__ import annotations

import asyncio
import re
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from jinja2 import ChainableUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment
from sqlalchemy import and_, or_, select, text
from sqlalchemy.dialects import postgresql

from bench.common import Row, migrated_url, pg_available, session_factory
from flows.loader import default_content_dir
from flows.plan.views import IndicatorView, MilestoneView, ReportView
from flows.reminders.config import load_reminders
from flows.reminders.digest import DigestCommitment, DigestInput, ReceivedReport, digest_context, render_digest
from storage.models import OutboxMessage
from storage.repositories.outbox import Outbox

ROWS, SMALL = 1_000_000, 10_000
SCAN_GOAL_MS = 50
DIGESTS, DIGEST_GOAL_S = 1_000, 5.0
REPEAT = 7

# One statement per backend fills the table: history, future and due rows.
FILL = {
    "postgresql": """
        INSERT INTO outbox (key, kind, secretariat_id, channel, address, item_kind, item_id, rule, due_at, body, status,
                            attempts, next_attempt_at, created_at, sent_at)
        SELECT 'k' || g, 'reminder', 1, 'telegram', CAST(1000 + g % 5000 AS VARCHAR), 'indicator', g, 'bench', t,
               'Recordatorio ' || g,
               CASE WHEN g <= :due + :future THEN 'pending' ELSE 'sent' END, 0, t, now(),
               CASE WHEN g <= :due + :future THEN NULL ELSE now() END
        FROM (SELECT g, now() + (CASE WHEN g > :due AND g <= :due + :future THEN 1 ELSE -1 END)
                                * (1 + g % 86400) * interval '1 second' AS t
              FROM generate_series(1, :rows) AS g) AS x""",
    "sqlite": """
        WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < :rows),
        x(g, t) AS (SELECT g, strftime('%Y-%m-%d %H:%M:%f', 'now',
                                       (CASE WHEN g > :due AND g <= :due + :future THEN '+' ELSE '-' END)
                                       || (1 + g % 86400) || ' seconds') FROM s)
        INSERT INTO outbox (key, kind, secretariat_id, channel, address, item_kind, item_id, rule, due_at, body, status,
                            attempts, next_attempt_at, created_at, sent_at)
        SELECT 'k' || g, 'reminder', 1, 'telegram', CAST(1000 + g % 5000 AS VARCHAR), 'indicator', g, 'bench', t,
               'Recordatorio ' || g,
               CASE WHEN g <= :due + :future THEN 'pending' ELSE 'sent' END, 0, t,
               strftime('%Y-%m-%d %H:%M:%f', 'now'), NULL
        FROM x""",
}


def claim_select(now: datetime, lease: timedelta, limit: int) -> Any:
    """The select of storage/repositories/outbox.py's `claim`, for EXPLAIN."""
    due = or_(
        and_(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == "sending", OutboxMessage.claimed_at < now - lease),
    )
    return select(OutboxMessage).where(due).order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)


def scan(backend: str, rows: int) -> tuple[float, str]:
    url, drop = migrated_url(backend, f"scale{rows}")
    try:
        return asyncio.run(_scan(url, backend, rows))
    finally:
        drop()


async def _scan(url: str, backend: str, rows: int) -> tuple[float, str]:
    async with session_factory(url) as sessions:
        async with sessions() as session, session.begin():
            await session.execute(text("INSERT INTO secretariats (id, name) VALUES (1, 'Bench')"))
            await session.execute(text(FILL[backend]), {"rows": rows, "due": max(100, rows // 1000),
                                                        "future": rows // 1000 * 9})
        async with sessions() as session:
            await session.execute(text("ANALYZE"))
            await session.commit()
        times = []
        for _ in range(REPEAT):
            async with sessions() as session, session.begin():
                start = time.perf_counter()
                claimed = await Outbox(session).claim("bench", now=datetime.now(UTC), lease=timedelta(minutes=10),
                                                      limit=50)
                times.append((time.perf_counter() - start) * 1000)
                assert len(claimed) == 50
                await session.rollback()  # the rows stay due for the next measure
        plan = ""
        if backend == "postgresql":
            statement = claim_select(datetime.now(UTC), timedelta(minutes=10), 50)
            statement = statement.with_for_update(skip_locked=True)
            sql = str(statement.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
            async with sessions() as session:
                result = await session.execute(text("EXPLAIN (ANALYZE, BUFFERS OFF) " + sql))
                plan = "\n".join(r[0] for r in result)
        return statistics.median(times), plan


def digest_inputs() -> list[DigestInput]:
    today = date(2026, 3, 9)
    inputs = []
    for s in range(DIGESTS):
        commitments = []
        for c in range(5):
            milestones = tuple(MilestoneView(c * 10 + m, f"Hito {m} del compromiso {c}",
                                             today + timedelta(days=7 * m - 10), "Ana", m == 2) for m in range(3))
            indicators = tuple(
                IndicatorView(c * 10 + i, f"Indicador {i}", "%", 0.0, 100.0, "mensual", date(2026, 1, 1),
                              date(2026, 12, 1),
                              reports=tuple(ReportView(date(2026, 1 + r, 1), 10.0 * r, None,
                                                       datetime(2026, 1 + r, 3, tzinfo=UTC)) for r in range(2)))
                for i in range(2))
            commitments.append(DigestCommitment(c, f"Compromiso {c} de la secretaría {s}", "en_implementacion",
                                                milestones, indicators))
        inputs.append(DigestInput(
            f"STL {s}", date(2026, 3, 9), today, 14, commitments=tuple(commitments),
            reports=(ReceivedReport("Indicador 0", 40.0, "%", date(2026, 3, 1), "Ana", "gobierno"),),
            members_by_sector={"gobierno": 3, "sociedad_civil": 4}, new_members=("Beto",),
            sector_labels={"gobierno": "Gobierno", "sociedad_civil": "Sociedad civil"}))
    return inputs


def digests() -> Row:
    config, problems = load_reminders(Path(default_content_dir()))
    assert config is not None, problems
    inputs = digest_inputs()
    start = time.perf_counter()
    for data in inputs:
        render_digest(config, data)
    elapsed = time.perf_counter() - start
    env = ImmutableSandboxedEnvironment(undefined=ChainableUndefined, autoescape=False)
    env.filters["lista"] = lambda v, sep=", ": sep.join(map(str, v)) if isinstance(v, list | tuple) else str(v)
    template = env.from_string(config.digest_text)
    contexts = [digest_context(d) for d in inputs]
    start = time.perf_counter()
    for context in contexts:
        template.render(context)
    bare = time.perf_counter() - start
    return Row(f"render {DIGESTS:,} digests: seconds", elapsed, "s", bare, DIGEST_GOAL_S, higher=False,
               note="baseline: jinja2 alone rendering the digest template, contexts computed beforehand")


def run() -> list[Row]:
    rows: list[Row] = []
    for backend in ["sqlite"] + (["postgresql"] if pg_available() else []):
        small, _ = scan(backend, SMALL)
        big, plan = scan(backend, ROWS)
        note = f"baseline: the same claim on {SMALL:,} rows; median of {REPEAT}"
        if plan:
            scans = [re.sub(r"\s*\(cost=[^)]*\)", "", ln).strip(" ->") for ln in plan.splitlines() if "Scan" in ln]
            note += "; EXPLAIN: " + " / ".join(scans)
        rows.append(Row(f"due claim among {ROWS:,} rows, {backend}: ms", big, "ms", small,
                        SCAN_GOAL_MS if backend == "postgresql" else None, higher=False, note=note))
    rows.append(digests())
    return rows
