"""Copies answers into a shared record (the person, a commitment, its milestones and indicators,
an indicator report, a sign-off) and goes on.

`commitment_from` names the answer holding the commitment chosen from the host's `commitments`
list; without it the run's own commitment is used (created on its first write). In a loop the
step writes once per round; `collect_as` keeps what each round wrote, as the person read it, in a
list answer a summary can go through (`{% for h in answers.hitos %}`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flows.answers import get
from flows.errors import Problem
from flows.events import RecordWritten
from flows.model import Content, Flow, Step
from flows.records import (
    COMMITMENT_LISTS,
    COMMITMENT_RECORDS,
    INDICATOR_LISTS,
    RECORD_FIELDS,
    REQUIRED_FIELDS,
    TARGET_FIELD,
)
from flows.steps.crossfield import RAW_PREFIX
from flows.steps.registry import STRING, Go, Outcome, StepKind, problem, register
from flows.turn import Turn


def _mapping(step: Step) -> Mapping[str, object]:
    fields = step.get("fields")
    return fields if isinstance(fields, Mapping) else {}


def _asked_by(flow: Flow, name: str) -> Step | None:
    """The question that saves the answer `name`."""
    return next((flow.steps[q] for q in flow.question_ids if flow.steps[q].save_as == name), None)


@register
class Record(StepKind):
    name = "record"
    properties = {
        "record": {"enum": sorted(RECORD_FIELDS)},
        "fields": {"type": "object", "additionalProperties": STRING,
                   "description": "campo del registro: nombre de la respuesta"},
        "commitment_from": {"type": "string",
                            "description": "respuesta con el compromiso elegido (options_from: commitments)"},
        "collect_as": {"type": "string",
                       "description": "lista de respuestas donde se guarda lo escrito en cada vuelta"},
    }
    required = ("record", "fields")

    def enter(self, turn: Turn, step: Step) -> Outcome:
        answers = turn.state.answers
        mapping = _mapping(step)
        values = {str(field): answers.get(str(name)) for field, name in mapping.items()}
        record = str(step.get("record"))
        chooser = str(step.get("commitment_from") or "") or None
        target_field = TARGET_FIELD.get(record)
        if chooser is None and target_field and target_field in mapping:
            chooser = str(mapping[target_field])
        asked = _asked_by(turn.flow, chooser) if chooser else None
        # Went back (atrás) into the round this step already wrote, and came forward again: the
        # history is no longer than when it wrote, so this corrects that record instead of adding one.
        written_at = turn.state.written.get(step.id)
        amends = written_at is not None and len(turn.state.history) <= written_at
        turn.events.append(RecordWritten(
            record, values,
            commitment=answers.get(str(step.get("commitment_from"))) if step.get("commitment_from") else None,
            chosen_at=asked.id if asked else None,
            amends=amends,
        ))
        updated = dict(answers)
        collect = step.get("collect_as")
        if collect:
            written = self._as_shown(turn, mapping)
            earlier = answers.get(str(collect))
            rounds = list(earlier) if isinstance(earlier, list) else []
            rounds = [*rounds[:-1], written] if amends and rounds else [*rounds, written]
            updated[str(collect)] = rounds
            raw = answers.get(RAW_PREFIX + str(collect))
            typed = list(raw) if isinstance(raw, list) else []
            updated[RAW_PREFIX + str(collect)] = [*typed[:-1], values] if amends and typed else [*typed, values]
        written_now = {**turn.state.written, step.id: len(turn.state.history)}
        turn.state = turn.state.evolve(answers=updated, written=written_now)
        return Go(turn.flow.next_of(step))

    def _as_shown(self, turn: Turn, mapping: Mapping[str, object]) -> dict[str, Any]:
        shown: dict[str, Any] = {}
        for field, name in mapping.items():
            value = turn.state.answers.get(str(name))
            asked = _asked_by(turn.flow, str(name))
            kind = get(str(asked.get("answer"))) if asked else None
            shown[str(field)] = (kind.show(value, turn.spec(asked)) if kind and asked and value is not None
                                 else value)
        return shown

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
        missing = REQUIRED_FIELDS.get(record, frozenset()) - set(map(str, _mapping(step)))
        if missing and _mapping(step):
            yield problem(step, "fields", f"'{record}' necesita el campo {', '.join(sorted(missing))}")
        yield from self._check_target(flow, step, record)

    def _check_target(self, flow: Flow, step: Step, record: str) -> Iterable[Problem]:
        chooser = step.get("commitment_from")
        if chooser is not None:
            if record not in COMMITMENT_RECORDS:
                yield problem(step, "commitment_from",
                              f"'{record}' no pertenece a un compromiso: quita `commitment_from`")
                return
            asked = _asked_by(flow, str(chooser))
            if asked is None:
                yield problem(step, "commitment_from", f"variable no definida: ninguna pregunta guarda '{chooser}'")
            elif str(asked.get("options_from")) not in COMMITMENT_LISTS:
                lists = ", ".join(sorted(COMMITMENT_LISTS))
                yield problem(step, "commitment_from",
                              f"'{chooser}' debe elegirse de una lista de compromisos (options_from: {lists})")
        elif record == "signoff":
            yield problem(step, "record", "una firma (`signoff`) necesita `commitment_from`: ¿qué compromiso se firma?")
        target_field = TARGET_FIELD.get(record)
        name = _mapping(step).get(target_field) if target_field else None
        if name is not None:
            asked = _asked_by(flow, str(name))
            if asked is not None and str(asked.get("options_from")) not in INDICATOR_LISTS:
                lists = ", ".join(sorted(INDICATOR_LISTS))
                yield problem(step, "fields",
                              f"'{name}' debe elegirse de una lista de indicadores (options_from: {lists})")
