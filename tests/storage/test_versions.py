"""Versions bound to signatures, on every backend: the text frozen in review, a round closed by a return to
draft, each decision on the version it signed, approval only on the text as it reads now, amendments."""

from __future__ import annotations

from datetime import date

import pytest

from flows.plan import LifecycleError, versions
from storage import UnitOfWork
from storage.errors import Frozen, PlanError, StaleSignatures
from storage.models import Commitment, Person
from tests.storage.conftest import Db, refused_saying, told


async def _setup(db: Db) -> tuple[int, int]:
    """A secretariat with a coordinator (Carla) and a commitment ready for review: (secretariat, commitment)."""
    async with UnitOfWork(db.factory) as uow:
        stl = await uow.secretariats.add("STL Oaxaca")
        carla = await uow.people.get_or_create("tg:9", name="Carla Ruiz")
        await uow.memberships.add(carla, stl, "coordinator")
        commitment = await uow.commitments.create(stl.id, created_by=carla.id)
        await uow.plan.set_fields(commitment, {"title": "Agua", "objective": "Agua diaria",
                                               "start_date": "2027-01-01", "end_date": "2027-12-31"}, carla)
        await uow.plan.add_milestone(commitment, output="Calendario publicado", due_date=date(2027, 3, 1),
                                     responsible="CEA", person=carla)
        return stl.id, commitment.id


async def _person(uow: UnitOfWork, key: str, name: str, sector: str | None) -> Person:
    person = await uow.people.get_or_create(key, name=name)
    person.sector = sector
    return person


async def _commitment(uow: UnitOfWork, secretariat_id: int, commitment_id: int) -> Commitment:
    found = await uow.plan.commitment(secretariat_id, commitment_id)
    assert found is not None
    return found


class TestStorageContract:
    async def test_in_review_the_text_is_frozen_and_a_version_keeps_what_was_sent(self, db: Db) -> None:
        stl, cid = await _setup(db)
        async with UnitOfWork(db.factory) as uow:
            commitment = await _commitment(uow, stl, cid)
            await uow.plan.move(commitment, "en_revision", None)
            version = await uow.plan.versions.open(cid)
            assert version is not None and version.number == 1
            assert version.snapshot["fields"]["objective"] == "Agua diaria"
            assert version.snapshot["milestones"] == [
                {"output": "Calendario publicado", "due_date": "2027-03-01", "responsible": "CEA"}]
            assert version.digest == versions.digest(await uow.plan.content(commitment))
            with refused_saying(Frozen, "Carla Ruiz") as frozen:
                await uow.plan.set_fields(commitment, {"objective": "Agua cada tercer día"}, None)
            assert "/estado 1 borrador" in told(frozen.value).replace(str(cid), "1")
            with refused_saying(Frozen, "está en revisión"):
                await uow.plan.add_milestone(commitment, output="Otro", due_date=None, responsible=None, person=None)
            with refused_saying(Frozen, "está en revisión"):
                await uow.plan.add_indicator(commitment, name="Colonias", unit=None, baseline=None, target=None,
                                             frequency="trimestral", first_due=None, person=None)
            # follow-up fields are not signed text; the same value again is no change
            await uow.plan.set_fields(commitment, {"lessons_learned": "Hablar antes con los comités"}, None)
            await uow.plan.set_fields(commitment, {"objective": "Agua diaria"}, None)
        async with UnitOfWork(db.factory) as uow:
            commitment = await _commitment(uow, stl, cid)
            assert commitment.fields["objective"] == "Agua diaria"
            assert [m.output for m in await uow.plan.milestones(cid)] == ["Calendario publicado"]

    async def test_return_to_draft_closes_the_round_and_signatures_stay_as_history(self, db: Db) -> None:
        stl, cid = await _setup(db)
        async with UnitOfWork(db.factory) as uow:
            ana = await _person(uow, "tg:1", "Ana", "gobierno")
            commitment = await _commitment(uow, stl, cid)
            await uow.plan.move(commitment, "en_revision", None)
            await uow.plan.sign(commitment, ana, "aprueba", None)
            await uow.plan.move(commitment, "borrador", None)
            await uow.plan.set_fields(commitment, {"objective": "Agua diaria en 20 colonias"}, None)
            await uow.plan.move(commitment, "en_revision", None)
        async with UnitOfWork(db.factory) as uow:
            ana = await _person(uow, "tg:1", "Ana", "gobierno")
            assert await uow.plan.signoffs(cid) == []  # the decision on version 1 no longer counts
            [old] = await uow.plan.versions.signoffs(cid)
            assert old.lapsed_at is not None and old.decision == "aprueba"
            first, second = await uow.plan.versions.of(cid)
            assert (first.number, second.number) == (1, 2)
            assert first.returned_at is not None and second.returned_at is None
            assert first.digest != second.digest
            returned = [e.detail for e in await uow.plan.audit_log(stl)
                        if e.action == "commitment_status" and e.detail["to"] == "borrador"]
            assert returned == [{"commitment_id": cid, "from": "en_revision", "to": "borrador", "version": 1,
                                 "lapsed": [ana.id]}]

    async def test_each_decision_keeps_its_version_and_approval_needs_all_on_the_text_now(self, db: Db) -> None:
        stl, cid = await _setup(db)
        async with UnitOfWork(db.factory) as uow:
            ana = await _person(uow, "tg:1", "Ana", "gobierno")
            beto = await _person(uow, "tg:2", "Beto", "sociedad_civil")
            commitment = await _commitment(uow, stl, cid)
            await uow.plan.move(commitment, "en_revision", None)
            await uow.plan.sign(commitment, ana, "aprueba", None)
            await uow.plan.sign(commitment, beto, "aprueba", None)
            version = await uow.plan.versions.open(cid)
            assert version is not None
            assert {s.version_id for s in await uow.plan.signoffs(cid)} == {version.id}
            signed = [e.detail for e in await uow.plan.audit_log(stl) if e.action == "commitment_signed"]
            assert signed[0]["version"] == 1 and signed[0]["digest"] == version.digest[:8]
            # written behind the freeze (as an old client could): the signatures are on another text now
            await uow.commitments.update_fields(commitment, {"objective": "Otro texto"}, None)
            with refused_saying(StaleSignatures, "Ana, Beto"):
                await uow.plan.move(commitment, "aprobado", None)
            await uow.commitments.update_fields(commitment, {"objective": "Agua diaria"}, None)
            await uow.plan.move(commitment, "aprobado", None)
        async with UnitOfWork(db.factory) as uow:
            approved = await uow.plan.versions.approved(cid)
            assert approved is not None and approved.number == 1 and approved.approved_at is not None

    async def test_an_amendment_is_edited_reviewed_signed_and_approved_like_the_original(self, db: Db) -> None:
        stl, cid = await _setup(db)
        async with UnitOfWork(db.factory) as uow:
            ana = await _person(uow, "tg:1", "Ana", "gobierno")
            beto = await _person(uow, "tg:2", "Beto", "sociedad_civil")
            commitment = await _commitment(uow, stl, cid)
            with refused_saying(PlanError, "está borrador"):
                await uow.plan.open_amendment(commitment, "mover una fecha", None)
            await uow.plan.move(commitment, "en_revision", None)
            await uow.plan.sign(commitment, ana, "aprueba", None)
            await uow.plan.sign(commitment, beto, "aprueba", None)
            await uow.plan.move(commitment, "aprobado", None)
            await uow.plan.move(commitment, "en_implementacion", None)
            with refused_saying(Frozen, "/enmienda"):
                await uow.plan.set_fields(commitment, {"end_date": "2028-06-30"}, None)
            with refused_saying(PlanError, "motivo"):
                await uow.plan.open_amendment(commitment, "  ", None)
            amendment = await uow.plan.open_amendment(commitment, "El presupuesto llega en mayo", None)
            with refused_saying(PlanError, "ya tiene abierta la enmienda 1"):
                await uow.plan.open_amendment(commitment, "otra", None)
            assert await uow.plan.signoffs(cid) == []  # the approved version's signatures are history now
            [milestone] = await uow.plan.milestones(cid)
            await uow.plan.guard(commitment)  # the amendment's draft is open to edits
            milestone.due_date = date(2027, 5, 15)
            with pytest.raises(LifecycleError):
                await uow.plan.move(commitment, "aprobado", None)  # not in review yet
            await uow.plan.move(commitment, "en_revision", None)
            assert await uow.plan.stage(commitment) == "en_revision"
            await uow.plan.sign(commitment, ana, "aprueba", None)
            await uow.plan.sign(commitment, beto, "aprueba", None)
            await uow.plan.move(commitment, "aprobado", None)
        async with UnitOfWork(db.factory) as uow:
            commitment = await _commitment(uow, stl, cid)
            assert commitment.status == "en_implementacion"  # the amendment's approval keeps the status
            assert amendment.id == (await uow.plan.versions.amendments(cid))[0].id
            assert (await uow.plan.versions.amendments(cid))[0].stage == "aprobada"
            approved = await uow.plan.versions.approved(cid)
            assert approved is not None and approved.number == 2 and approved.amendment_id == amendment.id
            assert approved.snapshot["milestones"][0]["due_date"] == "2027-05-15"
            assert (await uow.plan.versions.of(cid))[0].snapshot["milestones"][0]["due_date"] == "2027-03-01"
            actions = [e.action for e in await uow.plan.audit_log(stl)]
            assert [a for a in actions if a.startswith("amendment_")] == [
                "amendment_opened", "amendment_sent", "amendment_approved"]
            with refused_saying(Frozen, "/enmienda"):
                await uow.plan.set_fields(commitment, {"objective": "Otra vez"}, None)
