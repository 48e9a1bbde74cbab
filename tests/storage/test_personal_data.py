"""Erasing a person on every backend: their rows go, the secretariat's plan stays without their name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from flows.state import RunState
from storage import UnitOfWork
from storage.models import AuditEntry, Commitment, CommitmentChange, FlowRun, Membership, Person, Signoff

if TYPE_CHECKING:
    from tests.storage.conftest import Db


async def author(db: Db) -> tuple[int, int]:
    """Ana: a member with a run, a commitment she wrote, a change and a sign-off; (person, commitment)."""
    async with UnitOfWork(db.factory) as uow:
        secretariat = await uow.secretariats.add("STL Xalapa")
        ana = await uow.people.get_or_create("tg:1")
        ana.name, ana.sector = "Ana", "gobierno"
        await uow.memberships.add(ana, secretariat, "member")
        await uow.runs.start(ana, flow_id="kit5", content_version="v1", state=RunState("kit5", "q1"))
        commitment = await uow.commitments.create(secretariat.id, created_by=ana.id)
        uow.session.add(CommitmentChange(commitment_id=commitment.id, field="title", value="Agua", person_id=ana.id))
        uow.session.add(Signoff(commitment_id=commitment.id, person_id=ana.id, name="Ana", sector="gobierno",
                                decision="aprueba"))
        uow.session.add(AuditEntry(secretariat_id=secretariat.id, person_id=ana.id, action="x"))
        return ana.id, commitment.id


class TestStorageContract:
    async def test_the_summary_counts_what_is_kept(self, db: Db) -> None:
        await author(db)
        async with UnitOfWork(db.factory) as uow:
            ana = await uow.people.get("tg:1")
            assert ana is not None
            summary = await uow.personal.summary(ana)
        assert (summary.memberships, summary.runs, summary.changes) == ([("STL Xalapa", "member")], 1, 1)

    async def test_erasing_keeps_the_plan_and_forgets_the_person(self, db: Db) -> None:
        person_id, commitment_id = await author(db)
        async with UnitOfWork(db.factory) as uow:
            ana = await uow.people.get("tg:1")
            assert ana is not None
            erased = await uow.personal.erase(ana)
        assert (erased.runs, erased.memberships) == (1, 1)
        async with UnitOfWork(db.factory) as uow:
            s = uow.session
            assert await uow.people.get("tg:1") is None
            assert list(await s.scalars(select(FlowRun))) == []
            assert list(await s.scalars(select(Membership))) == []
            commitment = await s.get(Commitment, commitment_id)
            assert commitment is not None and commitment.created_by is None
            (change,) = await s.scalars(select(CommitmentChange))
            assert (change.value, change.person_id) == ("Agua", None)
            (signoff,) = await s.scalars(select(Signoff))
            assert (signoff.person_id, signoff.name, signoff.sector) == (None, None, "gobierno")
            entries = list(await s.scalars(select(AuditEntry)))  # the draft created, the change, …
            assert entries and all(entry.person_id is None for entry in entries)
            assert await s.get(Person, person_id) is None
