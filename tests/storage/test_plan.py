"""The plan repository on every backend: history, scoping, sign-offs, report periods, lifecycle."""

from __future__ import annotations

from datetime import date

import pytest

from flows.plan import LifecycleError
from storage import UnitOfWork
from storage.errors import Frozen, NothingDue, PeriodTaken, QuorumNotMet, SignoffRefused
from storage.models import Commitment, Person
from storage.repositories.plan import commitment_version
from tests.storage.conftest import Db, refused_saying, told


async def _setup(db: Db) -> tuple[int, int, int]:
    """Two secretariats, a commitment in the first; returns (secretariat, other, commitment) ids."""
    async with UnitOfWork(db.factory) as uow:
        stl = await uow.secretariats.add("STL Oaxaca")
        other = await uow.secretariats.add("STL Puebla")
        ana = await uow.people.get_or_create("tg:1", name="Ana")
        ana.sector = "gobierno"
        commitment = await uow.commitments.create(stl.id, created_by=ana.id)
        return stl.id, other.id, commitment.id


async def _person(uow: UnitOfWork, key: str, name: str, sector: str | None) -> Person:
    person = await uow.people.get_or_create(key, name=name)
    person.sector = sector
    return person


async def _commitment(uow: UnitOfWork, secretariat_id: int, commitment_id: int) -> Commitment:
    found = await uow.plan.commitment(secretariat_id, commitment_id)
    assert found is not None
    return found


class TestStorageContract:
    async def test_each_changed_field_keeps_who_and_when(self, db: Db) -> None:
        stl, _, cid = await _setup(db)
        async with UnitOfWork(db.factory) as uow:
            ana = await _person(uow, "tg:1", "Ana", "gobierno")
            beto = await _person(uow, "tg:2", "Beto", "sociedad_civil")
            commitment = await _commitment(uow, stl, cid)
            await uow.plan.set_fields(commitment, {"title": "Agua", "problem": "Tandeo irregular"}, ana)
            changed = await uow.plan.set_fields(commitment, {"title": "Agua", "problem": "Sin agua 3 días"}, beto)
            assert changed == ["problem"]  # the same title again is no change
        async with UnitOfWork(db.factory) as uow:
            commitment = await _commitment(uow, stl, cid)
            assert commitment.title == "Agua"
            assert commitment.fields == {"title": "Agua", "problem": "Sin agua 3 días"}
            history = await uow.plan.history(cid)
            people = {p.id: p.name for p in [await _person(uow, "tg:1", "Ana", "gobierno"),
                                             await _person(uow, "tg:2", "Beto", "sociedad_civil")]}
            assert [(h.field, h.value, people[h.person_id or 0]) for h in history] == [
                ("title", "Agua", "Ana"),
                ("problem", "Tandeo irregular", "Ana"),
                ("problem", "Sin agua 3 días", "Beto"),
            ]
            assert all(h.changed_at is not None for h in history)

    async def test_records_written_by_kits_keep_history_too(self, db: Db) -> None:
        stl, _, cid = await _setup(db)
        async with UnitOfWork(db.factory) as uow:
            ana = await _person(uow, "tg:1", "Ana", "gobierno")
            commitment = await _commitment(uow, stl, cid)
            await uow.commitments.update_fields(commitment, {"causes": "Fugas"}, ana)
        async with UnitOfWork(db.factory) as uow:
            assert [(h.field, h.value) for h in await uow.plan.history(cid)] == [("causes", "Fugas")]

    async def test_another_secretariat_never_finds_the_commitment(self, db: Db) -> None:
        stl, other, cid = await _setup(db)
        async with UnitOfWork(db.factory) as uow:
            commitment = await _commitment(uow, stl, cid)
            indicator = await uow.plan.add_indicator(
                commitment, name="Colonias con agua", unit="colonias", baseline=10, target=40,
                frequency="trimestral", first_due=date(2026, 3, 31), person=None,
            )
            milestone = await uow.plan.add_milestone(
                commitment, output="Calendario publicado", due_date=date(2026, 2, 1), responsible="CEA", person=None
            )
            assert await uow.plan.commitment(other, cid) is None
            assert await uow.plan.commitments_of(other) == []
            assert await uow.plan.indicators_of(other) == []
            assert await uow.plan.indicator(other, indicator.id) is None
            assert await uow.plan.milestone(other, milestone.id) is None
            assert [c.id for c in await uow.plan.commitments_of(stl)] == [cid]
            assert [i.name for i in await uow.plan.indicators_of(stl)] == ["Colonias con agua"]

    async def test_a_report_counts_for_the_oldest_period_due(self, db: Db) -> None:
        stl, _, cid = await _setup(db)
        async with UnitOfWork(db.factory) as uow:
            commitment = await _commitment(uow, stl, cid)
            await uow.plan.set_fields(commitment, {"end_date": "2026-12-31"}, None)
            indicator = await uow.plan.add_indicator(
                commitment, name="Colonias con agua", unit="colonias", baseline=10, target=40,
                frequency="trimestral", first_due=date(2026, 3, 31), person=None,
            )
            assert await uow.plan.due_dates(indicator) == [
                date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30), date(2026, 12, 31)]
            first = await uow.plan.report(indicator, value=12, note=None, evidence_kind=None, evidence=None,
                                          person=None, today=date(2026, 7, 2))
            second = await uow.plan.report(indicator, value=15, note="con fotos", evidence_kind="link",
                                           evidence="https://agua.gob.mx", person=None, today=date(2026, 7, 2))
            early = await uow.plan.report(indicator, value=18, note=None, evidence_kind=None, evidence=None,
                                          person=None, today=date(2026, 7, 3))
            assert (first.period_due, second.period_due, early.period_due) == (
                date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30))
            await uow.plan.report(indicator, value=20, note=None, evidence_kind=None, evidence=None,
                                  person=None, today=date(2026, 7, 3))
            with refused_saying(NothingDue, "ya tiene reportados todos sus periodos"):
                await uow.plan.report(indicator, value=21, note=None, evidence_kind=None, evidence=None,
                                      person=None, today=date(2026, 7, 3))
        async with UnitOfWork(db.factory) as uow:
            reports = await uow.plan.reports(indicator.id)
            assert [(r.period_due.month, r.value) for r in reports] == [(3, 12), (6, 15), (9, 18), (12, 20)]
            assert reports[1].note == "con fotos" and reports[1].evidence == "https://agua.gob.mx"

    async def test_sign_only_in_review_and_a_second_decision_replaces_the_first(self, db: Db) -> None:
        stl, _, cid = await _setup(db)
        async with UnitOfWork(db.factory) as uow:
            ana = await _person(uow, "tg:1", "Ana", "gobierno")
            commitment = await _commitment(uow, stl, cid)
            with refused_saying(SignoffRefused, "en revisión"):
                await uow.plan.sign(commitment, ana, "aprueba", None)
            await uow.plan.move(commitment, "en_revision", ana)
            await uow.plan.sign(commitment, ana, "disiente", "Faltan fechas")
            with refused_saying(SignoffRefused, "motivo"):
                await uow.plan.sign(commitment, ana, "disiente", "  ")
        async with UnitOfWork(db.factory) as uow:
            ana = await _person(uow, "tg:1", "Ana", "gobierno")
            commitment = await _commitment(uow, stl, cid)
            await uow.plan.sign(commitment, ana, "aprueba", None)
            signoffs = await uow.plan.signoffs(cid)
            assert [(s.name, s.sector, s.decision, s.reason) for s in signoffs] == [
                ("Ana", "gobierno", "aprueba", None)]

    async def test_approval_needs_every_sector_and_is_audited(self, db: Db) -> None:
        stl, _, cid = await _setup(db)
        async with UnitOfWork(db.factory) as uow:
            ana = await _person(uow, "tg:1", "Ana", "gobierno")
            beto = await _person(uow, "tg:2", "Beto", "sociedad_civil")
            commitment = await _commitment(uow, stl, cid)
            await uow.plan.move(commitment, "en_revision", ana)
            await uow.plan.sign(commitment, ana, "aprueba", None)
            with refused_saying(QuorumNotMet, "sociedad civil") as refused:
                await uow.plan.move(commitment, "aprobado", ana)
            assert refused.value.missing == ("sociedad_civil",)
            await uow.plan.sign(commitment, beto, "aprueba", None)
            await uow.plan.move(commitment, "aprobado", ana)
            with pytest.raises(LifecycleError):
                await uow.plan.move(commitment, "concluido", ana)
        async with UnitOfWork(db.factory) as uow:
            commitment = await _commitment(uow, stl, cid)
            assert commitment.status == "aprobado" and commitment.approved_at is not None
            log = [(e.action, e.detail.get("to")) for e in await uow.plan.audit_log(stl)]
            assert ("commitment_status", "en_revision") in log and ("commitment_status", "aprobado") in log

    async def test_a_new_review_round_clears_earlier_signatures(self, db: Db) -> None:
        stl, _, cid = await _setup(db)
        async with UnitOfWork(db.factory) as uow:
            ana = await _person(uow, "tg:1", "Ana", "gobierno")
            commitment = await _commitment(uow, stl, cid)
            await uow.plan.move(commitment, "en_revision", ana)
            await uow.plan.sign(commitment, ana, "aprueba", None)
            await uow.plan.move(commitment, "borrador", ana)
            await uow.plan.move(commitment, "en_revision", ana)
            assert await uow.plan.signoffs(cid) == []

    async def test_a_report_is_saved_for_the_period_chosen_or_refused_never_moved(self, db: Db) -> None:
        stl, _, cid = await _setup(db)
        async with UnitOfWork(db.factory) as uow:
            ana = await _person(uow, "tg:1", "Ana", "gobierno")
            beto = await _person(uow, "tg:2", "Beto", "sociedad_civil")
            commitment = await _commitment(uow, stl, cid)
            await uow.plan.set_fields(commitment, {"end_date": "2026-12-31"}, None)
            indicator = await uow.plan.add_indicator(
                commitment, name="Colonias con agua", unit="colonias", baseline=10, target=40,
                frequency="trimestral", first_due=date(2026, 3, 31), person=None,
            )
            chosen = await uow.plan.report(indicator, value=12, note=None, evidence_kind=None, evidence=None,
                                           person=ana, today=date(2026, 7, 2), period=date(2026, 6, 30))
            assert chosen.period_due == date(2026, 6, 30)  # the one chosen, not the oldest one due
            with pytest.raises(PeriodTaken) as taken:
                await uow.plan.report(indicator, value=15, note=None, evidence_kind=None, evidence=None,
                                      person=beto, today=date(2026, 7, 2), period=date(2026, 6, 30))
            assert told(taken.value) == (
                "Ana ya reportó 12 colonias en «Colonias con agua» para el periodo que vence el 30/06/2026. "
                "Para no tener dos valores en un mismo periodo, no guardé el tuyo (15 colonias), ni en ese "
                "periodo ni en otro. Si el valor registrado necesita corrección, coméntalo con quien lo reportó "
                "o con tu coordinación. Si tu valor es de otro periodo, elige el indicador otra vez: el que "
                "toca ahora vence el 31/03/2026.")
            with refused_saying(NothingDue, "ya no está en su calendario"):
                await uow.plan.report(indicator, value=15, note=None, evidence_kind=None, evidence=None,
                                      person=beto, today=date(2026, 7, 2), period=date(2026, 5, 15))
        async with UnitOfWork(db.factory) as uow:
            assert [(r.period_due, r.value) for r in await uow.plan.reports(indicator.id)] == [
                (date(2026, 6, 30), 12)]

    async def test_a_signoff_on_a_version_no_longer_current_is_refused_with_the_text_now(self, db: Db) -> None:
        stl, _, cid = await _setup(db)
        async with UnitOfWork(db.factory) as uow:
            ana = await _person(uow, "tg:1", "Ana", "gobierno")
            commitment = await _commitment(uow, stl, cid)
            await uow.plan.set_fields(commitment, {"title": "Agua", "objective": "Agua diaria"}, ana)
            await uow.plan.move(commitment, "en_revision", ana)
            shown = commitment_version(commitment)
        async with UnitOfWork(db.factory) as uow:
            commitment = await _commitment(uow, stl, cid)
            assert commitment_version(commitment) == shown  # the same version, read again
            with refused_saying(Frozen, "está en revisión"):  # frozen in review: a new round is needed
                await uow.plan.set_fields(commitment, {"objective": "Agua diaria en 20 colonias"}, None)
        async with UnitOfWork(db.factory) as uow:
            commitment = await _commitment(uow, stl, cid)
            await uow.plan.move(commitment, "borrador", None)
            await uow.plan.set_fields(commitment, {"objective": "Agua diaria en 20 colonias"}, None)
            await uow.plan.move(commitment, "en_revision", None)
        async with UnitOfWork(db.factory) as uow:
            ana = await _person(uow, "tg:1", "Ana", "gobierno")
            commitment = await _commitment(uow, stl, cid)
            with refused_saying(SignoffRefused, "cambió desde que lo abriste") as stale:
                await uow.plan.sign(commitment, ana, "aprueba", None, version=shown)
            assert "🎯 Objetivo: Agua diaria en 20 colonias" in told(stale.value)
            assert "Así se lee ahora (versión 2)" in told(stale.value)
            await uow.plan.sign(commitment, ana, "aprueba", None, version=commitment_version(commitment))
        async with UnitOfWork(db.factory) as uow:
            assert [s.decision for s in await uow.plan.signoffs(cid)] == ["aprueba"]

    async def test_view_gathers_milestones_indicators_and_signoffs(self, db: Db) -> None:
        stl, _, cid = await _setup(db)
        async with UnitOfWork(db.factory) as uow:
            commitment = await _commitment(uow, stl, cid)
            await uow.plan.set_fields(commitment, {"title": "Agua", "start_date": "2026-01-01"}, None)
            milestone = await uow.plan.add_milestone(
                commitment, output="Calendario", due_date=date(2026, 2, 1), responsible="CEA", person=None)
            await uow.plan.mark_done(milestone, None)
            indicator = await uow.plan.add_indicator(
                commitment, name="Colonias", unit="colonias", baseline=10, target=40, frequency="fechas",
                first_due=None, dates=(date(2026, 6, 1), date(2026, 3, 1)), person=None)
            await uow.plan.report(indicator, value=25, note=None, evidence_kind=None, evidence=None,
                                  person=None, today=date(2026, 3, 5))
            await uow.plan.set_completion(commitment, "limitado", None)
        async with UnitOfWork(db.factory) as uow:
            commitment = await _commitment(uow, stl, cid)
            view, milestones, indicators, signoffs = await uow.plan.view(commitment)
            assert (view.title, view.irm_completion, view.start_date) == ("Agua", "limitado", date(2026, 1, 1))
            assert [(m.output, m.done) for m in milestones] == [("Calendario", True)]
            assert indicators[0].dates == (date(2026, 3, 1), date(2026, 6, 1))
            assert [(r.period_due, r.value) for r in indicators[0].reports] == [(date(2026, 3, 1), 25.0)]
            assert signoffs == []
