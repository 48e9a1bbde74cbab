"""Invites as people meet them: /start <code>, consent first, /invitar, and the words after it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.conversation import Conversation
from bot.effects import RefreshMenu
from bot.invites import BadRequest, Request, link, parse_request
from flows.inputs import Command
from flows.loader import load_checked
from storage import UnitOfWork
from storage.models import AuditEntry, Commitment, Invite, Membership, Person
from tests.bot.test_conversation import Member

CONTENT = load_checked()
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.fixture
def conversation(sessions: Any) -> Conversation:
    """The Telegram setting: no default secretariat, a known bot username, a fixed clock."""
    conversation = Conversation(lambda: CONTENT, sessions, clock=lambda: NOW)
    conversation.bot_username = "cocrea_test_bot"
    return conversation


async def invite(sessions: Any, role: str = "member", uses: int = 1, days: int = 7,
                 name: str = "STL Xalapa") -> str:
    async with UnitOfWork(sessions) as uow:
        secretariat = await uow.secretariats.named(name) or await uow.secretariats.add(name)
        _, code = await uow.invites.create(secretariat, role, uses=uses, days=days, now=NOW - timedelta(hours=1))
        return code


async def memberships(sessions: Any) -> list[tuple[str, str]]:
    """(person key, role) of every membership."""
    async with UnitOfWork(sessions) as uow:
        rows = await uow.session.execute(select(Membership))
        result = []
        for (membership,) in rows:
            person = await uow.session.get(Person, membership.person_id)
            assert person is not None
            result.append((person.key, membership.role))
        return sorted(result)


async def uses_left(sessions: Any) -> list[int]:
    async with UnitOfWork(sessions) as uow:
        return [i.uses_left for i in await uow.session.scalars(select(Invite).order_by(Invite.id))]


async def start(member: Member, code: str) -> str:
    return await member.send(Command("start", code))


async def test_an_invite_link_shows_the_notice_first_and_joins_on_consent(conversation: Conversation,
                                                                           sessions: Any) -> None:
    code = await invite(sessions)
    ana = Member(conversation, "tg:11")
    said = await start(ana, code)
    assert "(STL Xalapa)" in said  # the welcome names the secretariat
    assert "aviso de privacidad" in said
    assert "pídeselo a tu coordinación" not in said
    assert await memberships(sessions) == []  # nothing beyond the Telegram id before consent
    assert await uses_left(sessions) == [1]

    said = await ana.tap("Sí")
    lines = said.splitlines()
    assert lines[0] == "¡Listo! Ya formas parte de «STL Xalapa» como integrante."
    assert "¿Cómo te gustaría que te llame?" in lines[-1]  # the next question stays last
    assert await memberships(sessions) == [("tg:11", "member")]
    assert await uses_left(sessions) == [0]

    await ana.send("Ana")
    said = await ana.tap("Gobierno")
    assert "¿Con qué kit quieres empezar?" in said


async def test_saying_no_to_the_notice_joins_nothing_and_keeps_the_invite(conversation: Conversation,
                                                                         sessions: Any) -> None:
    code = await invite(sessions)
    ana = Member(conversation, "tg:12")
    await start(ana, code)
    said = await ana.tap("No")
    assert "no guardaré ningún dato tuyo" in said
    assert await memberships(sessions) == []
    assert await uses_left(sessions) == [1]
    said = await start(ana, code)  # changed their mind: the same link still works
    assert "aviso de privacidad" in said
    await ana.tap("Sí")
    assert await memberships(sessions) == [("tg:12", "member")]


@pytest.mark.parametrize(("problem", "expected"), [
    ("unknown", "No reconozco ese código de invitación"),
    ("expired", "Esta invitación ya venció"),
    ("used_up", "ya se usó todas las veces"),
])
async def test_a_code_that_cannot_be_used_says_why_and_changes_nothing(
        conversation: Conversation, sessions: Any, problem: str, expected: str) -> None:
    code = await invite(sessions, days=1)
    if problem == "unknown":
        code = "Zz" + code[2:]
    elif problem == "expired":
        conversation._clock = lambda: NOW + timedelta(days=2)
    else:
        first = Member(conversation, "tg:20")
        await start(first, code)
        await first.tap("Sí")
    before = await uses_left(sessions)
    ana = Member(conversation, "tg:21")
    said = await start(ana, code)
    assert expected in said and "no cambié nada" in said.lower()
    assert "aviso de privacidad" not in said
    assert ("tg:21", "member") not in await memberships(sessions)
    assert await uses_left(sessions) == before
    async with UnitOfWork(sessions) as uow:
        person = await uow.people.get("tg:21")
        assert person is not None and await uow.runs.of_person(person) == []


async def onboarded(conversation: Conversation, sessions: Any, key: str, role: str = "member") -> Member:
    member = Member(conversation, key)
    await start(member, await invite(sessions, role=role))
    await member.tap("Sí")
    await member.send("Ana")
    await member.tap("Sociedad civil")
    return member


async def test_a_member_opening_a_coordinator_invite_is_promoted(conversation: Conversation,
                                                                sessions: Any) -> None:
    ana = await onboarded(conversation, sessions, "tg:30")
    assert ana.reply.effects == []
    said = await start(ana, await invite(sessions, role="coordinator"))
    assert "Ahora participas en «STL Xalapa» como coordinación" in said
    assert ana.reply.effects == [RefreshMenu("tg:30")]
    assert await memberships(sessions) == [("tg:30", "coordinator")]
    async with UnitOfWork(sessions) as uow:
        actions = [e.action for e in await uow.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["invite_redeemed", "invite_redeemed"]


async def test_someone_already_there_spends_no_use(conversation: Conversation, sessions: Any) -> None:
    ana = await onboarded(conversation, sessions, "tg:31", role="coordinator")
    code = await invite(sessions, role="member")
    said = await start(ana, code)
    assert "Ya formas parte de «STL Xalapa» como coordinación" in said
    assert await uses_left(sessions) == [0, 1]
    assert await memberships(sessions) == [("tg:31", "coordinator")]  # never demoted


async def test_start_alone_without_a_secretariat_explains_how_to_join(conversation: Conversation) -> None:
    said = await Member(conversation, "tg:40").send("/start")
    assert "necesitas su enlace de invitación: pídeselo a tu coordinación" in said
    assert "aviso de privacidad" in said  # and they may still read it and try the kits


async def test_a_coordinator_invites_with_a_link(conversation: Conversation, sessions: Any) -> None:
    lupita = await onboarded(conversation, sessions, "tg:50", role="coordinator")
    said = await lupita.send(Command("invitar", "coordinacion 3 10"))
    assert "Invitación para «STL Xalapa» como coordinación: sirve para 3 personas y vence en 10 días." in said
    url = said.splitlines()[-1]
    assert url.startswith("https://t.me/cocrea_test_bot?start=")
    code = url.split("=", 1)[1]

    newcomer = Member(conversation, "tg:51")
    await start(newcomer, code)
    await newcomer.tap("Sí")
    assert ("tg:51", "coordinator") in await memberships(sessions)

    conversation.bot_username = None  # e.g. the terminal: the code and how to use it
    said = await lupita.send("/invitar")
    assert "como integrante: sirve para 1 persona y vence en 7 días." in said
    assert "escribir: /start " in said


async def test_invitar_explains_what_it_did_not_understand(conversation: Conversation, sessions: Any) -> None:
    lupita = await onboarded(conversation, sessions, "tg:60", role="coordinator")
    said = await lupita.send(Command("invitar", "todos"))
    assert "No entendí «todos»" in said and "/invitar miembro" in said
    said = await lupita.send(Command("invitar", "miembro 5000"))
    assert "El número de usos debe estar entre 1 y 1000." in said
    assert await uses_left(sessions) == [0]  # only the invite that brought Lupita in


async def test_members_may_not_invite(conversation: Conversation, sessions: Any) -> None:
    ana = await onboarded(conversation, sessions, "tg:70")
    said = await ana.send("/invitar")
    assert "solo para la coordinación" in said
    assert await uses_left(sessions) == [0]


async def test_someone_who_blocked_the_bot_is_reachable_again_when_they_write(
        conversation: Conversation, sessions: Any) -> None:
    ana = await onboarded(conversation, sessions, "tg:80")
    async with UnitOfWork(sessions) as uow:
        await uow.people.set_active("tg:80", False)
    await ana.send("/progreso")
    async with UnitOfWork(sessions) as uow:
        person = await uow.people.get("tg:80")
        assert person is not None and person.active is True


def test_the_words_after_invitar() -> None:
    assert parse_request("") == Request("member", 1, 7)
    assert parse_request("Coordinación 2") == Request("coordinator", 2, 7)
    assert parse_request("miembro 5 30") == Request("member", 5, 30)
    for bad in ("admin", "1 2 3"):
        with pytest.raises(BadRequest):
            parse_request(bad)


def test_links_use_only_what_telegram_deep_links_allow() -> None:
    assert link("@cocrea_bot", "Ab-_9") == "https://t.me/cocrea_bot?start=Ab-_9"


async def test_mis_datos_shows_what_is_kept(conversation: Conversation, sessions: Any) -> None:
    ana = await onboarded(conversation, sessions, "tg:90")
    said = await ana.send("/mis_datos")
    assert "• Nombre: Ana" in said
    assert "• Sector: Sociedad civil" in said
    assert "• Secretariados: STL Xalapa (integrante)" in said
    assert re.search(r"• Aceptaste el aviso de privacidad el \d\d/\d\d/20\d\d\n", said)
    assert "• Kits y recorridos guardados: 1" in said  # the onboarding run
    assert "• Cambios que hiciste a compromisos: 0" in said


async def test_borrar_mis_datos_asks_first_then_erases_and_says_what(conversation: Conversation,
                                                                     sessions: Any) -> None:
    ana = await onboarded(conversation, sessions, "tg:91")
    async with UnitOfWork(sessions) as uow:
        person = await uow.people.get("tg:91")
        secretariat = await uow.secretariats.named("STL Xalapa")
        assert person is not None and secretariat is not None
        commitment = await uow.commitments.create(secretariat.id, created_by=person.id)
        await uow.commitments.update_fields(commitment, {"title": "Agua a tiempo"})

    said = await ana.send("/borrar_mis_datos")
    assert "tu pertenencia a «STL Xalapa»" in said and "/borrar_mis_datos confirmar" in said
    assert await memberships(sessions) == [("tg:91", "member")]  # nothing erased yet

    said = await ana.send(Command("borrar_mis_datos", "Confirmar"))
    assert "borré tu nombre, tu sector, tu consentimiento, 1 recorrido de los kits y 1 pertenencia" in said
    assert await memberships(sessions) == []
    async with UnitOfWork(sessions) as uow:
        assert await uow.people.get("tg:91") is None
        (kept,) = await uow.session.scalars(select(Commitment))
        assert (kept.title, kept.created_by) == ("Agua a tiempo", None)
        (entry,) = await uow.session.scalars(select(AuditEntry).where(AuditEntry.action == "personal_data_erased"))
        assert entry.person_id is None and "Ana" not in str(entry.detail)

    said = await ana.send("/start")  # back later: a new person, from the notice
    assert "aviso de privacidad" in said
