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
    # Kit 8 runs longer (43 steps): its optional self-assessment block (a «¿la hacemos ahora?» branch,
    # five questions, a record) and the «pendiente de medir» baseline path (a choice, two branches, a
    # date, a second record step) and the nudge for an outcome indicator (two questions, two branches).
    # Kits 5 and 6 carry the OGP template's pieces (issue 19 item 4): Kit 5 who took part, the
    # criteria, the description, the resources and the «only technology» check (a question and two
    # branches); Kit 6 the objectives tree, two alternatives and the inclusion lens. Kit 7 shows what
    # its commitment holds before its map of actors (a `commitment_summary` step).
    most = {"kit8": 46, "kit5": 34, "kit6": 34, "kit7": 31}.get(kit, 30)
    assert 12 <= len(flow.steps) <= most, f"{kit} has {len(flow.steps)} steps"


@pytest.mark.parametrize("kit", [k.id for k in CONTENT.kits()])
def test_no_kit_makes_a_person_read_more_than_a_phone_screen_before_answering(kit: str) -> None:
    """Issue 19: Kit 1 sent ~2,800 characters before its first question; now every run between two
    waits (questions, «¿seguimos?» buttons, summaries) is at most 900 characters."""
    flow = CONTENT.flows[kit]
    too_long = [f"{run.first.id} → {run.steps[-1].id}: {run.length}" for run in runs(flow) if run.length > LONGEST_RUN]
    assert too_long == []
    assert flow_stats(flow).longest_run <= LONGEST_RUN


def test_ayuda_at_a_long_list_does_not_send_the_list_again() -> None:
    """Issue 19: «ayuda» at Kit 6's ODS targets (20 options after two goals) answered with the help
    and then the whole list again; now it points to the list above, whose numbers still work."""
    from flows import engine
    from flows.events import MessageOut
    from flows.inputs import Begin, Text
    from flows.walk import next_input, walk_context

    context = walk_context()
    state, events = engine.step(CONTENT, engine.start("kit6"), Begin(), NOW, context)
    while state.step_id != "ods_metas":
        typed = Text("6, 16") if state.step_id == "ods_objetivos" else next_input(CONTENT, state, events)
        state, events = engine.step(CONTENT, state, typed, NOW, context)
    asked = [e for e in events if isinstance(e, MessageOut)][-1]
    assert len(asked.buttons) > 8
    state, events = engine.step(CONTENT, state, Text("ayuda"), NOW, context)
    said = [e for e in events if isinstance(e, MessageOut)]
    assert len(said) == 1 and said[0].buttons == ()
    assert "¿Por qué te pregunto esto?" in said[0].text and "lista de arriba" in said[0].text
    assert asked.buttons[0].label not in said[0].text
    state, _ = engine.step(CONTENT, state, Text("1"), NOW, context)
    assert state.step_id != "ods_metas" and state.answers["ods_metas"] == [asked.buttons[0].value]


def test_ayuda_at_a_short_list_asks_again_with_its_buttons() -> None:
    from flows import engine
    from flows.events import MessageOut
    from flows.inputs import Begin, Text
    from flows.walk import walk_context

    context = walk_context()
    state, _ = engine.step(CONTENT, engine.start("kit1"), Begin(), NOW, context)
    assert state.step_id == "idea_previa"
    _, events = engine.step(CONTENT, state, Text("ayuda"), NOW, context)
    said = [e for e in events if isinstance(e, MessageOut)]
    assert [b.label for b in said[-1].buttons] == ["Participación", "Rapidez", "Ahorro"]


STL = {"person": {"name": "Ana", "sector": "sociedad_civil"},
       "secretariat": {"name": "STL de Xalapa", "kind": "stl"}}
# Issue 19: since March 2025 the state transparency institutes are being replaced; no kit may present
# them (or the old «organismo garante») as today's third seat of an STL.
OUTDATED = ("instituto de transparencia de tu estado", "instituto de transparencia del estado",
            "instituto de transparencia de yucatán", "organismo garante")


def every_text(flow_id: str) -> list[str]:
    """Every text of a kit as an STL member reads it: the walk, plus each help and example."""
    from flows import templating
    from flows.steps import REGISTRY
    from flows.turn import Turn

    done = walk(CONTENT, flow_id, NOW, context=STL)
    flow = CONTENT.flows[flow_id]
    variables = Turn(CONTENT, flow, done.state, NOW, STL).variables()
    return done.texts + [templating.render(source, variables)
                         for step in flow.steps.values() for _, source in REGISTRY[step.type].texts(step)]


@pytest.mark.parametrize("kit", [k.id for k in CONTENT.kits()])
def test_no_kit_presents_a_state_transparency_institute_as_a_current_member(kit: str) -> None:
    found = [(word, text[:120]) for text in every_text(kit) for word in OUTDATED if word in text.lower()]
    assert found == []


def test_kit_1_says_what_changed_in_2025_and_keeps_the_history() -> None:
    read = " ".join(walk(CONTENT, "kit1", NOW, context=STL).texts)
    for fact in ("Cocreación desde lo local", "extinguieron al INAI", "Secretaría Anticorrupción y Buen Gobierno",
                 "Transparencia para el Pueblo", "autoridad garante de tu estado"):
        assert fact in read, fact
    assert next(s for s in CONTENT.catalogs["sectors"] if s.value == "organismo_garante").label == "Autoridad garante"


GLOSSARY_TERMS = ("INAI", "Transparencia para el Pueblo", "autoridad garante", "quórum", "minuta", "acta",
                  "enmienda", "respuesta razonada", "propuesta", "convocatoria")


@pytest.mark.parametrize("term", GLOSSARY_TERMS)
def test_the_glossary_explains_the_new_terms_in_a_phone_screen(term: str) -> None:
    assert CONTENT.glossary is not None
    entry = CONTENT.glossary.get(term)
    assert entry is not None and entry.term == term
    assert 80 <= len(entry.definition) <= 420


def test_the_glossary_tells_the_inai_is_gone() -> None:
    assert CONTENT.glossary is not None
    inai = CONTENT.glossary.get("INAI")
    assert inai is not None and "marzo de 2025" in inai.definition
    assert CONTENT.glossary.get("autoridad garante") is not CONTENT.glossary.get("organismo garante")


@pytest.mark.parametrize(("secretariat", "responsible"), [
    ({}, "Responsable de tus datos: quien administra Cocrea."),
    ({"name": "STL de Xalapa", "kind": "stl"}, "Responsable de tus datos: la coordinación de STL de Xalapa."),
    ({"name": "STL de Xalapa", "kind": "stl", "data_controller": "la Contraloría del Estado de Veracruz"},
     "Responsable de tus datos: la Contraloría del Estado de Veracruz."),
])
def test_the_privacy_notice_names_who_is_responsible_and_how_to_see_and_erase(secretariat: dict[str, str],
                                                                             responsible: str) -> None:
    texts = walk(CONTENT, "inicio", NOW, context={"secretariat": secretariat}).texts
    asked = next(i for i, text in enumerate(texts) if "¿Aceptas el aviso de privacidad" in text)
    notice = next(text for text in texts[:asked] if "aviso de privacidad" in text)
    assert responsible in notice
    assert "/mis_datos" in notice and "/borrar_mis_datos" in notice
    assert sum(len(text) for text in texts[:asked + 1]) <= LONGEST_RUN  # as rendered, not only as counted


def test_each_kit3_risk_level_is_named_as_its_own_level() -> None:
    steps = CONTENT.flows["kit3"].steps
    for level, other_words in (("alto", ("moderado", "bajo")), ("medio", ("alto", "bajo")),
                               ("bajo", ("moderado", "alto", "medio"))):
        text = str(steps[f"riesgo_{level}"].get("text"))
        said = [word for word in other_words if f"riesgo {word}" in text]
        assert not said, f"riesgo_{level} says riesgo {said}"
    assert "riesgo bajo" in str(steps["riesgo_bajo"].get("text"))
