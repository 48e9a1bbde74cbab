"""One unit of work per update: one transaction that commits on success and rolls back on error.

Usage::

    async with UnitOfWork(session_factory) as uow:
        person = await uow.people.get_or_create("tg:12345")
        await uow.people.lock(person)
        ...
        await uow.apply(person, run, new_state, events)
    # committed: only now may the adapter send the messages
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AsyncExitStack, suppress
from datetime import date
from types import TracebackType
from typing import Any, Self

from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from flows.events import Event, RecordWritten
from flows.state import RunState
from storage.columns import utcnow
from storage.db import read_only_options, writer_turn
from storage.errors import FieldsChanged, PlanError, translate_errors, translated, unavailable_on_connect
from storage.models import FlowRun, Person
from storage.records import Refusal, Repos, write_person, write_record
from storage.repositories import Commitments, Invites, Memberships, People, Plan, Runs, Secretariats, Updates
from storage.repositories.addresses import Addresses
from storage.repositories.arrivals import Arrivals
from storage.repositories.audit import AuditLog
from storage.repositories.comments import Comments
from storage.repositories.content_versions import ContentVersions
from storage.repositories.mutes import NoticeMutes
from storage.repositories.outbox import Outbox
from storage.repositories.personal_data import PersonalData
from storage.repositories.planning import Planning
from storage.repositories.rasa_links import RasaLinks
from storage.repositories.stats import Broadcasts, Stats


class Repositories:
    """Every repository of one unit of work, and nothing else: what a command handler gets (no
    session, no commit)."""

    people: People
    addresses: Addresses
    secretariats: Secretariats
    memberships: Memberships
    runs: Runs
    updates: Updates
    commitments: Commitments
    personal: PersonalData
    plan: Plan
    invites: Invites
    content_versions: ContentVersions
    stats: Stats
    broadcasts: Broadcasts
    outbox: Outbox
    planning: Planning
    audit: AuditLog
    rasa_links: RasaLinks
    arrivals: Arrivals
    comments: Comments
    mutes: NoticeMutes

    def _open(self, session: AsyncSession) -> None:
        self.people = People(session)
        self.addresses = Addresses(session)
        self.secretariats = Secretariats(session)
        self.memberships = Memberships(session)
        self.runs = Runs(session)
        self.updates = Updates(session)
        self.commitments = Commitments(session)
        self.personal = PersonalData(session)
        self.plan = Plan(session)
        self.invites = Invites(session)
        self.content_versions = ContentVersions(session)
        self.stats = Stats(session)
        self.broadcasts = Broadcasts(session)
        self.outbox = Outbox(session)
        self.planning = Planning(session)
        self.audit = AuditLog(session)
        self.rasa_links = RasaLinks(session)
        self.arrivals = Arrivals(session)
        self.comments = Comments(session)
        self.mutes = NoticeMutes(session)

    def repositories(self) -> Repositories:
        """The same repositories, without what holds them (a unit of work's session and commit)."""
        found = Repositories()
        found.__dict__.update({name: getattr(self, name) for name in Repositories.__annotations__})
        return found


class UnitOfWork(Repositories):
    """Opens the transaction on entry. On SQLite that takes the write lock at once, unless the unit
    of work is `read_only`: then it waits for no writer (and on PostgreSQL any write in it fails)."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], *, read_only: bool = False) -> None:
        self._factory = session_factory
        self._read_only = read_only
        self._session: AsyncSession | None = None
        self._turn = AsyncExitStack()

    @property
    def session(self) -> AsyncSession:
        """The underlying session, for queries no repository offers yet."""
        if self._session is None:
            raise RuntimeError("UnitOfWork is used outside `async with`")
        return self._session

    async def __aenter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("a UnitOfWork cannot be entered twice")
        session = self._factory()
        try:
            if not self._read_only and isinstance(session.bind, AsyncEngine):
                await self._turn.enter_async_context(writer_turn(session.bind))
            with unavailable_on_connect(str(getattr(session.bind, "url", "?"))):
                await session.connection(execution_options=self._options(session))
        except BaseException:
            try:
                await session.close()
            finally:
                await self._turn.aclose()
            raise
        self._session = session
        self._open(session)
        return self

    def _options(self, session: AsyncSession) -> dict[str, Any] | None:
        if not self._read_only:
            return None
        if not isinstance(session.bind, AsyncEngine):
            raise TypeError("a read-only UnitOfWork needs sessions bound to one engine")
        return read_only_options(session.bind)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            if exc is None:
                with translate_errors():
                    await session.commit()
                return
            # If the connection is gone, the error that got us here matters more.
            with suppress(sa_exc.DBAPIError, OSError):
                await session.rollback()
        finally:
            try:
                await session.close()
            finally:
                await self._turn.aclose()
        mapped = translated(exc)
        if mapped is not None:
            raise mapped from exc

    async def apply(
        self,
        person: Person,
        run: FlowRun,
        new_state: RunState,
        events: Sequence[Event],
        *,
        today: date | None = None,
    ) -> Refusal | None:
        """Apply one engine step: write its records, then save the run's new state.

        Each record is written inside a savepoint. A record the plan refuses (another secretariat's
        commitment, a report with nothing due, a sign-off out of review) is rolled back alone; the
        run's state is then NOT saved and the refusal is returned for the caller to tell the person.
        Messages are not sent here: the caller sends them after the commit.
        """
        self.session.add(person)
        repos = Repos(self.commitments, self.secretariats, self.memberships, self.plan, self.comments)
        for index, event in enumerate(events):
            if not isinstance(event, RecordWritten):
                continue  # the state save below covers answers, pauses and ends
            if event.record == "person":
                write_person(person, event.fields)
                continue
            try:
                async with self.session.begin_nested():
                    await write_record(repos, person, run, event, today or utcnow().date())
            except FieldsChanged as changed:  # asked again, with what the record holds now
                if run in self.session:  # the savepoint's rollback expired what it had changed
                    await self.session.refresh(run)
                return Refusal(index, changed.key, changed.params, event.step_id, again=True)
            except PlanError as refused:
                # The savepoint's rollback expired what it touched (the run chose its commitment):
                # read it back here, where the caller cannot lazily load it.
                await self.session.refresh(run)
                return Refusal(index, refused.key, refused.params, event.chosen_at)
        await self.runs.save(run, new_state)
        return None
