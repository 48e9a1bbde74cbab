"""The shipped content: facts in the catalogs, and every kit walkable with its own examples."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from flows.events import ContentError
from flows.loader import load_checked
from flows.stats import LONGEST_RUN, flow_stats, reading_length, runs
from flows.walk import walk

CONTENT = load_checked()
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)

ODS_NAMES = {
    1: "Fin de la pobreza", 2: "Hambre cero", 3: "Salud y bienestar", 4: "Educación de calidad",
    5: "Igualdad de género", 6: "Agua limpia y saneamiento", 7: "Energía asequible y no contaminante",
    8: "Trabajo decente y crecimiento económico", 9: "Industria, innovación e infraestructura",
    10: "Reducción de las desigualdades", 11: "Ciudades y comunidades sostenibles",
    12: "Producción y consumo responsables", 13: "Acción por el clima", 14: "Vida submarina",
    15: "Vida de ecosistemas terrestres", 16: "Paz, justicia e instituciones sólidas",
    17: "Alianzas para lograr los objetivos",
}
TARGETS_PER_GOAL = {1: 7, 2: 8, 3: 13, 4: 10, 5: 9, 6: 8, 7: 5, 8: 12, 9: 8, 10: 10, 11: 10, 12: 11,
                    13: 5, 14: 10, 15: 12, 16: 12, 17: 19}


def test_the_17_ods_with_their_official_names_and_169_targets() -> None:
    assert {g["number"]: g["name"] for g in CONTENT.ods} == ODS_NAMES
    assert {g["number"]: len(g["targets"]) for g in CONTENT.ods} == TARGETS_PER_GOAL
    targets = [t["id"] for g in CONTENT.ods for t in g["targets"]]
    assert len(targets) == len(set(targets)) == 169
    assert "6.1" in targets and "6.b" in targets and "17.19" in targets


def test_ogp_values_and_irm_completion_scale() -> None:
    assert {o.value for o in CONTENT.catalogs["ogp_values"]} == {
        "transparencia", "participacion_ciudadana", "rendicion_de_cuentas", "tecnologia_innovacion"}
    assert [o.label for o in CONTENT.catalogs["irm_completion"]] == [
        "No iniciado", "Limitado", "Sustancial", "Completo"]


@pytest.mark.parametrize("flow_id", sorted(CONTENT.flows))
def test_every_flow_can_be_walked_with_its_own_examples(flow_id: str) -> None:
    walked = walk(CONTENT, flow_id, NOW)
    assert walked.steps >= 1
    assert not [e for e in walked.events if isinstance(e, ContentError)]
    assert all(text.strip() for text in walked.texts)


@pytest.mark.parametrize("kit", [k.id for k in CONTENT.kits()])
def test_kit_messages_are_short_enough_to_read_on_a_phone(kit: str) -> None:
    flow = CONTENT.flows[kit]
    for step in flow.steps.values():
        if step.type == "message":  # what a person reads: the longer side of an {% if %}, no template tags
            read = reading_length(str(step.get("text")))
            assert read <= 600, f"{kit}:{step.id} is {read} characters"
    assert flow.purpose, f"{kit} has no purpose"
    assert 12 <= len(flow.steps) <= 30, f"{kit} has {len(flow.steps)} steps"


@pytest.mark.parametrize("kit", [k.id for k in CONTENT.kits()])
def test_no_kit_makes_a_person_read_more_than_a_phone_screen_before_answering(kit: str) -> None:
    """Issue 19: Kit 1 sent ~2,800 characters before its first question; now every run between two
    waits (questions, «¿seguimos?» buttons, summaries) is at most 900 characters."""
    flow = CONTENT.flows[kit]
    too_long = [f"{run.first.id} → {run.steps[-1].id}: {run.length}" for run in runs(flow) if run.length > LONGEST_RUN]
    assert too_long == []
    assert flow_stats(flow).longest_run <= LONGEST_RUN
