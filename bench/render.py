"""8. Another chat's reply while one person's /grafica is drawn, on SQLite and PostgreSQL.

Ana asks for the chart of an indicator again and again; drawing it takes `DRAW` seconds (the real
chart, plus a pause standing for a slow machine or a big export). Meanwhile Beto, in another chat,
sends /ayuda and a glossary question, one after the other; each of his replies is timed from his
update to the reply. Baseline: Beto alone, nobody drawing. The goal is that it does not grow
(compare with the code before the change); drawing still takes the GIL now and then. A drawing
done inside the unit of work holds SQLite's single writer, so Beto waits for it; drawn after the
commit, nobody waits.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, date, datetime
from typing import Any

from bench.common import Row, migrated_url, percentile, pg_available, session_factory
from bot.conversation import Conversation
from flows.inputs import Command, Text
from flows.loader import load_checked
from flows.model import Content
from storage import UnitOfWork
from storage.models import Indicator, IndicatorReport

DRAW = 0.5  # seconds each chart takes
CHARTS = 8
PAUSE = 0.01  # between two of Beto's updates


async def seed(sessions: Any) -> int:
    """A secretariat with one indicator that has reports; Ana and Beto in it. The indicator's id."""
    async with UnitOfWork(sessions) as uow:
        secretariat = await uow.secretariats.add("STL Xalapa")
        people = [await uow.people.create(key, name=name) for key, name in (("cli:ana", "Ana"), ("cli:beto", "Beto"))]
        for person in people:
            person.consent_at = datetime(2026, 1, 1, tzinfo=UTC)
            await uow.memberships.add(person, secretariat, "member")
        commitment = await uow.commitments.create(secretariat.id, created_by=people[0].id)
        await uow.commitments.update_fields(commitment, {"title": "Agua con horarios públicos"})
        indicator = Indicator(commitment_id=commitment.id, name="Colonias con horario publicado", unit="colonias",
                              baseline=0, target=14, frequency="trimestral", first_due=date(2026, 3, 31))
        uow.session.add(indicator)
        await uow.session.flush()
        uow.session.add_all([IndicatorReport(indicator_id=indicator.id, period_due=when, value=value,
                                             person_id=people[0].id, reported_at=datetime(2026, 10, 1, tzinfo=UTC))
                             for when, value in ((date(2026, 3, 31), 4), (date(2026, 6, 30), 9))])
        return indicator.id


def slow_drawing() -> None:
    """The real chart, then DRAW seconds more (in the drawing's own thread, as a slow chart would)."""
    from bot.commands import grafica

    draw = grafica.indicator_png

    def slow(*args: Any) -> bytes:
        started = time.perf_counter()
        image = bytes(draw(*args))
        time.sleep(max(0.0, DRAW - (time.perf_counter() - started)))
        return image

    grafica.indicator_png = slow  # type: ignore[attr-defined]


async def beto(conversation: Conversation, latencies: list[float], while_drawing: asyncio.Task[Any] | None,
               count: int = 0) -> None:
    """Beto's updates: while the chart is drawn, or `count` of them."""
    sent = 0
    while (while_drawing is not None and not while_drawing.done()) or sent < count:
        inp = Command("ayuda") if sent % 2 == 0 else Text("¿Qué es un hito?")
        started = time.perf_counter()
        await conversation.handle("cli:beto", inp)
        latencies.append(time.perf_counter() - started)
        sent += 1
        await asyncio.sleep(PAUSE)


async def measure(content: Content, url: str) -> dict[str, float]:
    async with session_factory(url) as sessions:
        number = await seed(sessions)
        conversation = Conversation(lambda: content, sessions)
        await conversation.handle("cli:ana", Command("grafica", str(number)))  # matplotlib loaded once, before
        alone: list[float] = []
        await beto(conversation, alone, None, count=40)
        during: list[float] = []
        for _ in range(CHARTS):
            chart = asyncio.create_task(conversation.handle("cli:ana", Command("grafica", str(number))))
            await asyncio.sleep(PAUSE)  # Ana's update is in: her chart is being drawn
            await beto(conversation, during, chart)
            reply = await chart
            assert reply.messages and reply.messages[-1].attachment is not None, "no chart was drawn"
    return {"p50": percentile(during, 50) * 1000, "p99": percentile(during, 99) * 1000,
            "alone_p50": percentile(alone, 50) * 1000, "alone_p99": percentile(alone, 99) * 1000,
            "n": len(during)}


def run() -> list[Row]:
    content = load_checked()
    slow_drawing()
    rows: list[Row] = []
    for backend in ["sqlite"] + (["postgresql"] if pg_available() else []):
        url, drop = migrated_url(backend, "render")
        try:
            m = asyncio.run(measure(content, url))
        finally:
            drop()
        note = (f"{m['n']:.0f} replies to another chat during {CHARTS} charts of {DRAW} s each; baseline: the "
                f"same chat with nobody drawing")
        rows += [
            Row(f"another chat while /grafica draws, {backend}: p50 ms", m["p50"], "ms", m["alone_p50"], note=note),
            Row(f"another chat while /grafica draws, {backend}: p99 ms", m["p99"], "ms", m["alone_p99"]),
        ]
    return rows
