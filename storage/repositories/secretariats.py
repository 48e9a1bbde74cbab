"""Secretariats (STL or mesa técnica)."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import DEFAULT_TIMEZONE, KINDS, Membership, Person, Secretariat
from storage.repositories._sql import flush

# Where a person acts: the membership marked acting (/secretariado), else the one joined first.
# The order is shared with storage/repositories/arrivals.py, which reads it inside its one statement.
ACTING_ORDER = (Membership.acting.desc(), Membership.joined_at, Membership.id)
# Read on every update: built once, as building a statement costs more than running it on SQLite.
_ACTING_FOR = (
    select(Secretariat)
    .join(Membership, Membership.secretariat_id == Secretariat.id)
    .where(Membership.person_id == bindparam("person_id"))
    .order_by(*ACTING_ORDER)
    .limit(1)
)


class Secretariats:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self,
        name: str,
        *,
        kind: str = "stl",
        timezone: str = DEFAULT_TIMEZONE,
        territory: str | None = None,
        data_controller: str | None = None,
    ) -> Secretariat:
        """A new secretariat. ValueError (in Spanish, for the CLI) on a bad kind or time zone."""
        if kind not in KINDS:
            raise ValueError(f"Tipo de secretariado desconocido: {kind!r} (usa stl o mesa).")
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"Zona horaria desconocida: {timezone!r}.") from exc
        secretariat = Secretariat(name=name, kind=kind, timezone=timezone, territory=territory)
        if data_controller:  # else the column's server default (empty: the coordination)
            secretariat.data_controller = _controller(data_controller)
        self._session.add(secretariat)
        await flush(self._session)
        return secretariat

    async def set_data_controller(self, secretariat: Secretariat, who: str | None) -> None:
        """Name who is responsible for the members' data; empty: the coordination again."""
        secretariat.data_controller = _controller(who)
        await flush(self._session)

    async def data_controller(self, secretariat_id: int) -> str:
        """Who the privacy notice names as responsible for the data ('' for the coordination)."""
        statement = select(Secretariat.data_controller).where(Secretariat.id == secretariat_id)
        return str(await self._session.scalar(statement) or "")

    async def get(self, secretariat_id: int) -> Secretariat | None:
        return await self._session.get(Secretariat, secretariat_id)

    async def acting_for(self, person: Person) -> Secretariat | None:
        """The secretariat the person acts in: the one they chose, else the one they joined first."""
        return await self._session.scalar(_ACTING_FOR, {"person_id": person.id})

    async def of_person(self, person: Person) -> list[Secretariat]:
        """Every secretariat the person belongs to, in the order they joined (as /secretariado numbers them)."""
        statement = (select(Secretariat).join(Membership, Membership.secretariat_id == Secretariat.id)
                     .where(Membership.person_id == person.id).order_by(Membership.joined_at, Membership.id))
        return list(await self._session.scalars(statement))

    async def named(self, name: str) -> Secretariat | None:
        """The oldest secretariat with this exact name (the terminal's local one, say)."""
        statement = select(Secretariat).where(Secretariat.name == name).order_by(Secretariat.id).limit(1)
        return await self._session.scalar(statement)


DATA_CONTROLLER_MAX = 200


def _controller(who: str | None) -> str:
    """A data controller as the notice will read it: trimmed, or empty for the default."""
    who = " ".join((who or "").split())
    if len(who) > DATA_CONTROLLER_MAX:
        raise ValueError(f"El responsable de los datos admite hasta {DATA_CONTROLLER_MAX} caracteres.")
    return who
