"""Who wrote, as one statement: the person (locked until commit), their current run and secretariat.

Every update starts here, so it is one round trip rather than three or four: the person by key,
locked (PostgreSQL: FOR UPDATE OF people, which also reloads them as the previous holder of the
lock left them; SQLite: the unit of work already holds the database's write lock), with their
active run (the newest one) and the secretariat they act in (secretariats.acting_for), both as
outer joins.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from flows.state import ACTIVE
from storage.models import FlowRun, Membership, Person, Secretariat
from storage.repositories.secretariats import ACTING_ORDER

_CURRENT_RUN = (
    select(FlowRun.id).where(FlowRun.person_id == Person.id, FlowRun.status == ACTIVE)
    .order_by(FlowRun.updated_at.desc(), FlowRun.id.desc()).limit(1).correlate(Person).scalar_subquery()
)
_ACTING_SECRETARIAT = (
    select(Membership.secretariat_id).where(Membership.person_id == Person.id)
    .order_by(*ACTING_ORDER).limit(1).correlate(Person).scalar_subquery()
)
# Read on every update: built once, as building a statement costs more than running it on SQLite.
_ARRIVAL = (
    select(Person, FlowRun, Secretariat)
    .outerjoin(FlowRun, FlowRun.id == _CURRENT_RUN)
    .outerjoin(Secretariat, Secretariat.id == _ACTING_SECRETARIAT)
    .where(Person.key == bindparam("key"))
    .with_for_update(of=Person)
    .execution_options(populate_existing=True)
)


@dataclass(frozen=True)
class Arrival:
    person: Person
    current: FlowRun | None  # the run their next message belongs to (runs.current)
    secretariat: Secretariat | None  # the one they act in (secretariats.acting_for)


class Arrivals:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def locked(self, key: str) -> Arrival | None:
        """The person with this key, locked, with their current run and secretariat; None if new."""
        row = (await self._session.execute(_ARRIVAL, {"key": key})).first()
        return None if row is None else Arrival(*row)
