"""Flow runs: where each person is in each flow."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, bindparam, inspect, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from flows.state import ACTIVE, DONE, PAUSED, RunState
from storage.columns import utcnow
from storage.errors import STALE_ROW, ConcurrentUpdate, translate_errors
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
        return await self._session.scalar(_CURRENT, {"person_id": person.id})

    async def unfinished(self, person: Person, flow_id: str, secretariat_id: int | None = None) -> FlowRun | None:
        """The run of this flow to resume, if the person left one active or paused; with
        `secretariat_id`, only one of that secretariat (or of none)."""
        statement = _LATEST_UNFINISHED.where(FlowRun.flow_id == flow_id)
        if secretariat_id is not None:
            statement = statement.where(or_(FlowRun.secretariat_id.is_(None), FlowRun.secretariat_id == secretariat_id))
        return await self._session.scalar(statement, {"person_id": person.id})

    async def pause(self, run: FlowRun) -> None:
        """Put the run aside (it stays where it was, to resume later)."""
        self._write(run, RunState.from_json(run.state).evolve(status=PAUSED), touch=False)
        await flush(self._session)

    async def latest_finished_answers(
        self, flow_id: str, secretariat_id: int, person_ids: Sequence[int]
    ) -> list[dict[str, object]]:
        """The answers of each person's latest finished run of `flow_id` for this secretariat."""
        if not person_ids:
            return []
        statement = (select(FlowRun).where(FlowRun.flow_id == flow_id, FlowRun.status == DONE,
                                           FlowRun.secretariat_id == secretariat_id,
                                           FlowRun.person_id.in_(person_ids))
                     .order_by(FlowRun.person_id, FlowRun.updated_at, FlowRun.id))
        latest: dict[int, FlowRun] = {}
        for run in await self._session.scalars(statement):
            latest[run.person_id] = run  # ordered oldest first: the last one wins
        return [dict((run.state or {}).get("answers") or {}) for run in latest.values()]

    async def latest_answers(self, person: Person, flow_id: str, secretariat_id: int | None) -> dict[str, object]:
        """This person's answers in their most recent run of `flow_id` (finished or not), in this
        secretariat when there is one: what a later kit offers again (`default_from`)."""
        statement = select(FlowRun).where(FlowRun.person_id == person.id, FlowRun.flow_id == flow_id)
        if secretariat_id is not None:
            statement = statement.where(FlowRun.secretariat_id == secretariat_id)
        run = await self._session.scalar(statement.order_by(FlowRun.updated_at.desc(), FlowRun.id.desc()).limit(1))
        return dict((run.state or {}).get("answers") or {}) if run is not None else {}

    async def latest_unfinished(self, person: Person) -> FlowRun | None:
        """What to offer on "continuar": the most recently touched run not yet done."""
        return await self._session.scalar(_LATEST_UNFINISHED, {"person_id": person.id})

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
        it was loaded (the run may come from an earlier unit of work).

        Once per update: one UPDATE on the connection that checks and bumps `lock_version`, as the
        ORM's flush would, at a third of its cost; the run then holds the stored values as loaded.
        """
        self._session.add(run)
        if inspect(run).pending:  # started in this unit of work and not yet inserted
            self._write(run, state)
            await flush(self._session)
            return
        values = {"state": state.to_json(), "step_id": state.step_id, "status": state.status,
                  "finished_at": _finished_at(run, state), "updated_at": utcnow(),
                  "next_version": run.lock_version + 1}
        connection = await self._session.connection()
        with translate_errors():
            result = await connection.execute(_SAVE, {**values, "run_id": run.id, "version": run.lock_version})
        if result.rowcount != 1:
            raise ConcurrentUpdate(STALE_ROW)
        values["lock_version"] = values.pop("next_version")
        for name, value in values.items():
            set_committed_value(run, name, value)

    @staticmethod
    def _write(run: FlowRun, state: RunState, *, touch: bool = True) -> None:
        run.state = state.to_json()
        run.step_id = state.step_id
        run.status = state.status
        run.finished_at = _finished_at(run, state)
        if touch:
            run.updated_at = utcnow()


def _finished_at(run: FlowRun, state: RunState) -> datetime | None:
    if state.status != DONE:
        return None
    return run.finished_at or utcnow()


def _newest(statuses: Sequence[str]) -> Select[FlowRun]:
    """The person's (parameter `person_id`) most recently moved run in one of `statuses`."""
    return (
        select(FlowRun)
        .where(FlowRun.person_id == bindparam("person_id"), FlowRun.status.in_(statuses))
        .order_by(FlowRun.updated_at.desc(), FlowRun.id.desc())
        .limit(1)
    )


_COLUMNS = FlowRun.__table__.c
_SAVE = (  # written on every update: built once, as building a statement costs more than running it
    update(FlowRun)
    .where(_COLUMNS.id == bindparam("run_id"), _COLUMNS.lock_version == bindparam("version"))
    .values({name: bindparam(name, type_=_COLUMNS[name].type)
             for name in ("state", "step_id", "status", "finished_at", "updated_at")}
            | {"lock_version": bindparam("next_version")})
)
# Read on every update: built once, as building a statement costs more than running it on SQLite.
_CURRENT = _newest((ACTIVE,))
_LATEST_UNFINISHED = _newest(_UNFINISHED)
