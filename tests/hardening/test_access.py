"""Who may use which command, and that nobody outside a secretariat sees anything of it.

ROLE_NEEDED is the design: the role each registered command needs. Every command of the registry is
tried by an outsider (no secretariat), a member and a coordinator of secretariat B, and an admin
(also a member of B), with no arguments and with arguments naming secretariat A's rows (its
commitment, indicator and milestone ids, and words that would change them). The gate refuses as
designed; no reply, file or delivery to B's outsider, member or coordinator names anything of A (an
admin may, by design: /estadisticas, /difundir <número>); A's records never change.
A command missing from ROLE_NEEDED fails the test, so a new command is covered from the start.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.commands import ADMIN, ANYONE, COMMANDS, COORDINATOR, MEMBER
from bot.conversation import Conversation, Reply
from flows.inputs import Command
from storage import UnitOfWork
from storage.models import (
    Commitment,
    Indicator,
    IndicatorReport,
    Membership,
    Milestone,
    OutboxMessage,
    Secretariat,
    Signoff,
)
from tests.bot.plan_seed import person_in
from tests.hardening.conftest import CONTENT, Clock

ROLE_NEEDED = {
    "aprobar": COORDINATOR, "avance_irm": COORDINATOR, "borrar_mis_datos": ANYONE, "compromiso": MEMBER,
    "enmienda": COORDINATOR,
    "compromisos": MEMBER, "diagnostico_grupo": COORDINATOR, "difundir": ANYONE, "estadisticas": ADMIN,
    "estado": COORDINATOR, "exportar": COORDINATOR, "firmar": MEMBER, "grafica": MEMBER, "grupo": COORDINATOR,
    "indicadores": MEMBER, "invitar": COORDINATOR, "mis_datos": ANYONE, "recargar": ADMIN, "reportar": MEMBER,
    "resumen": COORDINATOR, "revision": COORDINATOR, "secretariado": MEMBER, "vincular": ANYONE,
    "avisos": MEMBER, "comentar": MEMBER, "comentario": MEMBER, "marcar": COORDINATOR,
    # built in: anyone who accepted the privacy notice
    "autodiagnostico": ANYONE, "ayuda": ANYONE, "continuar": ANYONE, "glosario": ANYONE, "help": ANYONE,
    "kits": ANYONE, "progreso": ANYONE, "start": ANYONE,
}
SECRET = "Zapotal"  # in every name of secretariat A
ADMIN_ID = 900
PEOPLE = {"outsider": 2003, "member": 2002, "coordinator": 2001, "admin": ADMIN_ID}
REFUSALS = {key: str(CONTENT.ui["bot"][key]) for key in ("admins_only", "needs_secretariat", "coordinators_only")}


def refusal_for(role: str, who: str) -> str | None:
    """The gate's refusal (a ui.yaml bot key) when `who` uses a command needing `role`; None: allowed."""
    if role == ADMIN:
        return None if who == "admin" else "admins_only"
    if role in (MEMBER, COORDINATOR) and who == "outsider":
        return "needs_secretariat"
    if role == COORDINATOR and who != "coordinator":
        return "coordinators_only"
    return None


async def seed(sessions: Any) -> dict[str, int]:
    """Secretariat A (everything named …Zapotal) and secretariat B with its own small plan."""
    async with UnitOfWork(sessions) as uow:
        a = await uow.secretariats.add(f"STL Alfa {SECRET}")
        b = await uow.secretariats.add("STL Beta")
        a_id, b_id = a.id, b.id
    await person_in(sessions, "tg:1001", a_id, "coordinator", name=f"Persona-Secreta-{SECRET}")
    await person_in(sessions, "tg:1002", a_id, "member", name=f"Otra-{SECRET}")
    await person_in(sessions, "tg:2001", b_id, "coordinator", name="Berta Beta")
    await person_in(sessions, "tg:2002", b_id, "member", name="Bruno Beta")
    await person_in(sessions, f"tg:{ADMIN_ID}", b_id, "member", name="Admin Beta")
    await person_in(sessions, "tg:2003", None, name="Olga Fuera")
    ids: dict[str, int] = {}
    async with UnitOfWork(sessions) as uow:
        author = await uow.people.get("tg:1001")
        for secretariat_id, prefix in ((a_id, f"Compromiso-Secreto-{SECRET}"), (b_id, "Compromiso de Beta")):
            mine = author.id if author and secretariat_id == a_id else None
            commitment = await uow.commitments.create(secretariat_id, created_by=mine)
            await uow.commitments.update_fields(commitment, {
                "title": prefix, "problem": f"Problema {prefix}", "objective": f"Objetivo {prefix}",
                "start_date": "2026-01-15", "end_date": "2027-06-30"})
            indicator = Indicator(commitment_id=commitment.id, name=f"Indicador {prefix}", unit="colonias",
                                  baseline=0, target=10, first_due=date(2026, 3, 31), last_due=date(2026, 12, 31))
            milestone = Milestone(commitment_id=commitment.id, output=f"Hito {prefix}", due_date=date(2026, 6, 30))
            uow.session.add_all([indicator, milestone])
            await uow.session.flush()
            uow.session.add_all([
                IndicatorReport(indicator_id=indicator.id, period_due=date(2026, 3, 31), value=4,
                                note=f"Nota {prefix}", reported_at=datetime(2026, 4, 1, tzinfo=UTC)),
                Signoff(commitment_id=commitment.id, name=f"Firma {prefix}", sector="gobierno", decision="aprueba"),
            ])
            if secretariat_id == a_id:
                ids.update(commitment=commitment.id, indicator=indicator.id, milestone=milestone.id)
    return {**ids, "a": a_id}


async def snapshot(sessions: Any, secretariat_id: int) -> list[str]:
    """Every column of every record of one secretariat, as text, for before/after comparisons."""
    rows: list[str] = []
    async with UnitOfWork(sessions) as uow:
        commitments = select(Commitment.id).where(Commitment.secretariat_id == secretariat_id)
        indicators = select(Indicator.id).where(Indicator.commitment_id.in_(commitments))
        for query in (select(Secretariat).where(Secretariat.id == secretariat_id),
                      select(Commitment).where(Commitment.id.in_(commitments)),
                      select(Indicator).where(Indicator.id.in_(indicators)),
                      select(Milestone).where(Milestone.commitment_id.in_(commitments)),
                      select(IndicatorReport).where(IndicatorReport.indicator_id.in_(indicators)),
                      select(Signoff).where(Signoff.commitment_id.in_(commitments)),
                      select(Membership).where(Membership.secretariat_id == secretariat_id)):
            for row in await uow.session.scalars(query):
                rows.append(repr({c.key: getattr(row, c.key) for c in row.__table__.columns}))
    return sorted(rows)


async def broadcasts_after(sessions: Any, after: int) -> list[OutboxMessage]:
    """The broadcast rows (messages to other people, /difundir) queued with an id above `after`."""
    async with UnitOfWork(sessions) as uow:
        return list(await uow.session.scalars(select(OutboxMessage).where(
            OutboxMessage.kind == "broadcast", OutboxMessage.id > after).order_by(OutboxMessage.id)))


def everything_in(reply: Reply, queued: Sequence[OutboxMessage] = ()) -> str:
    """Every text of a reply: messages, the broadcasts it queued and the files' contents (unzipped, for xlsx)."""
    parts = [m.text for m in reply.messages] + [row.body for row in queued]
    for message in reply.messages:
        if message.attachment is None:
            continue
        data = message.attachment.data
        if data[:2] == b"PK":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                parts += [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()]
        else:
            parts.append(data.decode("utf-8", "replace"))
    return "\n".join(parts)


def test_every_registered_command_has_its_designed_role() -> None:
    assert {name: spec.role for name, spec in COMMANDS.items()} == ROLE_NEEDED


@pytest.mark.parametrize("command", sorted(COMMANDS))
async def test_access_matrix_and_no_data_of_another_secretariat(sessions: Any, command: str) -> None:
    assert command in ROLE_NEEDED, f"/{command} no está en ROLE_NEEDED: di qué rol necesita"
    ids = await seed(sessions)
    before = await snapshot(sessions, ids["a"])
    conversation = Conversation(lambda: CONTENT, sessions, clock=Clock(), admins=frozenset({ADMIN_ID}))
    foreign = [str(ids["commitment"]), str(ids["indicator"]), str(ids["milestone"])]
    argument_lists = ["", *foreign, f"{ids['commitment']} concluido", f"{ids['commitment']} sustancial",
                      f"{ids['indicator']} 7", f"{ids['commitment']} aprueba", "todos", "csv", "json", "md", "xlsx"]
    if command == "borrar_mis_datos":
        argument_lists = [""]  # "confirmar" erases the person: tested in test_privacy.py
    last = 0  # the last broadcast row seen
    for who, user_id in PEOPLE.items():
        expected = refusal_for(ROLE_NEEDED[command], who)
        for args in argument_lists:
            where = f"{who} /{command} {args}".strip()
            reply = await conversation.handle(f"tg:{user_id}", Command(command, args))
            queued = await broadcasts_after(sessions, last)
            last = max([last, *(row.id for row in queued)])
            said = everything_in(reply, queued)
            assert said.strip(), f"{where}: sin respuesta"
            if expected is not None:
                assert REFUSALS[expected] in said, f"{where}: debía negarse ({expected}); dijo {said[:300]!r}"
            elif ROLE_NEEDED[command] != ANYONE:
                gate = [key for key, text in REFUSALS.items() if text in said]
                assert not gate, f"{where}: se negó ({gate}) y debía permitirse"
            if who != "admin":  # admins act across secretariats by design (/estadisticas, /difundir N …)
                assert SECRET not in said, f"{where}: mostró datos del secretariado A: {said[:400]!r}"
                assert {int(row.address) for row in queued}.isdisjoint({1001, 1002}), where
            await conversation.handle(f"tg:{user_id}", Command("difundir", "cancelar"))  # no draft left waiting
    assert await snapshot(sessions, ids["a"]) == before, f"/{command} cambió datos del secretariado A"
