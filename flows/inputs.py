"""What arrived from the person, as the engine sees it, whatever the channel."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Begin:
    """Start the flow, or show the current step again when resuming."""


@dataclass(frozen=True)
class Repeat:
    """Show the current step again, as it is, after something else was said (a glossary answer)."""


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Tap:
    """A button tap: the value of the button and the step whose message carried it."""

    value: str
    step_id: str | None = None


@dataclass(frozen=True)
class Command:
    name: str  # without the slash, lower case
    args: str = ""


@dataclass(frozen=True)
class Unsupported:
    """Something the engine cannot read as an answer (a sticker, a voice note)."""

    kind: str


@dataclass(frozen=True)
class File:
    """A photo or a document sent as an answer (evidence): the channel's file id, its name and type."""

    kind: str  # "photo" | "document"
    file_id: str
    name: str | None = None
    mime: str | None = None


Input = Begin | Repeat | Text | Tap | Command | Unsupported | File
