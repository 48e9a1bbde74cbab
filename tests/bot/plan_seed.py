"""A secretariat's plan written straight through the models: for the export and chart tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from storage import UnitOfWork
from storage.models import Indicator, IndicatorReport, Milestone, Signoff


@dataclass
class Seeded:
    secretariat_id: int
    commitment_ids: list[int] = field(default_factory=list)
    indicator_ids: list[int] = field(default_factory=list)
    milestones: int = 0
    reports: int = 0


FIRST = {
    "title": "Agua con horarios públicos",
    "problem": "Las colonias del oriente no saben cuándo llegará el agua.",
    "baseline": "3 de cada 10 hogares reciben agua menos de dos días por semana.",
    "causes": "El tandeo se decide sin reglas públicas.",
    "affected_population": "12,000 hogares de 14 colonias.",
    "objective": "Que cada hogar conozca su horario de agua.",
    "description": "Publicar cada semana los horarios de tandeo en datos abiertos | y en carteles.",
    "how_it_solves": "Con horarios públicos, los comités pueden exigir que se cumplan.",
    "ogp_values": ["transparencia", "rendicion_de_cuentas"],
    "ogp_values_explanation": "Transparencia: horarios en datos abiertos.",
    "ods_goals": ["6"],
    "ods_targets": ["6.1"],
    "lead_institution": "Comisión Municipal de Agua",
    "supporting_actors": {"sociedad_civil": "Colectivo Agua Oriente", "academia": "Universidad Veracruzana"},
    "start_date": "2026-01-15",
    "end_date": "2027-06-30",
}
SECOND = {
    "title": "Presupuesto participativo abierto",
    "problem": "Nadie sabe en qué se gasta el presupuesto participativo.",
    "lead_institution": "Tesorería Municipal",
}


async def seed_plan(sessions: Any, name: str = "STL Xalapa", *, prefix: str = "cli") -> Seeded:
    """Two commitments; the first with 2 milestones, 2 indicators (3 and 1 reports) and 2 sign-offs."""
    async with UnitOfWork(sessions) as uow:
        secretariat = await uow.secretariats.add(name, territory="Xalapa, Veracruz")
        ana = await uow.people.create(f"{prefix}:ana-{name}", name="Ana Gobierno")
        beto = await uow.people.create(f"{prefix}:beto-{name}", name="Beto Sociedad")
        await uow.memberships.add(ana, secretariat, "coordinator")
        await uow.memberships.add(beto, secretariat, "member")
        seeded = Seeded(secretariat.id)
        first = await uow.commitments.create(secretariat.id, created_by=ana.id)
        await uow.commitments.update_fields(first, {**FIRST, "title": f"{FIRST['title']} ({name})"})
        second = await uow.commitments.create(secretariat.id, created_by=beto.id)
        await uow.commitments.update_fields(second, SECOND)
        first.status, first.irm_completion = "en_implementacion", "limitado"
        seeded.commitment_ids = [first.id, second.id]
        s = uow.session
        s.add_all([
            Milestone(commitment_id=first.id, output="Portal de horarios en línea", due_date=date(2026, 3, 31),
                      responsible="Comisión de Agua", done_at=datetime(2026, 3, 20, 18, 0, tzinfo=UTC)),
            Milestone(commitment_id=first.id, output="Comités vecinales instalados", due_date=date(2026, 6, 30),
                      responsible="Colectivo Agua Oriente"),
            Signoff(commitment_id=first.id, person_id=ana.id, name="Ana Gobierno", sector="gobierno",
                    decision="aprueba", signed_at=datetime(2026, 1, 10, 17, 0, tzinfo=UTC)),
            Signoff(commitment_id=first.id, person_id=beto.id, name="Beto Sociedad", sector="sociedad_civil",
                    decision="disiente", reason="Faltan colonias", signed_at=datetime(2026, 1, 11, 17, 0, tzinfo=UTC)),
        ])
        seeded.milestones = 2
        hours = Indicator(commitment_id=first.id, name="Colonias con horario publicado", unit="colonias",
                          baseline=0, target=14, frequency="trimestral", first_due=date(2026, 3, 31),
                          last_due=date(2026, 12, 31))
        days = Indicator(commitment_id=first.id, name="Días sin agua al mes", unit="días", baseline=10, target=2,
                         frequency="semestral", first_due=date(2026, 6, 30))
        s.add_all([hours, days])
        await s.flush()
        seeded.indicator_ids = [hours.id, days.id]
        s.add_all([
            IndicatorReport(indicator_id=hours.id, period_due=date(2026, 3, 31), value=4, note="Primer trimestre",
                            person_id=beto.id, evidence_kind="link", evidence="https://agua.example.mx/horarios",
                            reported_at=datetime(2026, 4, 2, 16, 30, tzinfo=UTC)),
            IndicatorReport(indicator_id=hours.id, period_due=date(2026, 6, 30), value=9, person_id=beto.id,
                            reported_at=datetime(2026, 7, 1, 16, 30, tzinfo=UTC)),
            IndicatorReport(indicator_id=hours.id, period_due=date(2026, 9, 30), value=7, person_id=ana.id,
                            note="Bajó por lluvias", reported_at=datetime(2026, 10, 1, 16, 30, tzinfo=UTC)),
            IndicatorReport(indicator_id=days.id, period_due=date(2026, 6, 30), value=6, person_id=ana.id,
                            reported_at=datetime(2026, 7, 3, 16, 30, tzinfo=UTC)),
        ])
        seeded.reports = 4
    return seeded


async def person_in(sessions: Any, key: str, secretariat_id: int | None, role: str = "member",
                    name: str = "Carla") -> None:
    """Someone who already accepted the privacy notice, in `secretariat_id` with `role` (or in none)."""
    async with UnitOfWork(sessions) as uow:
        person = await uow.people.create(key, name=name)
        person.consent_at = datetime(2026, 1, 1, tzinfo=UTC)
        if secretariat_id is not None:
            secretariat = await uow.secretariats.get(secretariat_id)
            assert secretariat is not None
            await uow.memberships.add(person, secretariat, role)
