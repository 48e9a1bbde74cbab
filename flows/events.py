"""What the engine asks its host to do. Plain values; the host applies them in one transaction.

The engine never performs I/O: every effect of a step is one of these events, in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

JSONValue = Any  # str | int | float | bool | None | list | dict, as stored in a run's answers


@dataclass(frozen=True)
class Button:
    """A choice the person can tap (or type by number or label in the terminal)."""

    label: str
    value: str


@dataclass(frozen=True)
class Attachment:
    """A file that goes with a message: a document (an export) or a photo (a chart)."""

    filename: str
    data: bytes = field(repr=False)
    kind: Literal["document", "photo"] = "document"
    caption: str | None = None


@dataclass(frozen=True)
class MessageOut:
    """A message for the person. `placeholder` hints the expected form of a typed answer.

    With an `attachment`, channels send the text (if any) and then the file.
    """

    text: str
    buttons: tuple[Button, ...] = ()
    placeholder: str | None = None
    step_id: str | None = None  # the step this message asks for, so adapters can tie buttons to it
    attachment: Attachment | None = None


@dataclass(frozen=True)
class AnswerSaved:
    name: str
    value: JSONValue
    step_id: str


@dataclass(frozen=True)
class RecordWritten:
    """Answers copied into a shared record (flows/records.py RECORD_FIELDS).

    `commitment`: the commitment id an answer chose (`commitment_from`); None means the run's own.
    `chosen_at`: the question whose answer chose the target (a commitment, an indicator), where the
    host takes the person back when storage refuses the record.
    `amends`: the person went back and corrected this round's answers; the record this step wrote
    last (the latest milestone or indicator of the person on that commitment) is updated, not added.
    """

    record: str
    fields: dict[str, JSONValue] = field(default_factory=dict)
    commitment: JSONValue = None
    chosen_at: str | None = None
    amends: bool = False
    # Where it comes from and what it was checked against, not what it writes (left out of ==):
    step_id: str | None = field(default=None, compare=False)  # the record step: kept in the history with
    # the kit, the person and the time
    seen: dict[str, JSONValue] | None = field(default=None, compare=False)  # each field as the step read
    # it before writing (None: not read); storage refuses to replace one that changed since


@dataclass(frozen=True)
class RunPaused:
    pass


@dataclass(frozen=True)
class RunFinished:
    next_flow: str | None = None


@dataclass(frozen=True)
class ContentError:
    """The content could not be followed at run time (a bad template, a dangling step)."""

    message: str


Event = MessageOut | AnswerSaved | RecordWritten | RunPaused | RunFinished | ContentError
