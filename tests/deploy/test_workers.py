"""Three `cocrea run` processes in webhook mode on one PostgreSQL database, fed as Telegram feeds them.

One person's updates go round-robin to the three processes, each sent after the previous call
returned 200 (Telegram's way): every answer is stored, in order, none lost. Then the reminders
leader is killed with SIGKILL and another process sends what falls due, each message once.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import signal
import urllib.request
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bot.scheduler.leader import LEADER_NAME
from storage import make_engine
from tests.bot.telegram.e2e.conftest import Cocrea, Person, free_port
from tests.bot.telegram.e2e.fake_api import FakeBotApi
from tests.bot.telegram.e2e.test_polling import KIT5_ANSWERS, join_and_onboard
from tests.bot.telegram.e2e.test_resilience import post

SECRET = "workers-secret"

# The leader sessions of this test's own database: other tests on the same server have theirs.
LEADERS = ("SELECT application_name FROM pg_stat_activity "
           "WHERE datname = current_database() AND application_name LIKE :name")


async def query(url: str, sql: str, **params: Any) -> list[Any]:
    engine = make_engine(url)
    try:
        async with engine.begin() as connection:
            result = await connection.execute(text(sql), params)
            return list(result.all()) if result.returns_rows else []
    finally:
        await engine.dispose()


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return int(response.status), response.read().decode()


def start_workers(api: FakeBotApi, tmp_path: Path, pg_url: str, count: int) -> tuple[list[Cocrea], list[str]]:
    workers, hooks = [], []
    for n in range(count):
        folder = tmp_path / f"w{n}"
        folder.mkdir()
        worker = Cocrea(api, folder)
        worker.env["COCREA_DATABASE_URL"] = pg_url
        workers.append(worker)
    workers[0].cli("db", "upgrade")
    for worker in workers:
        port = free_port()
        hook = f"http://127.0.0.1:{port}/hook"
        worker.start(COCREA_WEBHOOK_URL=hook, COCREA_WEBHOOK_SECRET=SECRET, COCREA_LISTEN="127.0.0.1",
                     COCREA_PORT=str(port))
        hooks.append(hook)
    return workers, hooks


def test_three_workers_keep_one_chats_updates_in_order_and_hand_over_the_reminders(
        api: FakeBotApi, tmp_path: Path, pg_url: str) -> None:
    workers, hooks = start_workers(api, tmp_path, pg_url, 3)
    try:
        code = workers[0].invite("member")
        turn = itertools.cycle(hooks)
        posted = 0

        def deliver(body: dict[str, Any]) -> None:
            nonlocal posted
            assert post(next(turn), api.new_update(body), SECRET) == 200  # handled before the 200
            posted += 1

        rogelio = Person(api, 7901, deliver=deliver)
        join_and_onboard(rogelio, code)
        for answer in KIT5_ANSWERS[:8]:
            rogelio.answer(answer)
        (state,) = asyncio.run(query(pg_url, "SELECT state FROM flow_runs WHERE flow_id = 'kit5'"))[0]
        stored = (state if isinstance(state, dict) else json.loads(state))["answers"]
        assert stored["mecanismos"] == ["mesas_de_trabajo", "encuesta"]
        assert [stored[k] for k in ("titulo", "problema", "linea_base", "causas", "poblacion_afectada")] \
            == list(KIT5_ANSWERS[1:6])
        said = "\n".join(m.get("text", "") for m in api.sent_to(rogelio.id))
        assert "Inténtalo de nuevo" not in said
        steps = [said.index(f"Paso {n} de") for n in range(2, 9)]
        assert steps == sorted(steps)

        handled = 0
        for hook in hooks:  # each process serves /healthz and its own /metrics
            base = hook.rsplit("/", 1)[0]
            assert get(f"{base}/healthz") == (200, "ok\n")
            status, body = get(f"{base}/metrics")
            assert status == 200 and "cocrea_outbox_depth 0" in body
            handled += int(float(next(line for line in body.splitlines()
                                      if line.startswith("cocrea_updates_total ")).split()[1]))
        assert handled == posted  # every update handled once, by exactly one process

        # -- the reminders leader dies; another process takes over --------------------------------------
        leaders = asyncio.run(query(pg_url, LEADERS, name=f"{LEADER_NAME}%"))
        assert len(leaders) == 1
        pid = int(leaders[0][0].rsplit(":", 1)[1])
        leader = next(w for w in workers if w.process is not None and w.process.pid == pid)
        assert leader.stop(signal.SIGKILL) == -signal.SIGKILL

        (secretariat,) = asyncio.run(query(pg_url, "SELECT id FROM secretariats"))[0]
        now = datetime.now(UTC)
        asyncio.run(query(pg_url, "UPDATE secretariats SET timezone = 'UTC', quiet_hours = :window",  # open now
                          window=f"{now - timedelta(hours=1):%H:%M}-{now + timedelta(hours=2):%H:%M}"))
        for n in range(5):
            asyncio.run(query(
                pg_url, "INSERT INTO outbox (key, kind, secretariat_id, channel, address, item_kind, item_id, period, "
                "rule, due_at, body, status, attempts, next_attempt_at, created_at) VALUES (:key, 'digest', :s, "
                "'telegram', :chat, 'digest', :s, :period, 'digest', :now, :body, 'pending', 0, :now, :now)",
                key=f"test-{n}", s=secretariat, chat="7902", period=date(2026, 1, 5 + n), now=now,
                body=f"Resumen de prueba {n}"))
        api.wait("the other processes to send the digests",
                 lambda: len(api.sent_to(7902)) >= 5, timeout=90)  # the next tick, within 30 s
        sent = sorted(m["text"] for m in api.sent_to(7902))
        assert sent == [f"Resumen de prueba {n}" for n in range(5)]  # each once
        assert asyncio.run(query(pg_url, "SELECT count(*) FROM outbox WHERE status = 'sent'"))[0][0] == 5
        leaders = asyncio.run(query(pg_url, LEADERS, name=f"{LEADER_NAME}%"))
        assert len(leaders) == 1 and int(leaders[0][0].rsplit(":", 1)[1]) != pid

        for worker in workers:
            if worker.process is not None:
                assert worker.stop() == 0  # SIGTERM: a graceful stop
    finally:
        for worker in workers:
            if worker.process is not None:
                worker.process.kill()
                worker.process.wait(timeout=30)
