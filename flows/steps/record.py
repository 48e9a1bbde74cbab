"""Copies answers into a shared record (the person, the secretariat's commitment) and goes on."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flows.errors import Problem
from flows.events import RecordWritten
from flows.model import Content, Flow, Step
from flows.records import RECORD_FIELDS
from flows.steps import STRING, Go, Outcome, StepKind, problem, register
from flows.turn import Turn


def _mapping(step: Step) -> Mapping[str, object]:
    fields = step.get("fields")
    return fields if isinstance(fields, Mapping) else {}


@register
class Record(StepKind):
    name = "record"
    properties = {
        "record": {"enum": sorted(RECORD_FIELDS)},
        "fields": {"type": "object", "additionalProperties": STRING,
                   "description": "campo del registro: nombre de la respuesta"},
    }
    required = ("record", "fields")

    def enter(self, turn: Turn, step: Step) -> Outcome:
        answers = turn.state.answers
        values = {str(field): answers.get(str(name)) for field, name in _mapping(step).items()}
        turn.events.append(RecordWritten(str(step.get("record")), values))
        return Go(turn.flow.next_of(step))

    def check(self, flow: Flow, step: Step, content: Content) -> Iterable[Problem]:
        record = str(step.get("record"))
        if record not in RECORD_FIELDS:
            known = ", ".join(sorted(RECORD_FIELDS))
            yield problem(step, "record", f"registro desconocido '{record}' (usa: {known})")
            return
        if not _mapping(step):
            yield problem(step, "fields", f"el paso '{step.id}' (record) necesita `fields`")
        saved = {flow.steps[s].save_as for s in flow.question_ids}
        for field, name in _mapping(step).items():
            if field not in RECORD_FIELDS[record]:
                allowed = ", ".join(sorted(RECORD_FIELDS[record]))
                yield problem(step, "fields", f"'{record}' no tiene el campo '{field}' (tiene: {allowed})")
            if str(name) not in saved:
                yield problem(step, "fields", f"variable no definida: ninguna pregunta guarda '{name}'")
