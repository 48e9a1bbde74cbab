"""Privacy (derechos ARCO): /mis_datos gives the person a JSON file of everything Cocrea holds about
them; /borrar_mis_datos, once confirmed, leaves no cell of any table with their Telegram id or name,
while the secretariat's commitment stays (anonymous). Logs carry no message texts.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.conversation import Conversation
from flows.inputs import Command
from storage import UnitOfWork
from storage.models import Commitment, CommitmentChange, Indicator, IndicatorReport, OutboxMessage, Signoff
from tests.bot.test_conversation import Member
from tests.hardening.conftest import CONTENT, Clock, cells_holding

TG_ID = 770_042_913
NAME = "Xochiquetzal Ñandúbay"
ANSWER = "Respuesta-Única-Zentli-4471"
SECRETARIAT = "STL Privacidad"


async def active_member(sessions: Any, conversation: Conversation) -> Member:
    """Joined by invite, onboarded, with a Kit 5 commitment started and rows that point at them."""
    async with UnitOfWork(sessions) as uow:
        secretariat = await uow.secretariats.add(SECRETARIAT)
        _, code = await uow.invites.create(secretariat, "coordinator", now=datetime(2026, 3, 1, tzinfo=UTC))
    me = Member(conversation, f"tg:{TG_ID}")
    await me.send(Command("start", code))
    await me.tap("Sí")
    await me.send(NAME)
    await me.tap("Sociedad civil")
    await me.send(Command("continuar", "5"))
    await me.send("1")
    assert "Paso 3" in await me.send(ANSWER)  # Kit 5's second question takes a text
    async with UnitOfWork(sessions) as uow:
        person = await uow.people.get(f"tg:{TG_ID}")
        secretariat = await uow.secretariats.named(SECRETARIAT)
        assert person is not None and secretariat is not None and person.name == NAME
        commitment = await uow.commitments.create(secretariat.id, created_by=person.id)
        await uow.commitments.update_fields(commitment, {"title": "Mercados con precios abiertos"}, person=person)
        indicator = Indicator(commitment_id=commitment.id, name="Mercados con precios", created_by=person.id,
                              reporter_id=person.id)
        uow.session.add(indicator)
        await uow.session.flush()
        uow.session.add_all([
            Signoff(commitment_id=commitment.id, person_id=person.id, name=NAME, sector="sociedad_civil",
                    decision="aprueba"),
            IndicatorReport(indicator_id=indicator.id, period_due=date(2026, 6, 30), value=3, person_id=person.id),
            OutboxMessage(key=f"r:test:{TG_ID}", kind="reminder", secretariat_id=secretariat.id, person_id=person.id,
                          channel="telegram", address=str(TG_ID), item_kind="indicator", item_id=indicator.id,
                          rule="before",
                          due_at=datetime(2026, 6, 20, tzinfo=UTC), body=f"Hola {NAME}, toca reportar.",
                          next_attempt_at=datetime(2026, 6, 20, tzinfo=UTC)),
        ])
        await uow.invites.create(secretariat, "member", created_by=person.id, now=datetime(2026, 3, 1, tzinfo=UTC))
    return me


async def test_mis_datos_sends_everything_as_a_json_file(sessions: Any) -> None:
    conversation = Conversation(lambda: CONTENT, sessions, clock=Clock())
    me = await active_member(sessions, conversation)
    said = await me.send("/mis_datos")
    assert NAME in said and "mis_datos.json" in said
    files = [m.attachment for m in me.reply.messages if m.attachment is not None]
    assert [(f.filename, f.kind) for f in files] == [("mis_datos.json", "document")]
    data = json.loads(files[0].data.decode("utf-8"))
    assert data["persona"]["name"] == NAME and data["persona"]["telegram_id"] == TG_ID
    assert [m["secretariado"] for m in data["secretariados"]] == [SECRETARIAT]
    assert ANSWER in json.dumps(data["recorridos"], ensure_ascii=False)
    for section in ("compromisos_creados", "cambios_a_compromisos", "firmas", "indicadores_creados",
                    "reportes_de_indicadores", "invitaciones_creadas", "recordatorios"):
        assert data[section], f"{section} vacío"
    assert all("code_hash" not in invite for invite in data["invitaciones_creadas"])


async def test_after_erasure_no_cell_of_any_table_holds_their_id_or_name(sessions: Any) -> None:
    conversation = Conversation(lambda: CONTENT, sessions, clock=Clock())
    me = await active_member(sessions, conversation)
    assert await cells_holding(sessions, str(TG_ID), NAME)  # the scan does find them before
    assert "Esto no se puede deshacer" in await me.send("/borrar_mis_datos")
    assert await cells_holding(sessions, NAME)  # nothing is erased without the confirmation
    assert "borré tu nombre" in await me.send(Command("borrar_mis_datos", "confirmar"))
    assert await cells_holding(sessions, str(TG_ID), NAME, ANSWER) == []
    async with UnitOfWork(sessions) as uow:  # the shared commitment stays, with no author
        commitment = await uow.session.scalar(select(Commitment).where(Commitment.title.is_not(None)))
        assert commitment is not None and commitment.created_by is None
        changes = list(await uow.session.scalars(select(CommitmentChange)))
        assert changes and all(c.person_id is None for c in changes)
        signoff = await uow.session.scalar(select(Signoff))
        assert signoff is not None and signoff.name is None and signoff.sector == "sociedad_civil"


# The levels a deployment logs at (cocrea: WARNING by default, INFO when asked). DEBUG is for a developer
# on their own machine: aiosqlite and SQLAlchemy then print SQL parameters, answers included.
@pytest.mark.parametrize("level", [logging.INFO, logging.WARNING])
async def test_logs_hold_no_message_texts(sessions: Any, caplog: pytest.LogCaptureFixture, level: int) -> None:
    caplog.set_level(level)
    conversation = Conversation(lambda: CONTENT, sessions, clock=Clock())
    me = await active_member(sessions, conversation)
    await me.send(f"glosario {ANSWER}")
    await me.send("/mis_datos")
    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert ANSWER not in logged and NAME not in logged
