"""Erasure reaches the outbox: digests and reminders for other people that named the person.

Carla Reyes Ortiz joins a secretariat and reports an indicator; the real planner renders the
coordinator's and the group's weekly digests («…, de Carla Reyes Ortiz», «Se unieron: Carla Reyes
Ortiz»): one week's already sent, the next week's still pending. /mis_datos lists those messages;
after /borrar_mis_datos confirmar a scan of every cell of every table finds neither her name nor
her Telegram id, and the pending digest goes out saying «una persona que borró sus datos».
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select, update

from bot.conversation import Conversation
from bot.scheduler import tick
from bot.scheduler.planner import plan_all
from flows.inputs import Command
from flows.loader import default_content_dir
from flows.reminders.config import load_reminders
from storage import UnitOfWork
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
from storage.repositories.personal_data import ERASED_NAME
from tests.bot.scheduler.test_scheduler import no_wait
from tests.bot.test_conversation import Member
from tests.channels import fake_telegram
from tests.hardening.conftest import CONTENT, Clock, cells_holding
from tests.storage.conftest import Db

CONFIG, _ = load_reminders(default_content_dir())
assert CONFIG is not None
TG_ID, COORDINATOR, GROUP = 660_512_377, 1001, -100_777
NAME = "Carla Reyes Ortiz"
SECRETARIAT = "STL Borrado"
# Mondays; the digest is due at 09:00 in Mexico City (15:00 UTC), planned by a tick at 16:00 UTC.
JOINED = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
WEEK_SENT = datetime(2026, 3, 9, 16, 0, tzinfo=UTC)
WEEK_PENDING = datetime(2026, 3, 16, 16, 0, tzinfo=UTC)


class Sent:
    """The dispatcher's send, recording what would have gone out."""

    def __init__(self) -> None:
        self.texts: list[tuple[int, str]] = []

    async def __call__(self, chat_id: int, text: str, attachment: bytes | None) -> None:
        self.texts.append((chat_id, text))


async def secretariat_with_a_coordinator(sessions: Any) -> str:
    """Ana Torres coordinates; a commitment in implementation with an indicator and a milestone; an invite."""
    async with UnitOfWork(sessions) as uow:
        s = uow.session
        stl = Secretariat(name=SECRETARIAT, timezone="America/Mexico_City", group_chat_id=GROUP)
        ana = Person(key=f"tg:{COORDINATOR}", telegram_id=COORDINATOR, name="Ana Torres", sector="gobierno",
                     active=True, consent_at=JOINED)
        s.add_all([stl, ana])
        await s.flush()
        s.add(PersonAddress(person_id=ana.id, channel="telegram", address=str(COORDINATOR)))
        s.add(Membership(person_id=ana.id, secretariat_id=stl.id, role="coordinator",
                         joined_at=datetime(2026, 1, 5, tzinfo=UTC)))
        works = Commitment(secretariat_id=stl.id, title="Obra pública abierta", status="en_implementacion",
                           created_by=ana.id, fields={})
        s.add(works)
        await s.flush()
        s.add_all([
            Indicator(commitment_id=works.id, name="Solicitudes atendidas", unit="%", baseline=0, target=100,
                      frequency="mensual", first_due=date(2026, 3, 10), last_due=date(2026, 6, 10), dates=[],
                      created_by=ana.id),
            Milestone(commitment_id=works.id, output="Portal de obra publicado", due_date=date(2026, 3, 20),
                      created_by=ana.id),
        ])
        _, code = await uow.invites.create(stl, "member", now=JOINED)
    return code


async def carla_joins_and_reports(sessions: Any, code: str) -> Member:
    carla = Member(Conversation(lambda: CONTENT, sessions, clock=Clock(JOINED)), f"tg:{TG_ID}")
    await carla.send(Command("start", code))
    await carla.tap("Sí")
    await carla.send(NAME)
    await carla.tap("Sociedad civil")
    async with UnitOfWork(sessions) as uow:
        s = uow.session
        person = await uow.people.get(f"tg:{TG_ID}")
        assert person is not None and person.name == NAME
        await s.execute(update(Membership).where(Membership.person_id == person.id).values(joined_at=JOINED))
        indicator = await s.scalar(select(Indicator))
        assert indicator is not None
        indicator.reporter_id = person.id
        s.add_all([
            IndicatorReport(indicator_id=indicator.id, period_due=date(2026, 3, 10), value=40, person_id=person.id,
                            reported_at=datetime(2026, 3, 4, 12, tzinfo=UTC)),
            IndicatorReport(indicator_id=indicator.id, period_due=date(2026, 4, 10), value=55, person_id=person.id,
                            reported_at=datetime(2026, 3, 11, 12, tzinfo=UTC)),
        ])
    return carla


async def others_bodies(sessions: Any) -> list[tuple[str, str]]:
    """(status, body) of every digest and reminder for someone other than Carla."""
    async with UnitOfWork(sessions) as uow:
        rows = await uow.session.scalars(select(OutboxMessage).where(OutboxMessage.address != str(TG_ID))
                                         .order_by(OutboxMessage.id))
        return [(row.status, row.body) for row in rows]


async def test_erasure_rewrites_the_digests_that_named_them(db: Db) -> None:
    sessions = db.factory
    carla = await carla_joins_and_reports(sessions, await secretariat_with_a_coordinator(sessions))
    sent = Sent()
    await tick(sessions, CONFIG, fake_telegram(sent), now=WEEK_SENT, limiter=no_wait())  # week 1: rendered and sent
    await plan_all(sessions, CONFIG, now=WEEK_PENDING)  # week 2: rendered, not sent yet
    bodies = await others_bodies(sessions)
    digests = [(status, body) for status, body in bodies if body.startswith("Resumen semanal")]
    assert {status for status, _ in digests} == {"sent", "pending"} and len(digests) == 4  # coordinator and group
    assert all(f"de {NAME}" in body for _, body in digests)
    assert any(f"Se unieron: {NAME}." in body for _, body in digests)
    assert any(body.startswith("Hola, Ana Torres") for _, body in bodies)  # the coordinator's own reminders
    assert any(NAME in text for _, text in sent.texts)

    said = await carla.send("/mis_datos")
    assert "te nombran (resúmenes y recordatorios): 4" in said
    (exported,) = [m.attachment for m in carla.reply.messages if m.attachment is not None]
    mentions = json.loads(exported.data.decode("utf-8"))["mensajes_que_te_nombran"]
    assert sorted(m["status"] for m in mentions) == ["pending", "pending", "sent", "sent"]
    assert all(any(f"de {NAME}" in line for line in m["lineas_que_te_nombran"]) for m in mentions)
    assert not any("Portal de obra" in line for m in mentions for line in m["lineas_que_te_nombran"])

    assert "tu nombre cambiará por «una persona que borró sus datos»" in await carla.send("/borrar_mis_datos")
    assert await cells_holding(sessions, NAME)  # nothing changes without the confirmation
    assert "borré tu nombre" in await carla.send(Command("borrar_mis_datos", "confirmar"))

    assert await cells_holding(sessions, str(TG_ID), NAME, "Reyes", "Ortiz") == []
    bodies = await others_bodies(sessions)
    digests = [body for _, body in bodies if body.startswith("Resumen semanal")]
    assert len(digests) == 4 and all(f"de {ERASED_NAME}" in body for body in digests)
    assert any(f"Se unieron: {ERASED_NAME}." in body for body in digests)
    assert all("Ana Torres" in body for _, body in bodies if body.startswith("Hola,"))  # others keep their names

    sent.texts.clear()
    await tick(sessions, CONFIG, fake_telegram(sent), now=WEEK_PENDING, limiter=no_wait())  # the pending digests go out
    delivered = [text for chat, text in sent.texts if text.startswith("Resumen semanal")]
    assert len(delivered) == 2 and all(ERASED_NAME in text and NAME not in text for text in delivered)
    assert await cells_holding(sessions, str(TG_ID), NAME) == []  # the next plan brings nothing of hers back


async def test_only_the_whole_name_is_rewritten(db: Db) -> None:
    """«Ana» is erased; «Mariana», «Anaya» and «Ana» inside other words stay; any blank between words."""
    async with UnitOfWork(db.factory) as uow:
        s = uow.session
        stl = Secretariat(name=SECRETARIAT)
        ana = Person(key="tg:5", telegram_id=5, name="Ana  Luz", active=True)
        other = Person(key="tg:6", telegram_id=6, name="Mariana Anaya", active=True)
        s.add_all([stl, ana, other])
        await s.flush()
        body = ("Se unieron: Mariana Anaya, Ana Luz, Ana\u00a0Luz.\n• Luz: 3 (periodo del 1 de marzo), de Ana Luzma\n"
                "• Alumbrado: 2, de Ana Luz\n• Diana Luz: 1")
        s.add(OutboxMessage(key="d:1", kind="digest", secretariat_id=stl.id, person_id=other.id, channel="telegram",
                            address="6", item_kind="digest", item_id=stl.id, rule="digest", due_at=WEEK_PENDING,
                            body=body,
                            next_attempt_at=WEEK_PENDING))
    async with UnitOfWork(db.factory) as uow:
        person = await uow.people.get("tg:5")
        assert person is not None
        assert (await uow.personal.summary(person)).mentions == 1
        assert (await uow.personal.erase(person)).mentions == 1
    async with UnitOfWork(db.factory) as uow:
        (row,) = await uow.session.scalars(select(OutboxMessage))
    assert row.body == (f"Se unieron: Mariana Anaya, {ERASED_NAME}, {ERASED_NAME}.\n"
                        "• Luz: 3 (periodo del 1 de marzo), de Ana Luzma\n"
                        f"• Alumbrado: 2, de {ERASED_NAME}\n• Diana Luz: 1")
