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

from flows import recorded
from flows.answers import get
from flows.errors import Problem
from flows.events import Button, RecordWritten
from flows.fields import DECLARED, Field, combined, is_empty
from flows.inputs import Input, Tap, Text
from flows.model import Content, Flow, Step
from flows.plan.versions import FOLLOW_UP_FIELDS
from flows.records import (
    COMMITMENT_LISTS,
    COMMITMENT_RECORDS,
    INDICATOR_LISTS,
    RECORD_FIELDS,
    REQUIRED_FIELDS,
    TARGET_FIELD,
)
from flows.steps.crossfield import RAW_PREFIX
from flows.steps.registry import STAY, STRING, Go, Outcome, StepKind, problem, register
from flows.text import normalize
from flows.turn import Turn


def _mapping(step: Step) -> Mapping[str, object]:
    fields = step.get("fields")
    return fields if isinstance(fields, Mapping) else {}


def _asked_by(flow: Flow, name: str) -> Step | None:
    """The question that saves the answer `name`."""
    return next((flow.steps[q] for q in flow.question_ids if flow.steps[q].save_as == name), None)


KEEP, REPLACE, MERGE = "mantener", "reemplazar", "combinar"
CHOICE_PREFIX = "~record:"


def _conflicts(turn: Turn, holds: Mapping[str, Any], values: Mapping[str, Any]) -> list[str]:
    """The fields this record would replace although someone else wrote them: another person, or
    another kit (the same person re-answering in the same kit overwrites without asking)."""
    current = holds.get("fields") or {}
    written = holds.get("written") or {}
    found = []
    for name, value in values.items():
        if holds.get("frozen") and name not in FOLLOW_UP_FIELDS:
            continue  # refused when written, whatever the person would choose
        now = current.get(name)
        mine = bool((written.get(name) or {}).get("mine"))
        if not mine and not is_empty(now) and not is_empty(value) and now != value:
            found.append(name)
    return found


def _choice_of(turn: Turn, step: Step, holds: Mapping[str, Any], name: str, value: Any) -> str | None:
    """What the person chose for this field, while it still holds what they were shown."""
    made = turn.state.choices.get(f"{step.id}:{name}")
    current = (holds.get("fields") or {}).get(name)
    if isinstance(made, list) and len(made) == 3 and made[1] == current and made[2] == value:
        return str(made[0])
    return None


def _open_conflict(turn: Turn, step: Step, holds: Mapping[str, Any], values: Mapping[str, Any]) -> str | None:
    """The first field still waiting for «mantener / reemplazar / combinar»."""
    return next((name for name in _conflicts(turn, holds, values)
                 if _choice_of(turn, step, holds, name, values[name]) is None), None)


def _resolved(turn: Turn, step: Step, holds: Mapping[str, Any],
              values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The values to write once every conflict is settled, and each as the record held it (`seen`).

    «mantener» leaves the field out; «combinar» joins both. An empty answer (a skipped question)
    never erases what someone else wrote.
    """
    current = holds.get("fields") or {}
    written = holds.get("written") or {}
    out: dict[str, Any] = {}
    for name, value in values.items():
        now = current.get(name)
        choice = _choice_of(turn, step, holds, name, value)
        if is_empty(value) and not is_empty(now) and not (written.get(name) or {}).get("mine"):
            continue
        if choice == KEEP:
            continue
        out[name] = combined(DECLARED["commitment"][name], now, value) if choice == MERGE else value
    return out, {name: current.get(name) for name in out}


def _choices(field: Field) -> tuple[str, ...]:
    return (KEEP, REPLACE, MERGE) if field.combinable else (KEEP, REPLACE)


def _ask(turn: Turn, step: Step, holds: Mapping[str, Any], name: str, value: Any) -> None:
    """«Causas del problema» ya tiene lo que escribió Ana en el Kit 5: the two values and three buttons."""
    field = DECLARED["commitment"][name]
    current = (holds.get("fields") or {}).get(name)
    by = (holds.get("written") or {}).get(name) or {}
    kit = turn.content.flows.get(str(by.get("kit")))
    text = turn.ui(
        "record_conflict", label=field.label, who=by.get("by") or "", kit=kit.title if kit else "",
        current=recorded.shown(field, current, turn.content), new=recorded.shown(field, value, turn.content),
        merge=field.combinable,
    )
    buttons = tuple(Button(turn.button_label(f"record_{c}"), CHOICE_PREFIX + c) for c in _choices(field))
    turn.say(text, buttons, None, step.id)


def _choice(turn: Turn, inp: Input, field: Field) -> str | None:
    """The button tapped, or the typed word or number of a choice offered for this field."""
    offered = _choices(field)
    if isinstance(inp, Tap):
        picked = inp.value[len(CHOICE_PREFIX):] if inp.value.startswith(CHOICE_PREFIX) else ""
        return picked if picked in offered else None
    if not isinstance(inp, Text):
        return None
    typed = normalize(inp.text).strip(" .!¡¿?«»")
    if typed.isdigit() and 1 <= int(typed) <= len(offered):
        return offered[int(typed) - 1]
    return next((c for c in offered if turn.is_word(inp.text, f"record_{c}")), None)


@register
class Record(StepKind):
    name = "record"
    waits = True  # only while it asks «mantener / reemplazar / combinar»; otherwise it writes and goes on
    waits_sometimes = True
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
        seen: dict[str, Any] | None = None
        if record == "commitment":
            holds = recorded.target(turn, step.get("commitment_from"))
            if holds is not None:
                asked = _open_conflict(turn, step, holds, values)
                if asked is not None:
                    _ask(turn, step, holds, asked, values[asked])
                    return STAY
                values, seen = _resolved(turn, step, holds, values)
        return self._write(turn, step, record, values, seen)

    def prompt(self, turn: Turn, step: Step) -> None:
        """Asked again (after «ayuda», a stale button): the open «mantener / reemplazar / combinar»."""
        holds = recorded.target(turn, step.get("commitment_from"))
        values = {str(f): turn.state.answers.get(str(n)) for f, n in _mapping(step).items()}
        asked = _open_conflict(turn, step, holds, values) if holds is not None else None
        if holds is not None and asked is not None:
            _ask(turn, step, holds, asked, values[asked])

    def receive(self, turn: Turn, step: Step, inp: Input) -> Outcome:
        holds = recorded.target(turn, step.get("commitment_from"))
        values = {str(f): turn.state.answers.get(str(n)) for f, n in _mapping(step).items()}
        asked = _open_conflict(turn, step, holds, values) if holds is not None else None
        if holds is None or asked is None:  # nothing to ask any more (the record changed back): write
            return self.enter(turn, step)
        field = DECLARED["commitment"][asked]
        choice = _choice(turn, inp, field)
        if choice is None:
            turn.say(turn.ui("record_conflict_help"))
            _ask(turn, step, holds, asked, values[asked])
            return STAY
        current = (holds.get("fields") or {}).get(asked)
        choices = {**turn.state.choices, f"{step.id}:{asked}": [choice, current, values[asked]]}
        turn.state = turn.state.evolve(choices=choices)
        return self.enter(turn, step)

    def _write(self, turn: Turn, step: Step, record: str, values: dict[str, Any],
               seen: dict[str, Any] | None) -> Outcome:
        answers = turn.state.answers
        mapping = _mapping(step)
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
            step_id=step.id,
            seen=seen,
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
        choices = {k: v for k, v in turn.state.choices.items() if not k.startswith(f"{step.id}:")}
        turn.state = turn.state.evolve(answers=updated, written=written_now, choices=choices)
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
                yield problem(step, "fields", f"'{record}' no tiene el campo '{field}' (tiene: {allowed}); "
                              "un campo nuevo se declara en flows/fields.py")
            elif flow.kind == "kit" and record in DECLARED and flow.id not in DECLARED[record][str(field)].kits:
                kits = ", ".join(sorted(DECLARED[record][str(field)].kits)) or "ninguno"
                yield problem(step, "fields", f"'{flow.id}' no puede escribir el campo '{field}' de '{record}' "
                              f"(lo escriben: {kits}; decláralo en flows/fields.py)")
            if str(name) not in saved:
                yield problem(step, "fields", f"variable no definida: ninguna pregunta guarda '{name}'")
        missing = REQUIRED_FIELDS.get(record, frozenset()) - set(map(str, _mapping(step)))
        if missing and _mapping(step):
            yield problem(step, "fields", f"'{record}' necesita el campo {', '.join(sorted(missing))}")
        yield from self._check_target(flow, step, record)
        if (flow.kind == "kit" and record == "commitment" and step.get("commitment_from")
                and not any(s.type == "commitment_summary" for s in flow.steps.values())):
            yield problem(step, "commitment_from",
                          f"'{flow.id}' escribe en un compromiso ya existente: muestra primero lo que ya tiene "
                          "con un paso `commitment_summary` después de elegirlo", severity="warning")

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
