"""The checker before review: what is missing, in Spanish, and the completeness of the design."""

from __future__ import annotations

from datetime import date
from typing import Any

from flows.plan.readiness import check
from flows.plan.views import CommitmentView, IndicatorView, MilestoneView

COMPLETE: dict[str, Any] = {
    "title": "Agua con horarios claros",
    "problem": "Las colonias del oriente reciben agua sin aviso.",
    "baseline": "3 de cada 10 colonias conocen su horario de tandeo.",
    "causes": "No se publica el calendario.",
    "objective": "Que todas las colonias conozcan su horario.",
    "ogp_values": ["transparencia", "rendicion_de_cuentas"],
    "ogp_values_explanation": "Se publica el calendario y se rinde cuentas cada trimestre.",
    "ods_targets": ["6.1"],
    "start_date": "2026-01-01",
    "end_date": "2026-12-31",
}


def _commitment(**changes: Any) -> CommitmentView:
    fields = {**COMPLETE, **changes}
    fields = {k: v for k, v in fields.items() if v is not None}
    return CommitmentView(1, fields.get("title"), "borrador", "no_iniciado", fields)


MILESTONES = [
    MilestoneView(1, "Calendario de tandeo publicado", date(2026, 3, 1), "Comisión de Agua", False),
    MilestoneView(2, "Primera sesión pública de cuentas", date(2026, 6, 1), "Comisión de Agua", False),
]
INDICATORS = [IndicatorView(1, "Colonias que conocen su horario", "%", 30, 100, "trimestral",
                            date(2026, 3, 31), date(2026, 12, 31))]


def test_a_complete_commitment_is_ready_with_a_complete_design() -> None:
    result = check(_commitment(), MILESTONES, INDICATORS)
    assert result.missing == () and result.ready
    assert (result.completeness, result.points) == ("alta", 5)


def test_an_empty_draft_lists_every_gap_kindly() -> None:
    empty = CommitmentView(1, None, "borrador", "no_iniciado", {})
    result = check(empty, [], [])
    text = "\n".join(result.missing)
    for words in ("título", "problema", "objetivo", "valor de Gobierno Abierto", "ODS", "al menos un hito"):
        assert words in text
    assert result.completeness == "baja"
    assert any("línea base" in r for r in result.reasons)


def test_milestones_and_indicators_name_what_each_lacks() -> None:
    milestones = [MilestoneView(1, "Calendario publicado", None, None, False)]
    indicators = [IndicatorView(1, "Colonias informadas", None, None, 100, "trimestral", None, None)]
    missing = check(_commitment(), milestones, indicators).missing
    assert "Al hito «Calendario publicado» le falta: fecha, responsable." in missing
    assert "Al indicador «Colonias informadas» le falta: línea base, unidad, primera fecha de reporte." in missing


def test_an_ogp_value_must_be_explained_and_an_ods_target_linked() -> None:
    missing = check(_commitment(ogp_values_explanation=None), MILESTONES, INDICATORS).missing
    assert len(missing) == 1 and "explicar al menos un valor" in missing[0]
    how = check(_commitment(ogp_values_explanation=None, how_it_solves="Publica el calendario"), MILESTONES, INDICATORS)
    assert how.ready
    missing = check(_commitment(ods_targets=[]), MILESTONES, INDICATORS).missing
    assert len(missing) == 1 and "meta de los ODS" in missing[0]


def test_dates_must_fit_the_commitment_and_the_plan() -> None:
    late = [MilestoneView(3, "Informe final", date(2027, 2, 1), "STL", False)]
    missing = check(_commitment(), MILESTONES + late, INDICATORS).missing
    assert missing == ("El hito «Informe final» tiene fecha 01/02/2027, después del término del compromiso "
                       "(31/12/2026).",)
    backwards = check(_commitment(start_date="2026-12-31", end_date="2026-01-01"), [], []).missing
    assert any("posterior a la de inicio" in m for m in backwards)
    plan = check(_commitment(), MILESTONES, INDICATORS, plan_start=date(2026, 2, 1), plan_end=date(2026, 11, 30))
    assert any("antes que el plan" in m for m in plan.missing)
    assert any("después que el plan" in m for m in plan.missing)


def test_completeness_is_medium_when_half_of_the_signals_are_there() -> None:
    result = check(_commitment(baseline=None, causes=None), MILESTONES, INDICATORS)
    assert (result.completeness, result.points) == ("media", 3)
    assert "El problema no tiene datos de línea base: no queda claro cuánto cambiará." in result.reasons


def test_technology_and_innovation_is_not_counted_as_a_second_value() -> None:
    """Issue 19 item 5: «transparencia» plus «tecnología e innovación» is one core value, not two."""
    alone = check(_commitment(ogp_values=["transparencia", "tecnologia_innovacion"]), MILESTONES, INDICATORS)
    assert alone.points == 4
    assert any(r.startswith("Atiende un solo valor central") and "tecnología e innovación no cuenta" in r
               for r in alone.reasons)
    two = check(_commitment(ogp_values=["transparencia", "participacion_ciudadana", "tecnologia_innovacion"]),
                MILESTONES, INDICATORS)
    assert two.points == 5
