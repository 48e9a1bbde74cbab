"""What a command handler works with: the person, their secretariat, repositories, the clock, the
content, and ways to answer. Never a database session: queries are repository methods.

A handler reads and writes through `ctx.repos`, answers with `say`/`send`, and asks for what happens
after the commit with `effect` (slow drawing: `render_later`). The built-in commands also steer
runs (`start_flow`, `resume`, …).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.effects import Render
from bot.local_time import today_for, zone_of
from bot.texts import ui_text
from flows.events import MessageOut
from flows.inputs import Input

if TYPE_CHECKING:
    from collections.abc import Callable

    from bot.effects import Effect, Rendered
    from bot.export.snapshot import PlanSnapshot
    from bot.turn import Turn
    from flows.model import Content
    from storage import Repositories
    from storage.models import FlowRun, Person, Secretariat


class Context:
    def __init__(self, turn: Turn) -> None:
        self._turn = turn
        self.person: Person = turn.person
        self.content: Content = turn.content
        self.now: datetime = turn.now  # UTC; `today()` is the secretariat's date
        self.group_chat: int | None = turn.group_chat  # the group chat it came from (None: private)
        self.repos: Repositories = turn.uow.repositories()

    # -- who, where, when --------------------------------------------------------------------------
    @property
    def is_admin(self) -> bool:
        return self._turn.is_admin

    @property
    def bot_username(self) -> str | None:
        return self._turn.host.bot_username

    @property
    def content_source(self) -> Callable[[], Content]:
        return self._turn.host.content_source

    async def secretariat_if_any(self) -> Secretariat | None:
        """The secretariat they act in; None when they belong to none."""
        found: Secretariat | None = await self._turn.secretariat()
        return found

    async def secretariat(self) -> Secretariat:
        """The secretariat they act in, for MEMBER commands and up (the role gate made sure of one)."""
        found = await self.secretariat_if_any()
        if found is None:
            raise LookupError(f"{self.person.key} acts in no secretariat: a command of role ANYONE asked")
        return found

    def joined(self, secretariat: Secretariat) -> None:
        """They joined `secretariat` just now (an invite): what `secretariat()` says from now on, if
        they were in none before."""
        self._turn.joined(secretariat)

    def acts_in(self, secretariat: Secretariat) -> None:
        """They chose `secretariat` (/secretariado): what `secretariat()` says from now on."""
        self._turn.acts_in(secretariat)

    async def zone(self) -> ZoneInfo:
        return zone_of(await self.secretariat_if_any())

    async def today(self) -> date:
        """Today where their secretariat is (Mexico City's for someone in none)."""
        return today_for(await self.secretariat_if_any(), self.now)

    async def plan_snapshot(self, secretariat_id: int) -> PlanSnapshot | None:
        """One secretariat's plan as plain values (None: it no longer exists)."""
        return await self._turn.plan_snapshot(secretariat_id)

    # -- answers -----------------------------------------------------------------------------------
    def text(self, key: str, **params: Any) -> str:
        return ui_text(self.content, key, **params)

    def say(self, key: str, **params: Any) -> None:
        self._turn.say(key, **params)

    def send(self, *messages: MessageOut, at: int | None = None) -> None:
        """Add messages to the reply (at position `at`: before what was already said after it)."""
        replied = self._turn.reply.messages
        position = len(replied) if at is None else at
        replied[position:position] = messages

    @property
    def said(self) -> int:
        """How many messages the reply holds so far: a position for `send(at=…)` and `unsay`."""
        return len(self._turn.reply.messages)

    def unsay(self, since: int, until: int) -> None:
        """Drop the messages said between two positions (a question answered in the same turn)."""
        del self._turn.reply.messages[since:until]

    def effect(self, effect: Effect) -> None:
        """Something to do after the commit (bot/effects.py)."""
        self._turn.reply.effects.append(effect)

    def render_later(self, work: Callable[[], Rendered]) -> None:
        """Draw after the commit, in a worker thread: `work` must use only plain values (no
        repository, no database row), since the unit of work is closed by then."""
        self.effect(Render(work, len(self._turn.reply.messages)))

    # -- runs (the built-in commands) ----------------------------------------------------------------
    async def start_flow(self, flow_id: str, *, commitment_id: int | None = None,
                         preset: dict[str, Any] | None = None) -> FlowRun | None:
        return await self._turn.start_flow(flow_id, commitment_id=commitment_id, preset=preset)

    async def resume(self, run: FlowRun) -> None:
        await self._turn.resume(run)

    async def resume_or_start(self, flow_id: str) -> None:
        await self._turn.resume_or_start(flow_id)

    async def step(self, run: FlowRun, inp: Input, *, fresh: bool = False) -> None:
        await self._turn.step(run, inp, fresh=fresh)

    def kit_named(self, name: str) -> str | None:
        return self._turn.kit_named(name)

    async def latest_kit_run(self, *, anywhere: bool = False, flow_id: str | None = None) -> FlowRun | None:
        return await self._turn.latest_kit_run(anywhere, flow_id)

    async def newest_first(self) -> list[FlowRun]:
        return await self._turn.newest_first()

    def glossary(self, text: str, *, always: bool = False) -> bool:
        return self._turn.glossary(text, always)
