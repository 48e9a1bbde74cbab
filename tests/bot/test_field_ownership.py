"""One commitment, many hands (issue 16, item 1), as members live it through the conversation loop:
Kit 6 after Kit 5 keeps Kit 5's causes; opening Kit 6 or 8 shows what the commitment holds; a kit
never replaces what another member wrote without asking «mantener / reemplazar / combinar»; two
members confirming the same field at the same moment: one wins, the other is told and keeps their
text (PostgreSQL, where the two really overlap)."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.conversation import Conversation
from flows.loader import load_checked
from storage import UnitOfWork
from storage.repositories import commitments as commitments_module
from tests.bot.test_conversation import Member

CONTENT = load_checked()
GOLDEN = Path(__file__).resolve().parent.parent / "golden"
NOW = datetime(2026, 11, 2, 18, 0, tzinfo=UTC)
KIT6 = (GOLDEN / "kit6.in").read_text(encoding="utf-8").splitlines()
# Where the golden transcript's parts are: Kit 5 before «/kits», Kit 6's first question three lines
# after it («6», the commitment «1»), its summary corrected at the end (the last «Confirmar»).
KIT5_END = KIT6.index("/kits")
KIT6_FIRST = KIT5_END + 3
KIT6_TO_SUMMARY = slice(KIT6_FIRST, len(KIT6) - 1)
KIT5_CAUSES = "Fugas en la red y un tandeo que se decide sin reglas públicas."
LUPITA_CAUSES = "Fugas en tuberías viejas y un tandeo que se decide sin criterios públicos."
MEMO_CAUSES = "Nadie revisa el reparto y las pipas privadas ganan con la escasez."
DIRECT = "Causas directas (árbol de problemas)"


def _conversation(sessions: Any) -> Conversation:
    return Conversation(lambda: CONTENT, sessions, clock=lambda: NOW, default_secretariat="STL Zapopan")


async def _lines(member: Member, lines: list[str]) -> str:
    for line in lines:
        await member.send(line)
    return member.said


async def _kit6_until_confirm(member: Member, name: str, causes: str) -> str:
    """Onboarded as `name`, then Kit 6 on the first commitment with `causes`, up to its summary."""
    await _lines(member, ["/start", "sí", name, "2", "/kits", "6"])
    opened = await member.send("1")
    kit6 = KIT6[KIT6_TO_SUMMARY]  # the golden Kit 6, from its first question to the ODS contribution
    kit6[2] = causes
    await _lines(member, kit6)
    assert "¿Lo confirmas o quieres corregir algo?" in member.said
    return opened


async def _lupita_writes_kits_5_and_6(conversation: Conversation) -> Member:
    lupita = Member(conversation, "cli:lupita")
    await _lines(lupita, ["/start", *KIT6[:KIT5_END]])  # Kit 5 as in the golden transcript
    await _lines(lupita, ["/kits", *KIT6[KIT5_END + 1:]])
    assert "Guardé el árbol de problemas" in lupita.said
    return lupita


async def _fields(sessions: Any) -> dict[str, Any]:
    async with UnitOfWork(sessions) as uow:
        commitment = await uow.commitments.get(1)
        assert commitment is not None
        return dict(commitment.fields)


async def test_kit_6_after_kit_5_keeps_kit_5s_causes_and_shows_what_the_commitment_holds(sessions: Any) -> None:
    conversation = _conversation(sessions)
    await _lupita_writes_kits_5_and_6(conversation)
    fields = await _fields(sessions)
    assert (fields["causes"], fields["direct_causes"]) == (KIT5_CAUSES, LUPITA_CAUSES)

    memo = Member(conversation, "cli:memo")
    opened = await _kit6_until_confirm(memo, "Memo", MEMO_CAUSES)
    assert "Esto es lo que el compromiso ya tiene" in opened
    assert "• Causas del problema: Fugas en la red y un tandeo que se decide sin reglas públicas." in opened
    assert f"• {DIRECT}: Fugas en tuberías viejas" in opened  # each line cut short for a phone
    await _lines(memo, ["/kits", "8"])
    opened = await memo.send("1")
    assert "Esto es lo que el compromiso ya tiene" in opened and "• Metas ODS: 6.1" in opened

    async with UnitOfWork(sessions) as uow:
        history = await uow.plan.history(1)
    causes = [(c.value, c.kit, c.step) for c in history if c.field == "direct_causes"]
    assert causes == [(LUPITA_CAUSES, "kit6", "guardar")]


@pytest.mark.parametrize(("tap", "stored"), [
    ("Mantener lo que está", LUPITA_CAUSES),
    ("Reemplazar con lo nuevo", MEMO_CAUSES),
    ("Combinar los dos", f"{LUPITA_CAUSES}\n{MEMO_CAUSES}"),
])
async def test_a_kit_asks_before_replacing_what_another_member_wrote(sessions: Any, tap: str, stored: str) -> None:
    conversation = _conversation(sessions)
    await _lupita_writes_kits_5_and_6(conversation)
    memo = Member(conversation, "cli:memo")
    await _kit6_until_confirm(memo, "Memo", MEMO_CAUSES)
    said = await memo.tap("Confirmar")
    assert f"«{DIRECT}» ya tiene lo que escribió Lupita en «Kit 6 · Compromisos de Desarrollo Sostenible»" in said
    assert f"Ahora: {LUPITA_CAUSES}" in said and f"Lo tuyo: {MEMO_CAUSES}" in said
    assert "Guardé" not in said and (await _fields(sessions))["direct_causes"] == LUPITA_CAUSES
    said = await memo.send("/continuar")  # left and came back: still asked, their text still there
    assert f"Lo tuyo: {MEMO_CAUSES}" in said

    said = await memo.tap(tap)
    assert "Guardé el árbol de problemas" in said
    fields = await _fields(sessions)
    assert fields["direct_causes"] == stored and fields["causes"] == KIT5_CAUSES
    async with UnitOfWork(sessions) as uow:
        memo_person = await uow.people.get("cli:memo")
        history = await uow.plan.history(1)
    assert memo_person is not None
    last = [c for c in history if c.field == "direct_causes"][-1]
    assert (last.value, last.person_id == memo_person.id) == (
        (stored, True) if stored != LUPITA_CAUSES else (LUPITA_CAUSES, False))


async def test_the_same_member_re_answering_the_same_kit_is_not_asked(sessions: Any) -> None:
    conversation = _conversation(sessions)
    lupita = await _lupita_writes_kits_5_and_6(conversation)
    await _lines(lupita, ["/kits", "6", "1", *KIT6[KIT6_FIRST:KIT6_FIRST + 2], "Otra causa, escrita de nuevo.",
                                *KIT6[KIT6_FIRST + 3:len(KIT6) - 1]])
    said = await lupita.tap("Confirmar")
    assert "ya tiene lo que escribió" not in said and "Guardé el árbol de problemas" in said
    assert (await _fields(sessions))["direct_causes"] == "Otra causa, escrita de nuevo."


def _pause_before_writing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both writers read the commitment before either writes it (tests/hardening/test_races.py)."""
    real = commitments_module.flush
    arrived = 0
    everyone = asyncio.Event()

    async def flush(session: AsyncSession) -> None:
        nonlocal arrived
        arrived += 1
        if arrived >= 2:
            everyone.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(everyone.wait(), timeout=1.0)
        await real(session)

    monkeypatch.setattr(commitments_module, "flush", flush)


async def test_two_members_confirming_the_same_field_at_once_one_wins_the_other_is_told(
        pg_sessions: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    conversation = _conversation(pg_sessions)
    lupita = Member(conversation, "cli:lupita")
    await _lines(lupita, ["/start", *KIT6[:KIT5_END]])  # Kit 5: the commitment, without direct causes yet
    lupita = Member(conversation, "cli:lupita")
    await _lines(lupita, ["/kits", "6", "1", *KIT6[KIT6_TO_SUMMARY]])
    memo = Member(conversation, "cli:memo")
    await _kit6_until_confirm(memo, "Memo", MEMO_CAUSES)

    _pause_before_writing(monkeypatch)
    said = dict(zip(("lupita", "memo"), await asyncio.gather(lupita.tap("Confirmar"), memo.tap("Confirmar")),
                    strict=True))
    monkeypatch.undo()
    winner = (await _fields(pg_sessions))["direct_causes"]
    assert winner in (LUPITA_CAUSES, MEMO_CAUSES)
    won, lost = ("lupita", "memo") if winner == LUPITA_CAUSES else ("memo", "lupita")
    theirs = MEMO_CAUSES if won == "lupita" else LUPITA_CAUSES
    assert "Guardé el árbol de problemas" in said[won]
    assert "Mientras respondías, alguien guardó" in said[lost] and "Guardé" not in said[lost]
    assert f"Lo tuyo: {theirs}" in said[lost] and f"Ahora: {winner}" in said[lost]

    loser = lupita if lost == "lupita" else memo
    said_now = await loser.tap("Combinar los dos")
    assert "Guardé el árbol de problemas" in said_now
    assert (await _fields(pg_sessions))["direct_causes"] == f"{winner}\n{theirs}"
