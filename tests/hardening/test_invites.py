"""Invites: codes stored only as hashes, expiry, limited uses, and guessing slowed down.

After MAX_WRONG_CODES unknown codes within WRONG_CODE_WINDOW, a person's further codes are not even
looked up (a valid one included) until the window has passed; the count lives in the database, so a
restart does not reset it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from bot.conversation import Conversation
from bot.invites import MAX_WRONG_CODES, WRONG_CODE_WINDOW
from flows.inputs import Command
from storage import UnitOfWork
from storage.models import AuditEntry, Invite, Membership
from tests.bot.test_conversation import Member, onboard
from tests.hardening.conftest import CONTENT, Clock, cells_holding

SLOW = "espera unos minutos"


async def make_invite(sessions: Any, clock: Clock, *, uses: int = 1, days: int = 7) -> str:
    async with UnitOfWork(sessions) as uow:
        secretariat = await uow.secretariats.named("STL Invitaciones") or await uow.secretariats.add("STL Invitaciones")
        _, code = await uow.invites.create(secretariat, "member", uses=uses, days=days, now=clock.now)
        return code


async def consented(conversation: Conversation, key: str) -> Member:
    member = Member(conversation, key)
    await onboard(member)
    return member


async def count(sessions: Any, model: type, *where: Any) -> int:
    async with UnitOfWork(sessions) as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def test_codes_are_never_stored_only_their_hashes(sessions: Any) -> None:
    clock = Clock()
    conversation = Conversation(lambda: CONTENT, sessions, clock=clock)
    codes = [await make_invite(sessions, clock, uses=2) for _ in range(3)]
    ana = Member(conversation, "tg:5101")
    await ana.send(Command("start", codes[0]))
    await ana.tap("Sí")
    await ana.send(Command("start", "not-a-real-code-xyz"))
    assert await cells_holding(sessions, *codes, "not-a-real-code-xyz") == []
    assert await count(sessions, Invite) == 3


async def test_expired_and_used_up_codes_are_refused_and_change_nothing(sessions: Any) -> None:
    clock = Clock()
    conversation = Conversation(lambda: CONTENT, sessions, clock=clock)
    once, short = await make_invite(sessions, clock, uses=1), await make_invite(sessions, clock, days=1)
    first = await consented(conversation, "tg:5201")
    assert "Ya formas parte" in await first.send(Command("start", once))
    second = await consented(conversation, "tg:5202")
    assert "ya se usó" in await second.send(Command("start", once))
    clock.advance(days=1, seconds=1)
    assert "venció" in await second.send(Command("start", short))
    assert await count(sessions, Membership) == 1


async def test_repeated_wrong_codes_are_slowed_down_even_across_a_restart(sessions: Any) -> None:
    clock = Clock()
    good = await make_invite(sessions, clock, uses=5)
    guesser = await consented(Conversation(lambda: CONTENT, sessions, clock=clock), "tg:5301")
    for n in range(MAX_WRONG_CODES):
        assert "No reconozco" in await guesser.send(Command("start", f"guess-{n:04d}-abcdefgh"))
    restarted = Conversation(lambda: CONTENT, sessions, clock=clock)  # a new process, same database
    guesser = Member(restarted, "tg:5301")
    said = await guesser.send(Command("start", good))  # even a right code is not looked at now
    assert SLOW in said and "No cambié nada" in said
    assert await count(sessions, Membership) == 0
    wrong = await count(sessions, AuditEntry, AuditEntry.action == "invite_wrong_code")
    assert wrong == MAX_WRONG_CODES  # a throttled attempt is not even counted: nothing was checked

    other = await consented(restarted, "tg:5302")  # someone else is not slowed down
    assert "Ya formas parte" in await other.send(Command("start", good))

    clock.advance(seconds=WRONG_CODE_WINDOW.total_seconds() + 1)
    assert "Ya formas parte" in await guesser.send(Command("start", good))


async def test_wrong_codes_spread_over_time_are_not_slowed_down(sessions: Any) -> None:
    clock = Clock()
    guesser = await consented(Conversation(lambda: CONTENT, sessions, clock=clock), "tg:5401")
    for n in range(3 * MAX_WRONG_CODES):
        said = await guesser.send(Command("start", f"typo-{n}"))
        assert "No reconozco" in said and SLOW not in said
        clock.advance(seconds=WRONG_CODE_WINDOW.total_seconds() / (MAX_WRONG_CODES - 1) + 1)


async def test_expired_or_used_codes_do_not_count_as_guesses(sessions: Any) -> None:
    clock = Clock()
    used = await make_invite(sessions, clock, uses=1)
    await (await consented(Conversation(lambda: CONTENT, sessions, clock=clock), "tg:5501")).send(
        Command("start", used))
    late = await consented(Conversation(lambda: CONTENT, sessions, clock=clock), "tg:5502")
    for _ in range(MAX_WRONG_CODES + 2):
        assert "ya se usó" in await late.send(Command("start", used))
    assert timedelta(0) < WRONG_CODE_WINDOW
