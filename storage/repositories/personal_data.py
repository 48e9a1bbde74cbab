"""What Cocrea keeps about one person, and erasing it when they ask (derechos ARCO).

Erasing deletes the person's row: their runs and memberships go with it (ON DELETE CASCADE),
and every record of the secretariat's plan they authored stays, no longer naming them (ON DELETE
SET NULL on commitments, changes, sign-offs, milestones, indicators, reports, invites and the
audit log). A sign-off also copied the signer's name: that copy is cleared; its sector stays,
because the secretariat's approval record needs it. Their addresses (telegram 123, terminal ana…)
go with the person; their reminders and digests are deleted (a scheduled message holds one of
their addresses, and a text that may greet them by name). Messages for other people that name
them (a coordinator's digest: «…, de Carla Reyes», «Se unieron: Ana, Carla Reyes»), pending or
already sent, are rewritten in the same transaction: their whole name becomes «una persona que
borró sus datos» (see `name_pattern`). If they write again, they start as someone new, from the
privacy notice.

`export` is the other side (acceso): every row that is about them or that they wrote, as plain
JSON values, for the file /mis_datos sends, including the lines of other people's messages that
name them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from storage.errors import translate_errors
from storage.models import (
    Amendment,
    AuditEntry,
    Base,
    Comment,
    Commitment,
    CommitmentChange,
    CommitmentVersion,
    FlowRun,
    Indicator,
    IndicatorReport,
    Invite,
    Membership,
    Milestone,
    NoticeMute,
    OutboxMessage,
    Person,
    PersonAddress,
    RasaLink,
    Secretariat,
    Signoff,
)

# What the export holds, by section: the model and the column that points at the person.
AUTHORED: tuple[tuple[str, type[Base], str], ...] = (
    ("direcciones", PersonAddress, "person_id"),
    ("compromisos_creados", Commitment, "created_by"),
    ("cambios_a_compromisos", CommitmentChange, "person_id"),
    ("firmas", Signoff, "person_id"),
    ("versiones_enviadas_a_revision", CommitmentVersion, "sent_by"),
    ("enmiendas_abiertas", Amendment, "opened_by"),
    ("comentarios", Comment, "person_id"),
    ("avisos_silenciados", NoticeMute, "person_id"),
    ("hitos_creados", Milestone, "created_by"),
    ("indicadores_creados", Indicator, "created_by"),
    ("indicadores_a_reportar", Indicator, "reporter_id"),
    ("reportes_de_indicadores", IndicatorReport, "person_id"),
    ("invitaciones_creadas", Invite, "created_by"),
    ("registro_de_actividad", AuditEntry, "person_id"),
    ("recordatorios", OutboxMessage, "person_id"),
    ("conversaciones_de_rasa_vinculadas", RasaLink, "person_id"),
)
HIDDEN = {"code_hash", "attachment", "claimed_by"}  # never useful to the person (and never the code)
MENTIONS = "mensajes_que_te_nombran"  # the export's section of other people's messages that name them
ERASED_NAME = "una persona que borró sus datos"  # what those messages say instead, once they are erased


@dataclass(frozen=True)
class Summary:
    memberships: list[tuple[str, str]]  # (secretariat name, role)
    runs: int
    changes: int  # commitment fields they wrote
    mentions: int = 0  # messages for other people (digests, reminders) that name them


@dataclass(frozen=True)
class Erased:
    runs: int
    memberships: int
    mentions: int = 0  # messages for other people rewritten without their name


def name_pattern(name: str | None) -> re.Pattern[str] | None:
    """The person's whole name inside a text: never part of a longer word («Ana» is not found in
    «Mariana» or «Anaya»), any run of blanks between its words. None when there is no name."""
    words = (name or "").split()
    if not any(ch.isalnum() for word in words for ch in word):
        return None
    return re.compile(r"(?<!\w)" + r"\s+".join(re.escape(word) for word in words) + r"(?!\w)")


def lines_naming(pattern: re.Pattern[str], body: str) -> list[str]:
    """The lines of `body` where the name appears, each once, in order."""
    found: list[str] = []
    for match in pattern.finditer(body):
        start = body.rfind("\n", 0, match.start()) + 1
        end = body.find("\n", match.end())
        line = body[start:end if end >= 0 else len(body)].strip()
        if line not in found:
            found.append(line)
    return found


class PersonalData:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def summary(self, person: Person) -> Summary:
        rows = await self._session.execute(
            select(Secretariat.name, Membership.role)
            .join(Membership, Membership.secretariat_id == Secretariat.id)
            .where(Membership.person_id == person.id)
            .order_by(Membership.joined_at, Membership.id)
        )
        return Summary(
            memberships=[(str(name), str(role)) for name, role in rows],
            runs=await self._count(FlowRun, FlowRun.person_id == person.id),
            changes=await self._count(CommitmentChange, CommitmentChange.person_id == person.id),
            mentions=len(await self._mentions(person)),
        )

    async def export(self, person: Person) -> dict[str, Any]:
        """Everything Cocrea holds about the person, as JSON values (acceso)."""
        memberships = await self._session.execute(
            select(Membership, Secretariat.name).join(Secretariat, Secretariat.id == Membership.secretariat_id)
            .where(Membership.person_id == person.id).order_by(Membership.id))
        runs = await self._session.scalars(select(FlowRun).where(FlowRun.person_id == person.id).order_by(FlowRun.id))
        data: dict[str, Any] = {
            "persona": _row(person),
            "secretariados": [{**_row(m), "secretariado": name} for m, name in memberships],
            "recorridos": [{**_row(run), "respuestas": (run.state or {}).get("answers", {})} for run in runs],
        }
        for section, model, column in AUTHORED:
            rows = await self._session.scalars(
                select(model).where(getattr(model, column) == person.id).order_by(model.id))  # type: ignore[attr-defined]
            data[section] = [_row(row) for row in rows]
        pattern = name_pattern(person.name)
        data[MENTIONS] = [
            {"kind": row.kind, "status": row.status, "due_at": row.due_at.isoformat(),
             "sent_at": row.sent_at.isoformat() if row.sent_at else None,
             "lineas_que_te_nombran": lines_naming(pattern, row.body) if pattern else []}
            for row in await self._mentions(person)
        ]
        return data

    async def _mentions(self, person: Person) -> list[OutboxMessage]:
        """Scheduled messages for other people (any status) whose text names the person.

        Their own reminders and digests are not among them: those are theirs, in `recordatorios`.
        """
        pattern = name_pattern(person.name)
        if pattern is None or person.name is None:
            return []
        longest = max(person.name.split(), key=len)  # every match holds it: the database narrows first
        others = [or_(OutboxMessage.person_id.is_(None), OutboxMessage.person_id != person.id),
                  ~self._to_them(person)]
        rows = await self._session.scalars(
            select(OutboxMessage).where(OutboxMessage.body.contains(longest, autoescape=True), *others)
            .options(defer(OutboxMessage.attachment)).order_by(OutboxMessage.id))
        return [row for row in rows if pattern.search(row.body)]

    async def erase(self, person: Person) -> Erased:
        """Delete the person and what is only theirs; the plan's records stay, anonymous."""
        with translate_errors():
            await self._session.flush()
            mentions = await self._mentions(person)
            erased = Erased(
                runs=await self._count(FlowRun, FlowRun.person_id == person.id),
                memberships=await self._count(Membership, Membership.person_id == person.id),
                mentions=len(mentions),
            )
            pattern = name_pattern(person.name)
            for row in mentions:  # pending ones go out without the name; sent ones keep no copy of it
                assert pattern is not None
                row.body = pattern.sub(lambda _: ERASED_NAME, row.body)
            await self._session.flush()
            await self._session.execute(
                update(Signoff).where(Signoff.person_id == person.id).values(name=None)
                .execution_options(synchronize_session=False))
            await self._session.execute(  # their comments stay on the commitment, without their name
                update(Comment).where(Comment.person_id == person.id).values(name=None)
                .execution_options(synchronize_session=False))
            await self._session.execute(
                delete(OutboxMessage).where(or_(OutboxMessage.person_id == person.id, self._to_them(person)))
                .execution_options(synchronize_session=False))
            await self._session.execute(
                delete(Person).where(Person.id == person.id).execution_options(synchronize_session=False))
        self._session.expunge(person)
        return erased

    @staticmethod
    def _to_them(person: Person) -> Any:
        """Outbox rows addressed to one of the person's addresses (a reminder planned for them)."""
        theirs = select(PersonAddress.id).where(PersonAddress.person_id == person.id,
                                                PersonAddress.channel == OutboxMessage.channel,
                                                PersonAddress.address == OutboxMessage.address)
        return theirs.exists()

    async def _count(self, model: type, where: object) -> int:
        statement = select(func.count()).select_from(model).where(where)  # type: ignore[arg-type]
        return int(await self._session.scalar(statement) or 0)


def _row(row: Base) -> dict[str, Any]:
    """A row's columns as JSON values (dates as ISO text)."""
    values: dict[str, Any] = {}
    for column in row.__table__.columns:
        if column.key in HIDDEN:
            continue
        value = getattr(row, column.key)
        values[column.key] = value.isoformat() if isinstance(value, (date, datetime)) else value
    return values
