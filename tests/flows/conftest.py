"""Helpers to build small content folders and drive the engine with plain values."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from flows import engine
from flows.events import Event, MessageOut
from flows.inputs import Begin, Input
from flows.loader import default_content_dir, load_checked
from flows.model import Content
from flows.state import RunState

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def content_dir(tmp_path: Path, flows: dict[str, str]) -> Path:
    """A content folder with the shipped ui.yaml and catalogs, plus the given flow files."""
    root = tmp_path / "content"
    (root / "flows").mkdir(parents=True)
    shutil.copy(default_content_dir() / "ui.yaml", root / "ui.yaml")
    shutil.copytree(default_content_dir() / "catalogs", root / "catalogs")
    for name, text in flows.items():
        (root / "flows" / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return root


class Driver:
    """Walks one run through the engine, keeping the state like a host would."""

    def __init__(self, content: Content, flow_id: str) -> None:
        self.content = content
        self.state = engine.start(flow_id)
        self.events: list[Event] = []
        self.context: dict[str, Any] = {}  # what a host would put in (lists, records)

    def send(self, inp: Input) -> list[Event]:
        self.state, self.events = engine.step(self.content, self.state, inp, NOW, self.context)
        return self.events

    def begin(self) -> list[Event]:
        return self.send(Begin())

    @property
    def texts(self) -> list[str]:
        return [e.text for e in self.events if isinstance(e, MessageOut)]

    @property
    def said(self) -> str:
        return "\n".join(self.texts)

    @property
    def buttons(self) -> list[str]:
        return [b.label for e in self.events if isinstance(e, MessageOut) for b in e.buttons]


@pytest.fixture
def make_driver(tmp_path: Path) -> Callable[[str], Driver]:
    built = iter(range(1000))

    def build(flow_yaml: str, flow_id: str = "prueba") -> Driver:
        folder = tmp_path / f"c{next(built)}"
        content = load_checked(content_dir(folder, {flow_id: flow_yaml}))
        return Driver(content, flow_id)

    return build


def state_of(driver: Driver) -> RunState:
    return driver.state
