"""The exceptions of the flows package (the tree is drawn in flows/__init__.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, order=True)
class Problem:
    """One finding of the checker, printed as `file:line: message`."""

    file: str
    line: int
    message: str
    severity: str = "error"  # "error" refuses the content; "warning" only informs

    def __str__(self) -> str:
        prefix = "aviso: " if self.severity == "warning" else ""
        return f"{self.file}:{self.line}: {prefix}{self.message}"


class FlowsError(Exception):
    """Base of every error raised by the flows package."""


class ContentInvalid(FlowsError):
    """The content failed the check; `problems` lists every error found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class Rejected(FlowsError):
    """An answer that does not fit its question. `key` names the explanation in ui.yaml."""

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(key)
