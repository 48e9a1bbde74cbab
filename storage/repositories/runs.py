"""Flow runs: where each person is in each flow."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from flows.state import ACTIVE, DONE, PAUSED, RunState
from storage.columns import utcnow
from storage.models import FlowRun, Person
from storage.repositories._sql import flush

_UNFINISHED = (ACTIVE, PAUSED)


class Runs:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, run_id: int) -> FlowRun | None:
        return await self._session.get(FlowRun, run_id)

    async def current(self, person: Person) -> FlowRun | None:
        """The active run the person's next message belongs to."""
        return await self._session.scalar(_newest(person, (ACTIVE,)))

    async def unfinished(self, person: Person, flow_id: str) -> FlowRun | None:
        """The run of this flow to resume, if the person left one active or paused."""
        statement = _newest(person, _UNFINISHED).where(FlowRun.flow_id == flow_id)
        return await self._session.scalar(statement)

    async def latest_unfinished(self, person: Person) -> FlowRun | None:
        """What to offer on "continuar": the most recently touched run not yet done."""
        return await self._session.scalar(_newest(person, _UNFINISHED))

    async def of_person(self, person: Person) -> list[FlowRun]:
        statement = (
            select(FlowRun)
            .where(FlowRun.person_id == person.id)
            .order_by(FlowRun.started_at, FlowRun.id)
        )
        return list(await self._session.scalars(statement))

    async def start(
        self,
        person: Person,
        *,
        flow_id: str,
        content_version: str,
        state: RunState,
        secretariat_id: int | None = None,
    ) -> FlowRun:
        if state.flow_id != flow_id:
            raise ValueError(f"state is for flow {state.flow_id!r}, not {flow_id!r}")
        run = FlowRun(
            person_id=person.id,
            secretariat_id=secretariat_id,
            flow_id=flow_id,
            content_version=content_version,
            step_id=state.step_id,
            status=state.status,
            state=state.to_json(),
        )
        self._session.add(run)
        await flush(self._session)
        return run

    async def pause_others(self, person: Person, except_run: FlowRun) -> list[FlowRun]:
        """Pause every other active run, so one person has one conversation at a time."""
        statement = select(FlowRun).where(
            FlowRun.person_id == person.id, FlowRun.status == ACTIVE, FlowRun.id != except_run.id
        )
        others = list(await self._session.scalars(statement))
        for run in others:
            # updated_at stays: "continuar" should still offer the run the person last moved in.
            self._write(run, RunState.from_json(run.state).evolve(status=PAUSED), touch=False)
        await flush(self._session)
        return others

    async def save(self, run: FlowRun, state: RunState) -> None:
        """Store the engine's new state. Raises ConcurrentUpdate if someone saved the run since
        it was loaded (the run may come from an earlier unit of work)."""
        self._session.add(run)
        self._write(run, state)
        await flush(self._session)

    @staticmethod
    def _write(run: FlowRun, state: RunState, *, touch: bool = True) -> None:
        now = utcnow()
        run.state = state.to_json()
        run.step_id = state.step_id
        run.status = state.status
        if state.status != DONE:
            run.finished_at = None
        elif run.finished_at is None:
            run.finished_at = now
        if touch:
            run.updated_at = now


def _newest(person: Person, statuses: Sequence[str]) -> Select[FlowRun]:
    return (
        select(FlowRun)
        .where(FlowRun.person_id == person.id, FlowRun.status.in_(statuses))
        .order_by(FlowRun.updated_at.desc(), FlowRun.id.desc())
        .limit(1)
    )
