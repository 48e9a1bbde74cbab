"""Issue 16, «Done when», as three people live it through the shared loop (the terminal's and Telegram's):
Rogelio (gobierno, coordination), Lupita and Beatriz (sociedad civil) co-create one commitment across
Kits 5, 6, 7 and 8 with a comment and a reply; review, a refused edit, a return to draft that tells the
signer, a second review both sectors sign, approval with an acta naming the version, an export holding
every field the kits wrote, the history, and an amendment of a milestone's date. The group hears each
step once. PostgreSQL, the golden answer scripts."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from bot.conversation import Conversation
from bot.export import load_snapshot, render
from bot.scheduler.dispatcher import messages_of
from flows.fields import COMMITMENT
from flows.inputs import Command, Tap, Text
from flows.loader import load_checked
from storage import UnitOfWork
from storage.models import Comment, Commitment, OutboxMessage
from tests.bot.test_conversation import Member

CONTENT = load_checked()
GOLDEN = Path(__file__).resolve().parent.parent / "golden"
START = datetime(2026, 11, 2, 17, 0, tzinfo=UTC)  # 11:00 in Mexico City
GROUP = "-100"


def review(version: int) -> str:
    return f"• Rogelio lo envió a revisión (versión {version}): cada sector requerido ya puede firmarlo con /firmar."


def golden(kit: int) -> list[str]:
    """The golden script of one kit, opened with /kits: the onboarding (and the Kit 5 the others run
    first) left out, and the card they end on."""
    lines = (GOLDEN / f"kit{kit}.in").read_text(encoding="utf-8").splitlines()
    if kit == 5:
        return ["/kits", *lines[3:]]
    script = lines[lines.index("/kits"):]
    return script[:-1] if script[-1].startswith("/compromiso") else script


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def later(self) -> None:
        self.now += timedelta(minutes=11)


async def answer(member: Member, lines: list[str]) -> str:
    """Type like the terminal does (a button's label taps it), then settle each «mantener / reemplazar /
    combinar» by combining (or replacing a field that cannot be combined). Everything said, in order."""
    said: list[str] = []

    async def tap_or_type(line: str) -> None:
        labels = [b.label for m in member.reply.messages for b in m.buttons]
        said.append(await member.tap(line) if line in labels else await member.send(line))

    for line in lines:
        await tap_or_type(line)
    while "¿Qué hacemos?" in said[-1]:
        labels = [b.label for m in member.reply.messages for b in m.buttons]
        await tap_or_type("Combinar los dos" if "Combinar los dos" in labels else "Reemplazar con lo nuevo")
    return "\n".join(said)


async def say(member: Member, text: str) -> str:
    name, _, args = text[1:].partition(" ")
    return await member.send(Command(name, args))


async def sign(member: Member) -> str:
    """/firmar, the commitment, «Lo apruebo», no comment."""
    await member.send("/firmar")
    await member.send("1")
    await member.tap("Lo apruebo")
    return await member.send("saltar")


async def people(sessions: Any) -> None:
    async with UnitOfWork(sessions) as uow:
        xalapa = await uow.secretariats.add("STL Xalapa")
        xalapa.group_chat_id = int(GROUP)
        for key, name, sector, role in (("tg:1", "Rogelio", "gobierno", "coordinator"),
                                         ("tg:2", "Lupita", "sociedad_civil", "member"),
                                         ("tg:3", "Beatriz", "sociedad_civil", "member")):
            person = await uow.people.get_or_create(key, name=name)
            person.sector, person.consent_at = sector, START
            await uow.memberships.add(person, xalapa, role)


async def commitment(sessions: Any) -> Commitment:
    async with UnitOfWork(sessions) as uow:
        found = await uow.session.get(Commitment, 1)
        assert found is not None
        return found


async def changes(sessions: Any) -> list[Any]:
    async with UnitOfWork(sessions) as uow:
        return list(await uow.plan.history(1))


async def rows(sessions: Any, address: str) -> list[OutboxMessage]:
    async with UnitOfWork(sessions) as uow:
        return list(await uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "notice", OutboxMessage.address == address)
            .order_by(OutboxMessage.id)))


async def test_three_people_co_create_review_sign_approve_and_amend_one_commitment(pg_sessions: Any) -> None:
    sessions, clock = pg_sessions, Clock()
    await people(sessions)
    conversation = Conversation(lambda: CONTENT, sessions, clock=clock)
    rogelio, lupita, beatriz = (Member(conversation, f"tg:{n}") for n in (1, 2, 3))

    async def step() -> None:
        """As if the dispatcher sent what was due, and past the 10 minutes a notice gathers in: the
        next step's notices are rows of their own."""
        async with UnitOfWork(sessions) as uow:
            await uow.session.execute(update(OutboxMessage).where(OutboxMessage.status == "pending")
                                      .values(status="sent"))
        clock.later()

    said = await answer(rogelio, golden(5))
    assert "Guardé el compromiso «Agua a tiempo y con horarios públicos» como borrador" in said
    await step()
    said = await answer(lupita, golden(6))
    assert "Esto es lo que el compromiso ya tiene" in said  # she sees Rogelio's Kit 5 first
    assert "Guardé el árbol de problemas" in said
    await step()
    assert "Guardé en el compromiso el mapa de 2 actores" in await answer(beatriz, golden(7))
    await step()
    assert "el compromiso ya tiene fechas, 2 hitos, 2 indicadores" in await answer(lupita, golden(8))
    await step()
    async with UnitOfWork(sessions) as uow:
        written = dict((await uow.commitments.get(1)).fields)  # type: ignore[union-attr]
        history = await uow.plan.history(1)
    by_kit = {kit: {c.field for c in history if c.kit == kit} for kit in ("kit5", "kit6", "kit7", "kit8")}
    assert all(by_kit.values()), by_kit  # each kit wrote the commitment
    assert written["causes"].startswith("Tuberías con más de 40 años")  # Kit 6 kept Kit 5's causes
    assert written["direct_causes"].startswith("Fugas en tuberías viejas")

    # a comment and a reply
    said = await say(beatriz, "/comentar 1 Falta decir quién convoca a los comités vecinales.")
    async with UnitOfWork(sessions) as uow:
        [comment] = list(await uow.session.scalars(select(Comment)))
    assert "Vas a responder a Beatriz" in await rogelio.send(Tap(f"1 #{comment.id}", "/comentar"))
    await rogelio.send(Text("La Dirección de Agua los convoca; lo agrego al Kit 8."))
    card = await say(lupita, "/compromiso 1")
    assert "La Dirección de Agua los convoca" in card
    await step()

    said = await say(rogelio, "/revision 1")
    assert "le falta: línea base" in said and "No cambié nada" in said  # Kit 8 left it «pendiente de medir»
    async with UnitOfWork(sessions) as uow:  # measured meanwhile
        [_, committees] = await uow.plan.indicators(1)
        committees.baseline = 0
    assert "Es la versión 1" in await say(rogelio, "/revision 1")
    await step()
    assert "Registré tu decisión" in await sign(lupita)
    await step()

    # Beatriz, in review, answers Kit 7 again: refused, told why and by whom, her answers kept
    before = dict((await commitment(sessions)).fields)
    said = await answer(beatriz, golden(7))
    assert "No guardé esto: El compromiso" in said and "está en revisión" in said
    assert "la coordinación (Rogelio)" in said and "/estado 1 borrador" in said
    assert "Tus respuestas siguen aquí" in said
    assert dict((await commitment(sessions)).fields) == before
    await step()

    assert "pasó de en revisión a borrador" in await say(rogelio, "/estado 1 borrador")
    told = [r for r in await rows(sessions, "2") if "tu firma ya no aplica" in r.body]
    assert len(told) == 1  # Lupita had signed: she is told, once
    await step()
    # corrected: Beatriz walks Kit 7 again from her kept answers, and it saves now
    assert "Guardé en el compromiso el mapa de 2 actores" in await answer(beatriz, golden(7)[2:])
    await step()
    assert "Es la versión 2" in await say(rogelio, "/revision 1")
    await step()
    assert "Registré tu decisión" in await sign(lupita)
    await step()
    assert "Registré tu decisión" in await sign(rogelio)
    await step()
    acta = await say(rogelio, "/aprobar 1")
    assert "Versión aprobada: 2 (huella" in acta and "Firmas de aprobación (todas sobre la versión 2):" in acta
    assert "• Lupita (Sociedad civil)" in acta and "• Rogelio (Gobierno)" in acta
    assert (await commitment(sessions)).status == "aprobado"
    await step()
    [approval] = [r for r in await rows(sessions, GROUP) if "¡Aprobado!" in r.body]
    [message] = messages_of(approval)
    assert message.attachment is not None and message.attachment.filename == "acta-compromiso-1.md"
    assert "Versión aprobada: 2" in message.attachment.data.decode()

    # the export holds every field each kit wrote, with its Spanish label
    written = dict((await commitment(sessions)).fields)
    async with UnitOfWork(sessions) as uow:
        snapshot = await load_snapshot(uow.plan, 1, clock.now)
    assert snapshot is not None
    [markdown] = render(snapshot, "md", CONTENT)
    text = markdown.data.decode()
    kits_wrote = {c.field for c in history if c.kit} | {c.field for c in await changes(sessions) if c.kit}
    dates = {"start_date", "end_date"}  # the others in words, checked below
    unshown = [name for name in kits_wrote - dates if name in COMMITMENT and COMMITMENT[name].catalog is None
               and isinstance(written[name], str) and written[name][:30] not in text]
    assert unshown == [], unshown
    assert "del 1 de marzo de 2027 al 31 de diciembre de 2028" in text
    assert "Laura Méndez (nombre inventado)" in text and "Transparencia" in text and "6.b" in text
    [document] = render(snapshot, "json", CONTENT)
    [exported] = json.loads(document.data)["commitments"]
    assert exported["fields"] == written and len(exported["milestones"]) == len(exported["indicators"]) == 2
    assert [s["name"] for s in exported["signoffs"]] == ["Lupita", "Rogelio"]

    # an amendment moves a milestone's date: review, both sectors sign, approval
    await say(rogelio, "/estado 1 en implementación")
    assert "abrí la enmienda 1" in await say(rogelio, "/enmienda 1 La publicación del calendario se mueve a julio")
    async with UnitOfWork(sessions) as uow:  # the milestone's date corrected, as a kit's correction writes it
        found = await uow.session.get(Commitment, 1)
        assert found is not None
        await uow.plan.guard(found)
        [calendar, _] = await uow.plan.milestones(1)
        calendar.due_date = date(2027, 7, 31)
    await step()
    said = await say(rogelio, "/revision 1")
    assert "(enmienda 1) está en revisión" in said and "Es la versión 3" in said
    await step()
    assert "Registré tu decisión" in await sign(lupita)
    await step()
    assert "Registré tu decisión" in await sign(rogelio)
    await step()
    acta = await say(rogelio, "/aprobar 1")
    assert "¡Aprobada! La enmienda 1" in acta and "Versión aprobada: 3" in acta
    assert "▸ Calendario de tandeo por colonia publicado en datos abiertos (31/07/2027;" in acta
    await step()

    # the history: every change with who, when and which kit, the versions, signatures and the amendment
    first = await say(lupita, "/compromiso 1 historial")
    pages = int(first.splitlines()[0].rsplit(" ", 1)[1].rstrip(":"))
    everything = "\n".join([await say(lupita, f"/compromiso 1 historial {page}") for page in range(1, pages + 1)])
    for who, kit, label in (("Rogelio", 5, "Título"), ("Lupita", 6, "Causas directas (árbol de problemas)"),
                            ("Beatriz", 7, "Mapa de actores clave"), ("Lupita", 8, "Fecha de término")):
        line = rf"✏️ \d\d/\d\d/\d{{4}} \d\d:\d\d · {who} cambió {re.escape(label)} \(Kit {kit}\):"
        assert re.search(line, everything), label
    order = ["versión 1 (", "Lupita (Sociedad civil) aprueba la versión 1 (ya no cuenta)",
             "la versión 1 regresó a borrador", "Beatriz cambió Mapa de actores clave (Kit 7)",
             "versión 2 (", "Rogelio (Gobierno) aprueba la versión 2", "versión 2 aprobada",
             "abrió la enmienda 1: «La publicación del calendario se mueve a julio»",
             "versión 3 (", "Rogelio (Gobierno) aprueba la versión 3", "versión 3 aprobada (enmienda 1)"]
    position = 0
    for item in order:  # each after the one before
        position = everything.index(item, position)
    assert "enviada a revisión por Rogelio (enmienda 1); cambió: hitos" in everything

    # the group saw each step once, in order, and was never told the same event twice
    group = await rows(sessions, GROUP)
    events = [e for r in group for e in (r.events or [])]
    assert len(events) == len(set(events))
    lines = [line for r in group for line in r.body.splitlines() if line.startswith("• ")]
    assert lines == [
        "• Rogelio empezó este borrador. Puedes verlo con /compromiso 1.",
        review(1), "• Lupita (Sociedad civil) lo aprobó con su firma.", "• Rogelio lo regresó a borrador para cambios.",
        review(2), "• Lupita (Sociedad civil) lo aprobó con su firma.", "• Rogelio (Gobierno) lo aprobó con su firma.",
        "• ¡Aprobado! Rogelio registró la aprobación de la versión 2. Va el acta.",
        "• Rogelio cambió su estado de aprobado a en implementación.",
        "• Rogelio abrió la enmienda 1 de la versión 2: «La publicación del calendario se mueve a julio». Su texto "
        "vuelve a borrador para cambios; las firmas de la versión aprobada quedan como historia y, cuando la "
        "enmienda vaya a revisión, cada sector firmará de nuevo.",
        "• Rogelio envió la enmienda 1 a revisión (versión 3): cada sector requerido ya puede firmarla con /firmar.",
        "• Lupita (Sociedad civil) lo aprobó con su firma.", "• Rogelio (Gobierno) lo aprobó con su firma.",
        "• ¡Aprobada la enmienda 1! Rogelio registró la aprobación de la versión 3 («La publicación del calendario "
        "se mueve a julio»): es el texto vigente. Va el acta.",
    ]
    [amended] = [r for r in group if "¡Aprobada la enmienda 1!" in r.body]
    [message] = messages_of(amended)
    assert message.attachment is not None and "ACTA DE APROBACIÓN DE LA ENMIENDA 1" in message.attachment.data.decode()
    # Lupita (sociedad civil) was asked to sign each round, with the button, and told once her signature lapsed
    asked = [r for r in await rows(sessions, "2") if "tu sector debe firmar" in r.body]  # firmarlo / firmarla
    assert len(asked) == 3 and all(r.buttons for r in asked)
    assert sum(r.body.count("tu firma ya no aplica") for r in await rows(sessions, "2")) == 1
