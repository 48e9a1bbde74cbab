"""/difundir is durable: a `cocrea run` killed (SIGKILL) in the middle of a broadcast sends the rest
after a restart, and every person gets the message exactly once (the fake Bot API counts).

The broadcast is confirmed through Telegram; the process is then killed with part of it sent, at
a moment when what Telegram received and what the outbox marked agree (the process is frozen with
SIGSTOP to look, so nothing is in flight when it dies: a message in flight at a crash is the one
case the outbox sends again, see bot/scheduler/dispatcher.py).
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from bot.scheduler.leader import LEADER_NAME
from flows.state import RunState
from storage import UnitOfWork, make_engine, make_session_factory
from tests.bot.telegram.e2e.conftest import Cocrea, Person
from tests.bot.telegram.e2e.fake_api import FakeBotApi
from tests.deploy.test_workers import query

COORDINATOR = 8000
MEMBERS = [8101 + n for n in range(12)]
HEADER = "📣 Mensaje de Carmen para STL Xalapa"


async def seed(url: str) -> None:
    """A secretariat, its coordinator Carmen and twelve members active today."""
    engine = make_engine(url)
    try:
        async with UnitOfWork(make_session_factory(engine)) as uow:
            secretariat = await uow.secretariats.add("STL Xalapa")
            for user_id, name, role in [(COORDINATOR, "Carmen", "coordinator"),
                                        *((m, f"Persona {m}", "member") for m in MEMBERS)]:
                person = await uow.people.get_or_create(f"tg:{user_id}", name=name)
                person.consent_at = datetime.now(UTC)
                await uow.memberships.add(person, secretariat, role)
                if role == "member":
                    await uow.runs.start(person, flow_id="kit1", content_version="v1",
                                         state=RunState(flow_id="kit1", step_id=None), secretariat_id=secretariat.id)
    finally:
        await engine.dispose()


def broadcast_texts(api: FakeBotApi) -> list[tuple[int, str]]:
    """Every sendMessage call that carried the broadcast to a member: (chat, text); the preview aside."""
    return [(int(p["chat_id"]), str(p.get("text", ""))) for p in api.of("sendMessage")
            if str(p.get("text", "")).startswith(HEADER) and int(p["chat_id"]) != COORDINATOR]


def broadcasts(api: FakeBotApi) -> Counter[int]:
    """How many times each chat got the broadcast."""
    return Counter(chat for chat, _ in broadcast_texts(api))


def sent_rows(url: str) -> int:
    sql = "SELECT count(*) FROM outbox WHERE kind = 'broadcast' AND status = 'sent'"
    return int(asyncio.run(query(url, sql))[0][0])


def test_a_broadcast_killed_half_way_completes_after_a_restart_each_message_once(
        api: FakeBotApi, tmp_path: Path, pg_url: str) -> None:
    cocrea = Cocrea(api, tmp_path)
    cocrea.env.update(COCREA_DATABASE_URL=pg_url, COCREA_RATE_LIMIT="2")  # 2 a second: the kill falls mid-way
    cocrea.cli("db", "upgrade")
    asyncio.run(seed(pg_url))
    try:
        cocrea.start()
        carmen = Person(api, COORDINATOR, first_name="Carmen")
        carmen.send("/difundir Mañana la sesión empieza a las 10:00.")
        assert "12 personas activas de STL Xalapa" in carmen.wait_for("/difundir confirmar")
        carmen.send("/difundir confirmar")
        carmen.wait_for("va en camino a 12 personas de STL Xalapa")

        process = cocrea.process
        assert process is not None
        for _ in range(20):  # freeze it where Telegram's count and the outbox's marks agree, then kill
            api.wait("part of the broadcast", lambda: sum(broadcasts(api).values()) >= 2, timeout=90)
            seen = sum(broadcasts(api).values())
            if seen != sent_rows(pg_url):
                continue  # a message between Telegram's answer and its mark: look again
            process.send_signal(signal.SIGSTOP)
            time.sleep(1.0)  # a request written just before the freeze still arrives
            if sum(broadcasts(api).values()) == seen == sent_rows(pg_url):
                break
            process.send_signal(signal.SIGCONT)
            time.sleep(1.0)
        else:
            raise AssertionError("never found the process between two messages")
        assert cocrea.stop(signal.SIGKILL) == -signal.SIGKILL
        before = broadcasts(api)
        assert 0 < sum(before.values()) < len(MEMBERS), before  # killed half-way
        assert set(before.values()) == {1}

        leaders = asyncio.run(query(pg_url, "SELECT count(*) FROM pg_stat_activity "
                                    "WHERE datname = current_database() AND application_name LIKE :n",
                                    n=f"{LEADER_NAME}%"))
        assert leaders[0][0] == 0  # the dead process's lock is gone with it

        cocrea.start()
        api.wait("the rest of the broadcast", lambda: sum(broadcasts(api).values()) >= len(MEMBERS), timeout=90)
        assert cocrea.stop() == 0
        assert broadcasts(api) == Counter({member: 1 for member in MEMBERS})  # everyone, each once
        assert sent_rows(pg_url) == len(MEMBERS)
        assert all(text.endswith("Mañana la sesión empieza a las 10:00.") for _, text in broadcast_texts(api))
    finally:
        if cocrea.process is not None:
            cocrea.process.send_signal(signal.SIGCONT)
            cocrea.process.kill()
            cocrea.process.wait(timeout=30)
