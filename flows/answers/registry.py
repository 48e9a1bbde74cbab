"""What every answer type shares: `Spec`, the base class and the registry the types add themselves to.

The types import this module, never the package: `flows.answers` imports the types to register them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flows.errors import Rejected
from flows.events import Button
from flows.inputs import File
from flows.model import Option

REGISTRY: dict[str, AnswerType] = {}


@dataclass(frozen=True)
class Spec:
    """What a question says about its answer: limits and options."""

    data: Mapping[str, Any]
    options: tuple[Option, ...] = ()
    numbered: tuple[Option, ...] | None = None  # what typed numbers count in: a paged list's screen


class AnswerType:
    name = ""
    placeholder = "placeholder_text"  # key under ui.yaml `placeholders`

    def parse(self, text: str, spec: Spec) -> Any:
        raise NotImplementedError

    def tap(self, value: str, spec: Spec) -> Any:
        return self.parse(value, spec)

    def receive_file(self, received: File, spec: Spec) -> Any:
        """A photo or document sent as the answer; only `file` questions take one."""
        raise Rejected("unsupported_input", kind=received.kind)

    def buttons(self, spec: Spec) -> tuple[Button, ...]:
        return ()

    def show(self, value: Any, spec: Spec) -> str:
        return str(value)

    def config_problems(self, spec: Spec) -> list[tuple[str, str]]:
        """Problems in the question's own settings, as (key, Spanish message)."""
        return []


def register(cls: type[AnswerType]) -> type[AnswerType]:
    REGISTRY[cls.name] = cls()
    return cls


def get(name: str) -> AnswerType | None:
    return REGISTRY.get(name)
