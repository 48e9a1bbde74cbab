"""A run in progress survives edits of its kit: steps are matched by id and answers are kept."""

from __future__ import annotations

from pathlib import Path

from flows import engine
from flows.inputs import Begin, Text
from flows.loader import load_checked
from flows.model import Content
from flows.state import RunState
from tests.flows.conftest import NOW, content_dir


def question(step_id: str, extra: str = "") -> str:
    return f"""
  - id: {step_id}
    type: question
    answer: short_text
    text: "Pregunta {step_id}"
    help: "Ayuda de {step_id}."
    example: "Respuesta de {step_id}"{extra}"""


HEAD = """format: 1
id: kit5
kind: kit
number: 5
title: "Kit 5"
purpose: "Compromisos."
"""
END = """
  - id: fin
    type: end
    text: "Fin: {{ answers.uno }}"
"""
V1 = HEAD + "steps:" + question("uno") + question("dos") + question("tres") + question("cuatro") + \
    question("cinco") + END


def load(tmp_path: Path, name: str, text: str) -> Content:
    return load_checked(content_dir(tmp_path / name, {"kit5": text}))


def at_fourth_step(tmp_path: Path) -> RunState:
    content = load(tmp_path, "v1", V1)
    state, _ = engine.step(content, engine.start("kit5"), Begin(), NOW)
    for answer in ("A1", "A2", "A3"):
        state, _ = engine.step(content, state, Text(answer), NOW)
    assert state.step_id == "cuatro"
    return state


def resume(tmp_path: Path, text: str, state: RunState) -> tuple[RunState, str]:
    new, events = engine.step(load(tmp_path, "v2", text), state, Begin(), NOW)
    return new, "\n".join(getattr(e, "text", "") for e in events)


KEPT = {"uno": "A1", "dos": "A2", "tres": "A3"}


def test_removing_the_current_step_goes_to_the_next_that_remains(tmp_path: Path) -> None:
    state = at_fourth_step(tmp_path)
    v2 = HEAD + "steps:" + question("uno") + question("dos") + question("tres") + question("cinco") + END
    new, said = resume(tmp_path, v2, state)
    assert new.step_id == "cinco"
    assert "El contenido de este kit se actualizó" in said
    assert said.count("\n") < 8 and "Pregunta cinco" in said
    assert new.answers == KEPT


def test_a_step_that_replaces_the_removed_one_takes_its_place(tmp_path: Path) -> None:
    state = at_fourth_step(tmp_path)
    v2 = HEAD + "steps:" + question("uno") + question("dos") + question("tres") + \
        question("cuatro_bis", "\n    replaces: [cuatro]") + question("cinco") + END
    new, _ = resume(tmp_path, v2, state)
    assert new.step_id == "cuatro_bis" and new.answers == KEPT


def test_moved_to_mapping_is_followed(tmp_path: Path) -> None:
    state = at_fourth_step(tmp_path)
    v2 = HEAD + "moved_to:\n  cuatro: dos\nsteps:" + question("uno") + question("dos") + question("tres") + \
        question("cinco") + END
    new, _ = resume(tmp_path, v2, state)
    assert new.step_id == "dos" and new.answers == KEPT


def test_insertion_and_reordering_keep_the_run_on_its_step(tmp_path: Path) -> None:
    state = at_fourth_step(tmp_path)
    v2 = HEAD + "steps:" + question("nueva") + question("tres") + question("uno") + question("cuatro") + \
        question("dos") + question("cinco") + END
    new, said = resume(tmp_path, v2, state)
    assert new.step_id == "cuatro" and "Pregunta cuatro" in said
    assert "se actualizó" not in said
    new, _ = engine.step(load(tmp_path, "v2b", v2), new, Text("A4"), NOW)
    assert new.step_id == "dos"  # the new order is followed from here on
    assert new.answers == {**KEPT, "cuatro": "A4"}


def test_a_version_bump_with_the_same_steps_changes_nothing_for_the_person(tmp_path: Path) -> None:
    state = at_fourth_step(tmp_path)
    v2 = V1.replace('"Pregunta cuatro"', '"Pregunta cuatro, con otras palabras"')
    new, said = resume(tmp_path, v2, state)
    assert new.step_id == "cuatro" and new.answers == KEPT
    assert "Pregunta cuatro, con otras palabras" in said


def test_a_question_turned_into_a_message_moves_the_run_on(tmp_path: Path) -> None:
    state = at_fourth_step(tmp_path)
    v2 = V1.replace("""  - id: cuatro
    type: question
    answer: short_text""", """  - id: cuatro
    type: message""")
    new, said = resume(tmp_path, v2, state)
    assert new.step_id == "cinco" and "Pregunta cuatro" in said and new.answers == KEPT


def test_atras_skips_steps_that_no_longer_exist(tmp_path: Path) -> None:
    state = at_fourth_step(tmp_path)
    v2 = HEAD + "steps:" + question("uno") + question("dos") + question("cuatro") + question("cinco") + END
    content = load(tmp_path, "v2", v2)
    new, _ = engine.step(content, state, Text("atrás"), NOW)
    assert new.step_id == "dos" and new.answers == KEPT
