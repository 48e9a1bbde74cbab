"""Navigation every question understands: atrás, saltar, ayuda, pausa; resuming; odd inputs."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from flows import engine
from flows.events import AnswerSaved, RunPaused
from flows.inputs import Begin, Command, Repeat, Tap, Text, Unsupported
from flows.state import ACTIVE, PAUSED
from tests.flows.conftest import NOW, Driver

FLOW = """
format: 1
id: prueba
kind: kit
number: 5
title: "Kit de prueba"
purpose: "Probar la navegación."
steps:
  - id: intro
    type: message
    text: "Vamos a definir un compromiso."
  - id: titulo
    type: question
    answer: short_text
    text: "¿Cómo se llama el compromiso?"
    help: "Un nombre corto ayuda a recordarlo."
    example: "Agua a tiempo en Tlaquepaque"
  - id: linea_base
    type: question
    answer: number
    optional: true
    text: "¿Cuántas colonias reciben agua por tandeo?"
    help: "La línea base dice de dónde partimos."
    example: "42"
  - id: valores
    type: question
    answer: multi_choice
    options_from: ogp_values
    text: "¿Qué valores de gobierno abierto atiende?"
    help: "Un compromiso debe servir al menos a un valor."
    example: "1, 3"
  - id: fin
    type: end
    text: "Listo: {{ answers.titulo }}."
"""


@pytest.fixture
def kit(make_driver: Callable[[str], Driver]) -> Driver:
    d = make_driver(FLOW)
    d.begin()
    return d


def test_progress_is_shown_as_paso_n_de_m(kit: Driver) -> None:
    assert kit.texts[0] == "Vamos a definir un compromiso."
    assert kit.texts[1].startswith("Paso 1 de 3")
    kit.send(Text("Agua a tiempo"))
    assert kit.texts[0].startswith("Paso 2 de 3")


def test_atras_shows_the_previous_answer_and_keeps_it(kit: Driver) -> None:
    kit.send(Text("Agua a tiempo"))
    kit.send(Text("atrás"))
    assert kit.state.step_id == "titulo"
    assert "Tu respuesta anterior: «Agua a tiempo»" in kit.said
    assert "Mantener respuesta" in kit.buttons
    kit.send(Tap("~keep", "titulo"))
    assert kit.state.step_id == "linea_base"
    assert kit.state.answers["titulo"] == "Agua a tiempo"


def test_atras_then_a_new_answer_replaces_the_old_one(kit: Driver) -> None:
    kit.send(Text("Agua a tiempo"))
    kit.send(Text("Atras"))
    kit.send(Text("Agua todos los días"))
    assert kit.state.answers["titulo"] == "Agua todos los días"
    assert kit.state.step_id == "linea_base"


def test_atras_on_the_first_question_says_so(kit: Driver) -> None:
    kit.send(Text("atrás"))
    assert "Ya estás en la primera pregunta" in kit.said
    assert kit.state.step_id == "titulo"


def test_saltar_only_where_the_step_allows_it(kit: Driver) -> None:
    kit.send(Text("saltar"))
    assert "no se puede saltar" in kit.said
    assert kit.state.step_id == "titulo"
    kit.send(Text("Agua a tiempo"))
    assert "«saltar»" in kit.said  # the optional question says it can be skipped
    kit.send(Text("saltar"))
    assert kit.state.step_id == "valores"
    assert "linea_base" not in kit.state.answers


def test_ayuda_gives_help_and_example_and_changes_nothing(kit: Driver) -> None:
    before = kit.state
    kit.send(Text("ayuda"))
    assert "¿Por qué te pregunto esto? Un nombre corto ayuda a recordarlo." in kit.said
    assert "Por ejemplo: Agua a tiempo en Tlaquepaque" in kit.said
    assert kit.state == before


def test_pausa_then_resume_at_the_same_step(kit: Driver) -> None:
    kit.send(Text("Agua a tiempo"))
    kit.send(Text("pausa"))
    assert RunPaused() in kit.events and kit.state.status == PAUSED
    assert "/continuar" in kit.said
    kit.send(Begin())
    assert kit.state.status == ACTIVE and kit.state.step_id == "linea_base"
    assert "Retomamos «Kit de prueba» donde lo dejaste." in kit.said
    assert "Paso 2 de 3" in kit.said


def test_unknown_command_gets_short_help_and_the_kit_continues(kit: Driver) -> None:
    kit.send(Command("foo"))
    assert "No conozco el comando /foo" in kit.said
    assert "¿Cómo se llama el compromiso?" in kit.said
    assert kit.state.step_id == "titulo"


def test_a_sticker_where_text_is_expected_is_explained(kit: Driver) -> None:
    before = kit.state
    kit.send(Unsupported("sticker"))
    assert "no puedo leer un sticker" in kit.said
    assert (kit.state.answers, kit.state.step_id, kit.state.history) == (before.answers, before.step_id, before.history)


def test_multi_choice_from_a_catalog(kit: Driver) -> None:
    kit.send(Text("Agua a tiempo"))
    kit.send(Text("42"))
    assert "Transparencia" in kit.buttons
    kit.send(Text("1, 3"))
    assert AnswerSaved("valores", ["transparencia", "rendicion_de_cuentas"], "valores") in kit.events
    assert kit.texts == ["Listo: Agua a tiempo."]


def test_a_rejected_answer_keeps_every_earlier_answer(kit: Driver) -> None:
    kit.send(Text("Agua a tiempo"))
    kit.send(Text("mil"))
    assert "No pude leer «mil» como un número" in kit.said
    assert kit.state.answers == {"titulo": "Agua a tiempo"}
    assert kit.state.step_id == "linea_base"


def test_a_tap_from_an_older_message_is_refused(kit: Driver) -> None:
    kit.send(Text("Agua a tiempo"))
    kit.send(Text("42"))
    before = kit.state
    kit.send(Tap("transparencia", "un_paso_viejo"))
    assert "ya no corresponde" in kit.said
    assert kit.state == before


def test_try_again_is_said_once_per_step(kit: Driver) -> None:
    kit.send(Text("Agua a tiempo"))
    kit.send(Text("mil"))
    assert "No pude leer «mil» como un número" in kit.said
    assert "Inténtalo de nuevo; tu avance sigue guardado." in kit.said
    kit.send(Text("dos mil"))
    assert "No pude leer «dos mil» como un número" in kit.said  # still says what is wrong
    assert "Inténtalo de nuevo" not in kit.said
    kit.send(Text("42"))
    kit.send(Text("ninguno"))  # the next step: once there too
    assert "Inténtalo de nuevo; tu avance sigue guardado." in kit.said


LENGTHS = """
format: 1
id: prueba
kind: kit
number: 5
title: "Kit de prueba"
purpose: "Probar los límites de un texto."
steps:
  - id: problema
    type: question
    label: "Problema"
    answer: long_text
    min_length: 30
    max_length: 60
    text: "¿Cuál es el problema? Qué pasa, a quién y dónde."
  - id: fin
    type: end
    text: "Listo."
"""


def test_a_short_or_long_answer_is_told_what_is_missing_not_a_character_count(
        make_driver: Callable[[str], Driver]) -> None:
    d = make_driver(LENGTHS)
    d.begin()
    d.send(Text("Falta agua."))
    assert "Para «Problema» me falta un poco más de detalle" in d.said
    assert "caracteres" not in d.said and "11" not in d.said
    d.send(Text("En las colonias del oriente de Xalapa el agua llega sin horario fijo ni aviso."))
    assert "quítale unas 3 palabras" in d.said and "caracteres" not in d.said
    d.send(Text("En el oriente de Xalapa el agua llega sin horario ni aviso."))
    assert d.texts == ["Listo."]


def test_back_to_an_earlier_step_keeps_every_answer_and_asks_it_again(kit: Driver) -> None:
    kit.send(Text("Agua a tiempo"))
    kit.send(Text("42"))
    assert kit.state.step_id == "valores"
    back = engine.back_to(kit.content, kit.state, "titulo")
    assert back.step_id == "titulo" and back.status == ACTIVE and back.mode is None
    assert back.answers == kit.state.answers  # nothing typed is lost
    assert "titulo" not in back.history and "linea_base" not in back.history
    assert back.ahead == ("linea_base", "valores", "fin")
    again, events = engine.step(kit.content, back, Repeat(), NOW)
    assert again.step_id == "titulo"
    assert any("¿Cómo se llama el compromiso?" in getattr(e, "text", "") for e in events)


def test_back_to_a_step_the_flow_lacks_changes_nothing(kit: Driver) -> None:
    kit.send(Text("Agua a tiempo"))
    assert engine.back_to(kit.content, kit.state, "no_existe") == kit.state
    paused = kit.state.evolve(status=PAUSED, mode="edit", return_to="valores")
    back = engine.back_to(kit.content, paused, "titulo")
    assert (back.status, back.mode, back.return_to) == (ACTIVE, None, None)
