"""The self-diagnosis: 16 statements, two per kit, and a result that names the weakest kits."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from flows import engine
from flows.events import MessageOut, RunFinished
from flows.inputs import Begin, Input, Tap, Text
from flows.loader import load_checked
from flows.state import DONE, RunState

CONTENT = load_checked()
FLOW = CONTENT.flows["autodiagnostico"]
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
CONTEXT = {"person": {"name": "Lupita"}, "secretariat": {"name": "STL Xalapa", "kind": "stl"}}
KIT_NAMES = {
    1: "Kit 1 · Conocer el Gobierno Abierto",
    2: "Kit 2 · Pluralidad y participación de la sociedad civil",
    3: "Kit 3 · Espacios multiactor en contextos inestables",
    4: "Kit 4 · Plan estratégico y mecanismos de gestión",
    5: "Kit 5 · Definir compromisos de manera participativa",
    6: "Kit 6 · Compromisos de Desarrollo Sostenible",
    7: "Kit 7 · Gobierno Abierto en la agenda institucional",
    8: "Kit 8 · Implementación, seguimiento y evaluación",
}


def answer_all(scores: dict[int, tuple[int, int]], context: dict[str, dict[str, str]] = CONTEXT,
               typed: bool = False) -> tuple[RunState, list[str]]:
    """Answer statement by statement (kit N gets the pair scores[N]) and confirm the summary."""
    state, events = engine.step(CONTENT, engine.start("autodiagnostico"), Begin(), NOW, context)
    said: list[str] = []
    while state.status != DONE:
        step = FLOW.steps[str(state.step_id)]
        inp: Input
        if step.type == "summary":
            inp = Text("confirmar")
        else:
            index = FLOW.question_ids.index(step.id)
            value = str(scores[index // 2 + 1][index % 2])
            inp = Text(value) if typed else Tap(value, step.id)
        before = state.step_id
        state, events = engine.step(CONTENT, state, inp, NOW, context)
        assert state.step_id != before or state.status == DONE, events
        said = [e.text for e in events if isinstance(e, MessageOut)]
    assert any(isinstance(e, RunFinished) for e in events)
    return state, said


def recommended(text: str) -> list[int]:
    return [n for n, name in KIT_NAMES.items() if f"👉 {name} (" in text]


def test_sixteen_statements_two_per_kit_on_a_four_point_scale() -> None:
    questions = [FLOW.steps[q] for q in FLOW.question_ids]
    assert len(questions) == 16
    assert [int(q.id[1]) for q in questions] == [n for n in range(1, 9) for _ in (0, 1)]
    for question in questions:
        assert question.get("answer") == "choice"
        assert [(o.value, o.label) for o in CONTENT.options_for(question)] == [
            ("1", "Nada"), ("2", "Poco"), ("3", "Bastante"), ("4", "Totalmente")]
        assert question.get("help") and question.get("example")
    summary = next(s for s in FLOW.steps.values() if s.type == "summary")
    assert summary.get("fields") == FLOW.question_ids


def test_the_two_weakest_kits_are_recommended_with_their_scores() -> None:
    scores = {1: (3, 4), 2: (2, 1), 3: (4, 4), 4: (3, 3), 5: (2, 2), 6: (4, 3), 7: (1, 2), 8: (3, 3)}
    state, said = answer_all(scores)
    scores_text, result = said[-2], said[-1]
    assert "🔴 Kit 2 · Pluralidad: 3" in scores_text and "🟢 Kit 3 · Espacio multiactor: 8" in scores_text
    assert "Total: 44 de 64." in scores_text
    assert "estos dos kits" in result
    assert recommended(result) == [2, 7]
    assert "(3/8): para sumar a los sectores" in result
    assert state.answers["k2_nucleo"] == "1"


def test_a_tie_with_the_second_weakest_adds_a_third_kit() -> None:
    scores = {1: (1, 1), 2: (2, 2), 3: (4, 4), 4: (3, 3), 5: (2, 2), 6: (4, 3), 7: (4, 4), 8: (1, 3)}
    _, said = answer_all(scores)
    assert "estos tres kits" in said[-1]
    assert recommended(said[-1]) == [1, 2, 5]  # kit 8 (4) ties too but three is the most; kits' order wins


def test_typed_numbers_work_like_taps_and_mesa_wording() -> None:
    scores = {n: (4, 4) for n in range(1, 9)} | {6: (3, 4)}
    mesa = {"person": {"name": "Tomás"}, "secretariat": {"name": "Mesa de agua", "kind": "mesa"}}
    _, said = answer_all(scores, mesa, typed=True)
    assert "tu mesa técnica" in said[-2]
    assert "Van fuertes en todo" in said[-1]
    assert recommended(said[-1]) == [6]  # areas already at 8/8 are not offered as margin to grow


def test_all_totally_has_no_weak_area() -> None:
    _, said = answer_all({n: (4, 4) for n in range(1, 9)})
    assert "No veo un área débil" in said[-1] and recommended(said[-1]) == []


@pytest.mark.parametrize("step_id", FLOW.question_ids)
def test_every_statement_explains_an_answer_off_the_scale(step_id: str) -> None:
    answers = {FLOW.steps[q].save_as: "3" for q in FLOW.question_ids[: FLOW.question_ids.index(step_id)]}
    state = RunState(flow_id="autodiagnostico", step_id=step_id, answers=answers)
    state, events = engine.step(CONTENT, state, Text("muchísimo"), NOW, CONTEXT)
    assert state.step_id == step_id
    assert any(isinstance(e, MessageOut) and e.text for e in events)


def test_every_tie_is_shown_not_only_the_first_three() -> None:
    """Issue 19 item 6: five kits tied at the bottom: three recommended, the other two named."""
    scores = {1: (1, 1), 2: (1, 1), 3: (1, 1), 4: (1, 1), 5: (1, 1), 6: (4, 4), 7: (4, 4), 8: (4, 4)}
    _, said = answer_all(scores)
    assert recommended(said[-1]) == [1, 2, 3]
    assert "Con el mismo puntaje quedaron también: Kit 4, Kit 5." in said[-1]


def test_kit8_recommended_without_kit5_says_it_needs_a_commitment_first() -> None:
    scores = {1: (4, 4), 2: (4, 3), 3: (4, 4), 4: (4, 4), 5: (3, 3), 6: (4, 4), 7: (2, 2), 8: (1, 1)}
    _, said = answer_all(scores)
    assert recommended(said[-1]) == [7, 8]
    assert "📌 Kit 8 trabaja sobre un compromiso ya guardado: si aún no tienen uno, empiecen por el Kit 5." \
        in said[-1]
    with_kit5 = {**scores, 5: (1, 2)}
    _, said = answer_all(with_kit5)
    assert 5 in recommended(said[-1]) and "📌" not in said[-1]
