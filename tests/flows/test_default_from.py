"""Issue 19 item 6: what an earlier kit promises to carry forward (`default_from`) is offered
instead of asked twice: «¿Lo usamos tal cual o lo ajustas?»."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from flows import engine
from flows.errors import ContentInvalid
from flows.events import AnswerSaved, MessageOut
from flows.inputs import Begin, Input, Tap, Text
from flows.loader import load_checked
from flows.model import Content
from flows.state import RunState
from flows.steps.earlier import REUSE
from tests.flows.conftest import NOW, content_dir

EARLIER = """\
format: 1
id: uno
kind: flow
title: Primer paso
steps:
  - id: problema
    type: question
    answer: long_text
    text: "¿Qué problema público te preocupa?"
    help: "Para el compromiso."
    example: "La basura se recoge sin horario."
  - id: fin
    type: end
    text: "Listo."
"""

LATER = """\
format: 1
id: prueba
kind: flow
title: Prueba
steps:
  - id: problema
    type: question
    answer: long_text
    min_length: 30
    default_from: {source}
    text: "¿Cuál es el problema público que quieren resolver?"
    help: "Todo el compromiso se construye sobre él."
    example: "En 40 colonias el agua llega sin horario."
  - id: causas
    type: question
    answer: short_text
    text: "¿Cuáles son sus causas?"
    help: "Para el árbol de problemas."
    example: "Camiones viejos."
  - id: fin
    type: end
    text: "Problema: {{{{ shown.problema }}}}"
"""

PROBLEM = "En Tlaquepaque la basura se recoge sin horario y nadie sabe a quién reclamar."


def content(tmp_path: Path, source: str = "uno.problema", earlier: str = EARLIER) -> Content:
    return load_checked(content_dir(tmp_path, {"uno": earlier, "prueba": LATER.format(source=source)}))


class Run:
    def __init__(self, content: Content, earlier: dict[str, Any]) -> None:
        self.content, self.context = content, {"earlier": earlier}
        self.state: RunState = engine.start("prueba")
        self.events: list[Any] = []

    def send(self, inp: Input) -> str:
        self.state, self.events = engine.step(self.content, self.state, inp, NOW, self.context)
        return "\n".join(e.text for e in self.events if isinstance(e, MessageOut))

    @property
    def buttons(self) -> list[str]:
        return [b.label for e in self.events if isinstance(e, MessageOut) for b in e.buttons]


def test_an_earlier_answer_is_shown_and_used_as_it_is(tmp_path: Path) -> None:
    run = Run(content(tmp_path), {"uno": {"problema": PROBLEM}})
    said = run.send(Begin())
    assert f"escribiste: «{PROBLEM}»" in said and "¿Lo usamos tal cual o lo ajustas?" in said
    assert "«Primer paso»" in said  # where it was answered
    assert run.buttons == ["Usarlo tal cual"]
    said = run.send(Tap(REUSE, "problema"))
    assert run.state.answers["problema"] == PROBLEM and "¿Cuáles son sus causas?" in said
    assert [e.value for e in run.events if isinstance(e, AnswerSaved)] == [PROBLEM]


def test_a_typed_text_is_the_adjusted_answer(tmp_path: Path) -> None:
    run = Run(content(tmp_path), {"uno": {"problema": PROBLEM}})
    run.send(Begin())
    adjusted = PROBLEM + " Pasa sobre todo en las colonias del sur."
    run.send(Text(adjusted))
    assert run.state.answers["problema"] == adjusted


def test_without_an_earlier_answer_the_question_is_asked_as_usual(tmp_path: Path) -> None:
    built = content(tmp_path)
    for earlier in ({}, {"uno": {}}, {"uno": {"problema": ""}}):
        run = Run(built, earlier)
        said = run.send(Begin())
        assert "escribiste" not in said and "Usarlo tal cual" not in run.buttons
        assert "¿Cuál es el problema público que quieren resolver?" in said


def test_an_earlier_answer_outside_this_questions_limits_is_explained_not_saved(tmp_path: Path) -> None:
    run = Run(content(tmp_path), {"uno": {"problema": "Basura."}})
    run.send(Begin())
    said = run.send(Tap(REUSE, "problema"))
    assert "problema" not in run.state.answers and run.state.step_id == "problema"
    assert "Usarlo tal cual" in run.buttons and said  # still offered, and the refusal says why


def test_going_back_offers_this_runs_own_answer_not_the_earlier_one(tmp_path: Path) -> None:
    run = Run(content(tmp_path), {"uno": {"problema": PROBLEM}})
    run.send(Begin())
    run.send(Text("Otro problema que escribí aquí mismo, con más de treinta letras."))
    said = run.send(Text("atrás"))
    assert "Tu respuesta anterior" in said and "escribiste" not in said


@pytest.mark.parametrize(("source", "message"), [
    ("nadie.problema", "flujo desconocido 'nadie'"),
    ("uno.causas", "ninguna pregunta de 'uno' guarda 'causas'"),
])
def test_the_checker_names_a_default_from_that_leads_nowhere(tmp_path: Path, source: str, message: str) -> None:
    with pytest.raises(ContentInvalid) as raised:
        content(tmp_path, source)
    assert message in str(raised.value)


def test_the_checker_refuses_an_answer_of_another_type(tmp_path: Path) -> None:
    with pytest.raises(ContentInvalid) as raised:
        content(tmp_path, earlier=EARLIER.replace("answer: long_text", "answer: yes_no"))
    assert "'uno.problema' es de tipo yes_no" in str(raised.value)


def test_kits_4_and_5_offer_what_kit_1_promises_them() -> None:
    shipped = load_checked()
    assert shipped.flows["kit5"].steps["problema"].get("default_from") == "kit1.problema_municipio"
    assert shipped.flows["kit4"].steps["mision"].get("default_from") == "kit1.razones"
    assert shipped.flows["kit5"].earlier_sources() == {"kit1"} == shipped.flows["kit4"].earlier_sources()
