"""Records a flow writes, applied on every backend: into a chosen commitment of the person's own
secretariat only; a refused record is rolled back alone and comes back as a Spanish message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flows import engine
from flows.events import AnswerSaved, Event, RecordWritten
from flows.state import RunState
from storage import UnitOfWork
from storage.models import Person
from tests.storage.conftest import Db, told

TODAY = date(2027, 1, 10)


@dataclass
class World:
    stl: int
    other: int
    mine: int  # a commitment of Ana's secretariat
    theirs: int  # a commitment of another secretariat


async def _world(db: Db) -> World:
    async with UnitOfWork(db.factory) as uow:
        stl = await uow.secretariats.add("STL Zapopan")
        other = await uow.secretariats.add("STL Mérida")
        ana = await uow.people.get_or_create("tg:1", name="Ana")
        ana.sector = "sociedad_civil"
        await uow.memberships.add(ana, stl, "member")
        mine = await uow.commitments.create(stl.id, created_by=ana.id)
        await uow.plan.set_fields(mine, {"title": "Agua potable para colonias"}, ana)
        theirs = await uow.commitments.create(other.id)
        await uow.plan.set_fields(theirs, {"title": "Alumbrado"}, None)
        return World(stl.id, other.id, mine.id, theirs.id)


async def _apply(db: Db, world: World, *events: Event, flow: str = "kit8") -> object:
    """One engine step's events applied for Ana in a fresh run; returns the refusal, if any."""
    async with UnitOfWork(db.factory) as uow:
        ana = await uow.people.get_or_create("tg:1")
        run = await uow.runs.start(ana, flow_id=flow, content_version="v", state=engine.start(flow),
                                   secretariat_id=world.stl)
        state = RunState(flow_id=flow, step_id="fin", answers={"listo": True})
        return await uow.apply(ana, run, state, list(events), today=TODAY)


def _on(world_commitment: int, record: str, **fields: object) -> RecordWritten:
    return RecordWritten(record, dict(fields), commitment=str(world_commitment), chosen_at="compromiso")


class TestStorageContract:
    async def test_kit_6_and_8_write_into_the_chosen_commitment(self, db: Db) -> None:
        world = await _world(db)
        refusal = await _apply(
            db, world,
            _on(world.mine, "commitment", effects="Familias compran pipas", root_causes="Tuberías viejas",
                ods_goals=["6"], ods_targets=["6.1", "6.b"], start_date="2026-03-01", end_date="2027-12-31"),
            _on(world.mine, "milestone", output="Calendario de tandeo publicado", due_date="2026-06-30",
                responsible="SIAPA"),
            _on(world.mine, "milestone", output="Comités vecinales instalados", due_date="2026-09-15",
                responsible=None),
            _on(world.mine, "indicator", name="Colonias con horario publicado", unit="colonias", baseline=0,
                target=40, frequency="trimestral", first_due="2026-06-30", last_due=None, responsible="SIAPA"),
        )
        assert refusal is None
        async with UnitOfWork(db.factory) as uow:
            commitment = await uow.plan.commitment(world.stl, world.mine)
            assert commitment is not None
            assert commitment.title == "Agua potable para colonias"  # Kit 5's fields are kept
            assert commitment.fields["ods_targets"] == ["6.1", "6.b"]
            assert commitment.fields["root_causes"] == "Tuberías viejas"
            milestones = await uow.plan.milestones(world.mine)
            assert [(m.output, m.due_date, m.responsible) for m in milestones] == [
                ("Calendario de tandeo publicado", date(2026, 6, 30), "SIAPA"),
                ("Comités vecinales instalados", date(2026, 9, 15), None),
            ]
            [indicator] = await uow.plan.indicators(world.mine)
            assert (indicator.name, indicator.unit, indicator.baseline, indicator.target, indicator.frequency,
                    indicator.first_due) == ("Colonias con horario publicado", "colonias", 0, 40, "trimestral",
                                             date(2026, 6, 30))
            history = await uow.plan.history(world.mine)
            assert {h.field for h in history} >= {"effects", "ods_targets"}
            run = (await uow.runs.of_person(await uow.people.get_or_create("tg:1")))[0]
            assert run.commitment_id == world.mine  # the run now works on that commitment

    async def test_another_secretariats_commitment_is_refused_and_nothing_is_written(self, db: Db) -> None:
        world = await _world(db)
        refusal = await _apply(
            db, world,
            _on(world.mine, "milestone", output="Esto sí se escribiría", due_date=None, responsible=None),
            AnswerSaved("x", 1, "x"),
            _on(world.theirs, "milestone", output="Hito ajeno", due_date=None, responsible=None),
        )
        assert refusal is not None
        assert refusal.index == 2 and refusal.step_id == "compromiso"  # type: ignore[attr-defined]
        assert "no es de tu secretariado" in told(refusal)
        async with UnitOfWork(db.factory) as uow:
            assert await uow.plan.milestones(world.theirs) == []
            theirs = await uow.commitments.get(world.theirs)
            assert theirs is not None and theirs.fields == {"title": "Alumbrado"}

    async def test_a_made_up_commitment_id_is_refused(self, db: Db) -> None:
        world = await _world(db)
        refusal = await _apply(db, world, _on(9999, "commitment", effects="x"))
        assert refusal is not None and "no es de tu secretariado" in told(refusal)

    async def test_a_report_lands_on_the_period_due_with_its_evidence(self, db: Db) -> None:
        world = await _world(db)
        await _apply(db, world, _on(world.mine, "indicator", name="Colonias con servicio diario", unit="colonias",
                                    baseline=5, target=40, frequency="unica", first_due="2026-12-31"))
        async with UnitOfWork(db.factory) as uow:
            [indicator] = await uow.plan.indicators(world.mine)
        report = RecordWritten("indicator_report", {
            "indicator": str(indicator.id), "value": 12, "note": "Ya hay 12 colonias",
            "evidence": {"kind": "photo", "ref": "AgACAgIA", "name": None}}, chosen_at="indicador")
        assert await _apply(db, world, report, flow="reportar") is None
        async with UnitOfWork(db.factory) as uow:
            [row] = await uow.plan.reports(indicator.id)
            assert (row.value, row.note, row.evidence_kind, row.evidence, row.period_due) == (
                12, "Ya hay 12 colonias", "photo", "AgACAgIA", date(2026, 12, 31))
        again = await _apply(db, world, report, flow="reportar")
        assert again is not None and "ya tiene reportados todos sus periodos" in told(again)
        async with UnitOfWork(db.factory) as uow:
            assert len(await uow.plan.reports(indicator.id)) == 1

    async def test_a_report_on_another_secretariats_indicator_is_refused(self, db: Db) -> None:
        world = await _world(db)
        async with UnitOfWork(db.factory) as uow:
            theirs = await uow.commitments.get(world.theirs)
            assert theirs is not None
            indicator = await uow.plan.add_indicator(theirs, name="Luminarias", unit=None, baseline=0, target=10,
                                                     frequency="unica", first_due=date(2026, 12, 31), person=None)
        refusal = await _apply(db, world, RecordWritten("indicator_report", {"indicator": str(indicator.id),
                                                                            "value": 3}), flow="reportar")
        assert refusal is not None and "no es de tu secretariado" in told(refusal)
        async with UnitOfWork(db.factory) as uow:
            assert await uow.plan.reports(indicator.id) == []

    async def test_a_signoff_needs_the_commitment_in_review(self, db: Db) -> None:
        world = await _world(db)
        refusal = await _apply(db, world, _on(world.mine, "signoff", decision="aprueba", reason=None), flow="firmar")
        assert refusal is not None and "en revisión" in told(refusal)
        async with UnitOfWork(db.factory) as uow:
            commitment = await uow.plan.commitment(world.stl, world.mine)
            assert commitment is not None
            commitment.status = "en_revision"
        assert await _apply(db, world, _on(world.mine, "signoff", decision="disiente",
                                           reason="Falta presupuesto para las pipas"), flow="firmar") is None
        async with UnitOfWork(db.factory) as uow:
            [signoff] = await uow.plan.signoffs(world.mine)
            assert (signoff.name, signoff.sector, signoff.decision, signoff.reason) == (
                "Ana", "sociedad_civil", "disiente", "Falta presupuesto para las pipas")

    async def test_a_refused_record_leaves_the_run_where_it_was(self, db: Db) -> None:
        world = await _world(db)
        await _apply(db, world, _on(world.theirs, "commitment", effects="x"))
        async with UnitOfWork(db.factory) as uow:
            person: Person = await uow.people.get_or_create("tg:1")
            [run] = await uow.runs.of_person(person)
            assert RunState.from_json(run.state).step_id is None  # not moved to "fin"

    async def test_a_corrected_round_updates_the_milestone_it_wrote(self, db: Db) -> None:
        world = await _world(db)
        await _apply(db, world, _on(world.mine, "milestone", output="Calendario publicado", due_date="2026-06-30",
                                    responsible=None))
        corrected = RecordWritten("milestone", {"output": "Calendario publicado", "due_date": "2026-07-31",
                                                "responsible": "SIAPA"}, commitment=str(world.mine), amends=True)
        assert await _apply(db, world, corrected) is None
        async with UnitOfWork(db.factory) as uow:
            assert [(m.due_date, m.responsible) for m in await uow.plan.milestones(world.mine)] == [
                (date(2026, 7, 31), "SIAPA")]

    async def test_kit_7s_actors_add_up_and_a_corrected_round_replaces_only_its_own(self, db: Db) -> None:
        world = await _world(db)
        await _apply(db, world, _on(world.mine, "actor", name="Laura", post="Directora del organismo de agua",
                                    interest="alto", influence="alta", strategy="Aliarse"), flow="kit7")
        await _apply(db, world, _on(world.mine, "actor", name=None, post="Tesorero", interest="medio",
                                    influence="alta", strategy="Convencer"), flow="kit7")
        corrected = RecordWritten("actor", {"name": None, "post": "Tesorero municipal", "interest": "bajo",
                                            "influence": "alta", "strategy": "Convencer con datos"},
                                  commitment=str(world.mine), amends=True)
        assert await _apply(db, world, corrected, flow="kit7") is None
        refused = await _apply(db, world, _on(world.mine, "actor", name="Sin cargo", post=" "), flow="kit7")
        assert refused is not None and "necesita su cargo" in told(refused)
        async with UnitOfWork(db.factory) as uow:
            commitment = await uow.commitments.get(world.mine)
            assert commitment is not None
            assert [(a["post"], a["interest"]) for a in commitment.fields["actors"]] == [
                ("Directora del organismo de agua", "alto"), ("Tesorero municipal", "bajo")]
            assert commitment.fields["title"] == "Agua potable para colonias"  # the rest of the record stays
