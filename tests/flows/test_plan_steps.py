"""Host lists, evidence files, records on a chosen commitment, and loops: what a person notices."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from flows import engine
from flows.checker import check
from flows.events import Event, MessageOut, RecordWritten, RunFinished
from flows.inputs import Begin, File, Input, Tap, Text, Unsupported
from flows.loader import load, load_checked
from flows.model import Content
from flows.state import DONE
from tests.flows.conftest import NOW, content_dir

FLOW = """\
format: 1
id: prueba
kind: flow
title: "Prueba"
steps:
  - id: compromiso
    type: question
    text: "¿Qué compromiso?"
    answer: choice
    options_from: commitments
    if_empty: sin_compromisos
    help: "Para saber a cuál le agregamos hitos."
    example: "1"
  - id: elegido
    type: message
    text: "Trabajamos en «{{ shown.compromiso }}»: {{ chosen.compromiso.objective }}"
  - id: salida
    type: question
    text: "¿Qué producto entrega el hito?"
    answer: short_text
    help: "Un hito es algo que se puede ver."
    example: "Calendario publicado"
  - id: fecha
    type: question
    text: "¿Para cuándo?"
    answer: date
    help: "Sin fecha no hay seguimiento."
    example: "30/06/2026"
  - id: guardar_hito
    type: record
    record: milestone
    commitment_from: compromiso
    collect_as: hitos
    fields:
      output: salida
      due_date: fecha
  - id: otro
    type: question
    text: "¿Agregar otro hito?"
    answer: yes_no
    help: "Un compromiso suele tener varios hitos."
    example: "sí"
  - id: vuelta
    type: branch
    branches:
      - when: "answers.otro"
        next: salida
    default: evidencia
  - id: evidencia
    type: question
    text: "Envía la evidencia."
    answer: file
    optional: true
    help: "Respalda lo que reportas."
    example: "https://drive.google.com/evidencia"
  - id: resumen
    type: message
    text: "{% for h in answers.hitos %}• {{ h.output }} ({{ h.due_date }})\\n{% endfor %}\
      Evidencia: {{ shown.evidencia }}"
  - id: fin
    type: end
    text: "Listo."
  - id: sin_compromisos
    type: end
    text: "Vuelve cuando tengan uno."
"""

COMMITMENTS = [{"value": "12", "label": "Agua potable para colonias", "objective": "Agua diaria en 40 colonias"},
               {"value": "15", "label": "Alumbrado en Mérida", "objective": "Calles iluminadas"}]


@pytest.fixture
def content(tmp_path: Path) -> Content:
    return load_checked(content_dir(tmp_path, {"prueba": FLOW}))


class Host:
    """Drives the engine as the host does, with the lists it would fill."""

    def __init__(self, content: Content, lists: dict[str, Any]) -> None:
        self.content, self.lists = content, lists
        self.state = engine.start("prueba")
        self.events: list[Event] = []

    def send(self, inp: Input) -> str:
        self.state, self.events = engine.step(self.content, self.state, inp, NOW, {"lists": self.lists})
        return "\n".join(e.text for e in self.events if isinstance(e, MessageOut))

    @property
    def records(self) -> list[RecordWritten]:
        return [e for e in self.events if isinstance(e, RecordWritten)]


def test_a_host_list_becomes_buttons_and_the_chosen_item_is_shown(content: Content) -> None:
    host = Host(content, {"commitments": COMMITMENTS})
    host.send(Begin())
    buttons = [b.label for e in host.events if isinstance(e, MessageOut) for b in e.buttons]
    assert buttons == ["Agua potable para colonias", "Alumbrado en Mérida"]
    said = host.send(Text("2"))
    assert "Trabajamos en «Alumbrado en Mérida»: Calles iluminadas" in said
    assert host.state.answers["compromiso"] == "15"


def test_an_empty_host_list_says_what_is_missing_and_goes_on(content: Content) -> None:
    host = Host(content, {"commitments": []})
    said = host.send(Begin())
    assert "aún no tiene compromisos" in said and "Kit 5" in said
    assert "Vuelve cuando tengan uno." in said
    assert host.state.status == DONE


def test_without_if_empty_an_empty_list_ends_the_run_kindly(tmp_path: Path) -> None:
    flow = FLOW.replace("    if_empty: sin_compromisos\n", "").replace(
        "  - id: sin_compromisos\n    type: end\n    text: \"Vuelve cuando tengan uno.\"\n", "")
    content = load_checked(content_dir(tmp_path, {"prueba": flow}))
    host = Host(content, {})
    said = host.send(Begin())
    assert "aún no tiene compromisos" in said
    assert host.state.status == DONE
    assert any(isinstance(e, RunFinished) for e in host.events)


def test_a_tap_on_an_option_that_vanished_is_refused_kindly(content: Content) -> None:
    host = Host(content, {"commitments": COMMITMENTS})
    host.send(Begin())
    host.lists = {"commitments": COMMITMENTS[:1]}
    said = host.send(Tap("15", "compromiso"))
    assert "Ese botón ya no corresponde" in said
    assert "compromiso" not in host.state.answers
    assert host.send(Text("1")) and host.state.answers["compromiso"] == "12"


def test_a_list_emptied_while_waiting_lets_the_person_go_on(content: Content) -> None:
    host = Host(content, {"commitments": COMMITMENTS})
    host.send(Begin())
    host.lists = {}
    said = host.send(Begin())  # resuming days later: the list is empty now
    assert "aún no tiene compromisos" in said
    assert [b.label for e in host.events if isinstance(e, MessageOut) for b in e.buttons] == ["Continuar"]
    assert "Vuelve cuando tengan uno." in host.send(Tap("~go_on", "compromiso"))


def test_a_loop_writes_each_round_and_the_summary_lists_every_milestone(content: Content) -> None:
    host = Host(content, {"commitments": COMMITMENTS})
    host.send(Begin())
    assert "Paso 2 de 5" in host.send(Text("1"))
    host.send(Text("Calendario de tandeo publicado"))
    host.send(Text("30/06/2026"))
    first = host.records
    assert [(r.record, r.commitment, r.fields) for r in first] == [
        ("milestone", "12", {"output": "Calendario de tandeo publicado", "due_date": "2026-06-30"})]
    assert first[0].chosen_at == "compromiso"
    said = host.send(Text("sí"))
    assert "Paso 2 de 5" in said  # the same question again, for the next milestone
    assert "Tu respuesta anterior" not in said
    host.send(Text("Comités vecinales instalados"))
    host.send(Text("15/09/2026"))
    assert [r.fields["output"] for r in host.records] == ["Comités vecinales instalados"]
    host.send(Text("no"))
    said = host.send(Text("https://drive.google.com/actas"))
    assert "• Calendario de tandeo publicado (30 de junio de 2026)" in said
    assert "• Comités vecinales instalados (15 de septiembre de 2026)" in said
    assert "Evidencia: https://drive.google.com/actas" in said


def test_back_inside_a_loop_goes_to_the_previous_question(content: Content) -> None:
    host = Host(content, {"commitments": COMMITMENTS})
    host.send(Begin())
    for text in ("1", "Calendario publicado", "30/06/2026", "sí"):
        host.send(Text(text))
    said = host.send(Text("atrás"))
    assert "¿Agregar otro hito?" in said and "Tu respuesta anterior: «Sí»" in said


def _at_evidence(content: Content) -> Host:
    host = Host(content, {"commitments": COMMITMENTS})
    host.send(Begin())
    for text in ("1", "Calendario publicado", "30/06/2026", "no"):
        host.send(Text(text))
    return host


def test_a_photo_or_document_is_evidence(content: Content) -> None:
    host = _at_evidence(content)
    said = host.send(File("document", "BQACAgIA", "acta-sesion.pdf", "application/pdf"))
    assert host.state.answers["evidencia"] == {"kind": "document", "ref": "BQACAgIA", "name": "acta-sesion.pdf"}
    assert "Evidencia: Documento «acta-sesion.pdf»" in said


def test_a_sticker_or_plain_words_are_not_evidence(content: Content) -> None:
    host = _at_evidence(content)
    said = host.send(Unsupported("sticker"))
    assert "envía una foto o un documento" in said and "https://" in said
    said = host.send(Text("luego la mando"))
    assert "envía una foto o un documento" in said
    assert "evidencia" not in host.state.answers
    host.send(Text("saltar"))
    assert host.state.status == DONE


def test_a_file_where_text_is_expected_is_explained(content: Content) -> None:
    host = Host(content, {"commitments": COMMITMENTS})
    host.send(Begin())
    host.send(Text("1"))
    said = host.send(File("photo", "AgACAgIA"))
    assert "no puedo leer un archivo de imagen como respuesta" in said
    assert "salida" not in host.state.answers


CHECKS = [
    ("    options_from: commitments\n", "    options_from: compromisos\n", "catálogo desconocido 'compromisos'"),
    ("    if_empty: sin_compromisos\n", "    if_empty: no_existe\n",
     "`if_empty` del paso 'compromiso' apunta a 'no_existe'"),
    ("    commitment_from: compromiso\n", "    commitment_from: salida\n", "debe elegirse de una lista de compromisos"),
    ("    record: milestone\n", "    record: hito\n", "registro desconocido 'hito'"),
    ("      output: salida\n", "      output: salida\n      color: salida\n", "'milestone' no tiene el campo 'color'"),
]


@pytest.mark.parametrize(("old", "new", "message"), CHECKS)
def test_the_checker_explains_mistakes_with_lists_and_records(tmp_path: Path, old: str, new: str,
                                                               message: str) -> None:
    assert old in FLOW
    content, problems = load(content_dir(tmp_path, {"prueba": FLOW.replace(old, new)}))
    found = [str(p) for p in problems + check(content) if p.severity == "error"]
    assert any(message in p for p in found), found


def test_if_empty_only_with_a_host_list_and_its_target_is_reachable(tmp_path: Path) -> None:
    flow = FLOW.replace("    options_from: commitments\n", "    options_from: sectors\n")
    content, problems = load(content_dir(tmp_path, {"prueba": flow}))
    found = [str(p) for p in problems + check(content)]
    assert any("`if_empty` solo sirve con una lista" in p for p in found), found
    # the step reached only through if_empty is not reported unreachable
    assert not any("inalcanzable" in p for p in found), found


def test_a_signoff_needs_its_commitment(tmp_path: Path) -> None:
    flow = FLOW.replace("    record: milestone\n    commitment_from: compromiso\n", "    record: signoff\n").replace(
        "      output: salida\n      due_date: fecha\n", "      decision: salida\n")
    content, problems = load(content_dir(tmp_path, {"prueba": flow}))
    assert any("necesita `commitment_from`" in str(p) for p in check(content)), check(content)


def test_going_back_into_a_written_round_corrects_it_instead_of_adding_one(content: Content) -> None:
    host = Host(content, {"commitments": COMMITMENTS})
    host.send(Begin())
    for text in ("1", "Calendario publicado", "30/06/2026"):
        host.send(Text(text))
    assert [r.amends for r in host.records] == [False]
    host.send(Text("atrás"))  # from «¿Agregar otro hito?» back to the date
    host.send(Text("31/07/2026"))
    assert [(r.amends, r.fields["due_date"]) for r in host.records] == [(True, "2026-07-31")]
    for text in ("sí", "Comités instalados", "15/09/2026"):
        host.send(Text(text))
    assert [r.amends for r in host.records] == [False]  # a new round is a new milestone
    host.send(Text("no"))
    said = host.send(Text("saltar"))
    assert said.count("• ") == 2 and "31 de julio de 2026" in said and "30 de junio" not in said
