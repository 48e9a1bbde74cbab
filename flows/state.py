"""A person's progress through one flow, as plain JSON-friendly values."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

ACTIVE = "active"
PAUSED = "paused"
DONE = "done"


@dataclass(frozen=True)
class RunState:
    flow_id: str
    step_id: str | None = None  # the step waiting for input; None before the run has started
    answers: dict[str, Any] = field(default_factory=dict)
    history: tuple[str, ...] = ()  # questions answered, in order, for `atrás`
    status: str = ACTIVE
    mode: str | None = None  # "review" after `atrás`, "edit" when correcting from a summary,
    # "choose_fix" while picking what to correct
    return_to: str | None = None  # the summary to come back to after an edit
    ahead: tuple[str, ...] = ()  # the steps written after the waiting one when it was reached:
    # if an admin removes the waiting step, the run goes on at the first of these that remains
    written: dict[str, int] = field(default_factory=dict)  # record step id -> len(history) when it
    # last wrote: coming forward again after `atrás` into that round corrects the record, not adds one
    retried: str | None = None  # the step whose answer was already refused once: «Inténtalo de nuevo;
    # tu avance sigue guardado» is said once per step, not after every refusal
    page: tuple[str, int] | None = None  # (question id, first option shown) of a paged list
    confirm: tuple[str, Any] | None = None  # (question id, answer) waiting for «¿es correcta?»: a past date
    choices: dict[str, Any] = field(default_factory=dict)  # "<record step>:<field>" -> [choice, the value
    # the record held, the run's value] while a record step asks «mantener / reemplazar / combinar»

    def evolve(self, **changes: Any) -> RunState:
        """A copy with `changes`; what dataclasses.replace does, without re-running __init__ (twice a step)."""
        if not _FIELDS.issuperset(changes):
            raise TypeError(f"RunState has no field {', '.join(sorted(changes.keys() - _FIELDS))}")
        evolved = object.__new__(RunState)
        evolved.__dict__.update(self.__dict__, **changes)
        return evolved

    def to_json(self) -> dict[str, Any]:
        return {
            "flow_id": self.flow_id,
            "step_id": self.step_id,
            "answers": dict(self.answers),
            "history": list(self.history),
            "status": self.status,
            "mode": self.mode,
            "return_to": self.return_to,
            "ahead": list(self.ahead),
            "written": dict(self.written),
            **({"retried": self.retried} if self.retried is not None else {}),
            **({"page": list(self.page)} if self.page is not None else {}),
            **({"confirm": list(self.confirm)} if self.confirm is not None else {}),
            **({"choices": dict(self.choices)} if self.choices else {}),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunState:
        return cls(
            flow_id=data["flow_id"],
            step_id=data.get("step_id"),
            answers=dict(data.get("answers") or {}),
            history=tuple(data.get("history") or ()),
            status=data.get("status", ACTIVE),
            mode=data.get("mode"),
            return_to=data.get("return_to"),
            ahead=tuple(data.get("ahead") or ()),
            written={str(k): int(v) for k, v in (data.get("written") or {}).items()},
            retried=data.get("retried"),
            page=(str(data["page"][0]), int(data["page"][1])) if data.get("page") else None,
            confirm=(str(data["confirm"][0]), data["confirm"][1]) if data.get("confirm") else None,
            choices=dict(data.get("choices") or {}),
        )


_FIELDS = frozenset(f.name for f in fields(RunState))
