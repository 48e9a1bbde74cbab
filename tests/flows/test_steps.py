"""Each step kind, driven through the engine; a registered kind without cases fails the suite."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from flows.events import AnswerSaved, RecordWritten, RunFinished
from flows.inputs import Tap, Text
from flows.state import DONE
from flows.steps import REGISTRY
from tests.flows.conftest import Driver

MakeDriver = Callable[..., Driver]

HEAD = """
format: 1
id: prueba
kind: flow
title: Prueba
steps:
"""


def case_message_is_sent_and_the_run_goes_on(make_driver: MakeDriver) -> None:
    d = make_driver(HEAD + """
  - id: hola
    type: message
    text: "Hola, {{ person.name or 'equipo' }}."
  - id: nombre
    type: question
    answer: short_text
    text: "¿Cómo se llama tu municipio?"
    help: "Para ubicar tu secretariado."
    example: "Zapopan"
  - id: fin
    type: end
    text: "Listo."
""")
    d.begin()
    assert d.texts[0] == "Hola, equipo."
    assert d.state.step_id == "nombre"


def case_question_saves_a_valid_answer(make_driver: MakeDriver) -> None:
    d = make_driver(HEAD + """
  - id: municipio
    type: question
    answer: short_text
    text: "¿Cómo se llama tu municipio?"
    help: "Para ubicar tu secretariado."
    example: "Zapopan"
  - id: fin
    type: end
    text: "Gracias, {{ answers.municipio }}."
""")
    d.begin()
    assert "Paso 1 de 1" in d.said
    d.send(Text("Xalapa"))
    assert AnswerSaved("municipio", "Xalapa", "municipio") in d.events
    assert d.texts == ["Gracias, Xalapa."]


def case_question_rejects_and_saves_nothing(make_driver: MakeDriver) -> None:
    d = make_driver(HEAD + """
  - id: fecha
    type: question
    answer: date
    text: "¿Cuándo sesionaron por primera vez?"
    help: "Para ubicar el inicio del proceso."
    example: "15/03/2026"
  - id: fin
    type: end
    text: "Listo."
""")
    d.begin()
    d.send(Text("31/02/2025"))
    assert "febrero de 2025 tiene 28 días" in d.said
    assert "Por ejemplo: 15/03/2026" in d.said
    assert d.state.answers == {} and d.state.step_id == "fecha"
    assert not any(isinstance(e, AnswerSaved) for e in d.events)


def case_branch_follows_the_first_true_condition(make_driver: MakeDriver) -> None:
    flow = HEAD + """
  - id: datos
    type: question
    answer: yes_no
    text: "¿Tienen datos del problema?"
    help: "Los datos muestran el tamaño del problema."
    example: "sí"
  - id: decide
    type: branch
    branches:
      - when: "answers.datos"
        next: con_datos
    default: sin_datos
  - id: con_datos
    type: end
    text: "Con datos."
  - id: sin_datos
    type: end
    text: "Sin datos."
"""
    yes = make_driver(flow)
    yes.begin()
    yes.send(Tap("si", "datos"))
    assert yes.texts == ["Con datos."]
    no = make_driver(flow)
    no.begin()
    no.send(Text("no"))
    assert no.texts == ["Sin datos."]


SUMMARY_FLOW = HEAD + """
  - id: titulo
    type: question
    answer: short_text
    label: Título
    text: "Título del compromiso"
    help: "Un nombre corto."
    example: "Agua a tiempo"
  - id: problema
    type: question
    answer: long_text
    label: Problema
    text: "¿Qué problema público atiende?"
    help: "Partimos del problema."
    example: "Tandeo irregular de agua"
  - id: resumen
    type: summary
    text: "Título: {{ answers.titulo }}\\nProblema: {{ answers.problema }}"
    fields: [titulo, problema]
  - id: fin
    type: end
    text: "Guardado."
"""


def case_summary_confirms(make_driver: MakeDriver) -> None:
    d = make_driver(SUMMARY_FLOW)
    d.begin()
    d.send(Text("Agua a tiempo"))
    d.send(Text("Tandeo irregular en la colonia Centro"))
    assert "Título: Agua a tiempo" in d.said
    assert d.buttons == ["Confirmar", "Corregir"]
    d.send(Tap("~confirm", "resumen"))
    assert d.texts == ["Guardado."] and d.state.status == DONE


def case_summary_corrects_one_answer_and_comes_back(make_driver: MakeDriver) -> None:
    d = make_driver(SUMMARY_FLOW)
    d.begin()
    d.send(Text("Agua a tiempo"))
    d.send(Text("Tandeo irregular"))
    d.send(Tap("~fix", "resumen"))
    assert d.buttons == ["Título", "Problema"]
    d.send(Tap("~fix:titulo", "resumen"))
    assert "Tu respuesta anterior: «Agua a tiempo»" in d.said
    d.send(Text("Agua todos los días"))
    assert d.state.step_id == "resumen"
    assert "Título: Agua todos los días" in d.said
    assert d.state.answers["problema"] == "Tandeo irregular"


def case_record_writes_answers_into_the_commitment(make_driver: MakeDriver) -> None:
    d = make_driver(HEAD + """
  - id: titulo
    type: question
    answer: short_text
    text: "Título"
    help: "Un nombre corto."
    example: "Agua a tiempo"
  - id: guardar
    type: record
    record: commitment
    fields:
      title: titulo
  - id: fin
    type: end
    text: "Guardado."
""")
    d.begin()
    d.send(Text("Agua a tiempo"))
    assert RecordWritten("commitment", {"title": "Agua a tiempo"}) in d.events


def case_end_finishes_and_hands_over(make_driver: MakeDriver) -> None:
    d = make_driver(HEAD + """
  - id: kit
    type: question
    answer: choice
    options:
      - {value: kit1, label: "Kit 1"}
      - {value: kit5, label: "Kit 5"}
    text: "¿Qué kit?"
    help: "Elige por dónde empezar."
    example: "1"
  - id: fin
    type: end
    text: "¡Vamos!"
    next_flow: "{{ answers.kit }}"
""")
    d.begin()
    d.send(Text("2"))
    assert RunFinished("kit5") in d.events
    assert d.state.status == DONE
    d.send(Text("hola"))
    assert "Ya terminaste «Prueba»" in d.said


def case_commitment_summary_shows_what_the_chosen_commitment_holds(make_driver: MakeDriver) -> None:
    d = make_driver(HEAD + """
  - id: compromiso
    type: question
    answer: choice
    options_from: commitments
    text: "¿Qué compromiso?"
    help: "Uno de tu secretariado."
    example: "1"
  - id: lo_que_tiene
    type: commitment_summary
    commitment_from: compromiso
    text: "Esto ya tiene:"
    empty: "Aún no tiene nada."
  - id: fin
    type: end
    text: "Listo."
""")
    fields = {"title": "Agua a tiempo", "causes": "poca inversión en la periferia", "ods_goals": ["6"],
              "proposal": "x" * 300}
    d.context = {"lists": {"commitments": [{"value": "4", "label": "Agua a tiempo", "fields": fields}]}}
    d.begin()
    d.send(Text("1"))
    assert "Esto ya tiene:\n• Título: Agua a tiempo\n• Causas del problema: poca inversión en la periferia" in d.said
    assert "• Objetivos de Desarrollo Sostenible: 6. Agua limpia y saneamiento" in d.said  # by its label
    assert "• Propuesta: " + "x" * 69 + "…" in d.said  # one short line each: it fits a phone


CASES: dict[str, list[Callable[[MakeDriver], None]]] = {
    "message": [case_message_is_sent_and_the_run_goes_on],
    "question": [case_question_saves_a_valid_answer, case_question_rejects_and_saves_nothing],
    "branch": [case_branch_follows_the_first_true_condition],
    "summary": [case_summary_confirms, case_summary_corrects_one_answer_and_comes_back],
    "record": [case_record_writes_answers_into_the_commitment],
    "commitment_summary": [case_commitment_summary_shows_what_the_chosen_commitment_holds],
    "end": [case_end_finishes_and_hands_over],
}


def test_every_registered_step_kind_has_cases() -> None:
    missing = set(REGISTRY) - {k for k, cases in CASES.items() if cases}
    assert not missing, f"step kinds without test cases: {sorted(missing)}"


@pytest.mark.parametrize(
    "case", [c for cases in CASES.values() for c in cases], ids=lambda c: c.__name__.removeprefix("case_")
)
def test_step_kind(case: Callable[[MakeDriver], None], make_driver: MakeDriver) -> None:
    case(make_driver)
