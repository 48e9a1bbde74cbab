"""A record step never replaces silently what another kit or person wrote: it shows both values and
asks «mantener / reemplazar / combinar», field by field, with buttons or typed words; what the person
typed stays in the run until they choose. The same person re-answering in the same kit is not asked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from flows.events import RecordWritten
from flows.inputs import Tap, Text
from flows.steps.record import CHOICE_PREFIX
from tests.flows.conftest import Driver

MakeDriver = Callable[..., Driver]

FLOW = """
format: 1
id: prueba
kind: flow
title: Prueba
steps:
  - id: compromiso
    type: question
    answer: choice
    options_from: commitments
    text: "¿Qué compromiso?"
    help: "Uno de tu secretariado."
    example: "1"
  - id: causas
    type: question
    answer: long_text
    text: "¿Qué lo causa?"
    help: "Las causas."
    example: "Poca inversión"
  - id: metas
    type: question
    answer: multi_choice
    options:
      - {value: "6.1", label: "Agua potable"}
      - {value: "6.b", label: "Participación de las comunidades"}
    text: "¿Qué metas?"
    help: "Metas ODS."
    example: "1"
  - id: guardar
    type: record
    record: commitment
    commitment_from: compromiso
    fields: {causes: causas, ods_targets: metas}
  - id: fin
    type: end
    text: "Guardado."
"""


def _driver(make_driver: MakeDriver, mine: bool = False, **fields: Any) -> Driver:
    d = make_driver(FLOW)
    held = {"causes": "poca inversión en la periferia", "ods_targets": ["6.1"], **fields}
    d.context = {
        "lists": {"commitments": [{"value": "4", "label": "Agua a tiempo"}]},
        "records": {"own": None, "commitments": {"4": {
            "fields": held,
            "written": {name: {"by": "Ana", "kit": "kit5", "mine": mine} for name in held},
        }}},
    }
    d.begin()
    d.send(Text("1"))
    d.send(Text("tandeo sin aviso"))
    return d


def _written(d: Driver) -> RecordWritten | None:
    return next((e for e in d.events if isinstance(e, RecordWritten)), None)


def test_a_field_another_person_wrote_is_not_replaced_before_asking(make_driver: MakeDriver) -> None:
    d = _driver(make_driver)
    d.send(Text("1"))  # the targets: 6.1 again, the same value: nothing to ask there
    assert _written(d) is None
    assert "«Causas del problema» ya tiene lo que escribió Ana" in d.said
    assert "Ahora: poca inversión en la periferia" in d.said and "Lo tuyo: tandeo sin aviso" in d.said
    assert d.buttons == ["Mantener lo que está", "Reemplazar con lo nuevo", "Combinar los dos"]
    assert d.state.answers["causas"] == "tandeo sin aviso"  # kept while they decide

    d.send(Text("no sé"))  # not a choice: told how, asked again, nothing written
    assert _written(d) is None and "Elige un botón" in d.said and "Lo tuyo: tandeo sin aviso" in d.said


@pytest.mark.parametrize(("choice", "typed", "causes"), [
    ("mantener", "mantener", None),
    ("reemplazar", "2", "tandeo sin aviso"),
    ("combinar", "combinar", "poca inversión en la periferia\ntandeo sin aviso"),
])
def test_each_choice_does_what_it_says(make_driver: MakeDriver, choice: str, typed: str, causes: str | None) -> None:
    for answer in (Tap(CHOICE_PREFIX + choice, "guardar"), Text(typed)):
        d = _driver(make_driver)
        d.send(Text("1"))
        d.send(answer)
        written = _written(d)
        assert written is not None, answer
        assert written.fields.get("causes") == causes
        assert "Guardado." in d.said
        assert written.seen == {name: written.seen[name] for name in written.fields}  # checked when stored
    assert d.state.answers["causas"] == "tandeo sin aviso"  # what they typed is still theirs, even kept


def test_lists_combine_into_one_and_each_conflict_is_asked_in_turn(make_driver: MakeDriver) -> None:
    d = _driver(make_driver)
    d.send(Text("2"))  # another target than the 6.1 Ana chose
    d.send(Tap(CHOICE_PREFIX + "mantener", "guardar"))
    assert _written(d) is None and "«Metas ODS» ya tiene" in d.said
    d.send(Tap(CHOICE_PREFIX + "combinar", "guardar"))
    written = _written(d)
    assert written is not None and "causes" not in written.fields
    assert written.fields["ods_targets"][0] == "6.1" and len(written.fields["ods_targets"]) == 2


def test_a_date_or_a_title_cannot_be_combined(make_driver: MakeDriver) -> None:
    d = make_driver(FLOW.replace("{causes: causas, ods_targets: metas}", "{title: causas}"))
    d.context = {"lists": {"commitments": [{"value": "4", "label": "Agua"}]},
                 "records": {"commitments": {"4": {"fields": {"title": "Agua"}, "written": {}}}}}
    d.begin()
    d.send(Text("1"))
    d.send(Text("Agua a tiempo"))
    d.send(Text("1"))
    assert d.buttons == ["Mantener lo que está", "Reemplazar con lo nuevo"]
    assert "escribió otra persona" in d.said  # nobody's name in the history
    d.send(Text("3"))  # «combinar» is not offered: not a choice
    assert _written(d) is None


def test_the_same_person_in_the_same_kit_overwrites_without_asking(make_driver: MakeDriver) -> None:
    d = _driver(make_driver, mine=True)
    d.send(Text("2"))
    written = _written(d)
    assert written is not None and written.fields["causes"] == "tandeo sin aviso"
    assert "ya tiene" not in d.said


def test_a_skipped_answer_never_erases_what_someone_else_wrote(make_driver: MakeDriver) -> None:
    d = _driver(make_driver)
    d.state = d.state.evolve(answers={**d.state.answers, "causas": None})
    d.send(Text("1"))
    written = _written(d)
    assert written is not None and "causes" not in written.fields
