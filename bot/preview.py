"""`cocrea content preview KIT`: try a kit in the terminal with no database at all."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import TextIO

from bot.conversation import Reply
from bot.terminal import TerminalChat
from flows import engine
from flows.events import ContentError, MessageOut
from flows.inputs import Begin, Command, Input
from flows.model import Content
from flows.records import SAMPLE_LISTS


class Preview:
    """Steps the engine directly; a content problem is printed for the admin, not hidden."""

    def __init__(self, content: Content, flow_id: str, kind: str, errors: TextIO) -> None:
        self.content, self.errors = content, errors
        self.state = engine.start(flow_id)
        self.context = {"person": {"name": "Vista previa", "sector": "sociedad_civil"},
                        "secretariat": {"name": "STL de prueba", "kind": kind},
                        "lists": SAMPLE_LISTS}  # a made-up commitment and indicator for Kits 6 and 8

    async def handle(self, inp: Input) -> Reply:
        if isinstance(inp, Command) and inp.name in ("start", "continuar"):
            inp = Begin()
        self.state, events = engine.step(self.content, self.state, inp, datetime.now(UTC), self.context)
        for event in events:
            if isinstance(event, ContentError):
                print(f"[problema de contenido] {event.message}", file=self.errors)
        return Reply([e for e in events if isinstance(e, MessageOut)])


async def preview(content: Content, flow_id: str, kind: str = "stl") -> int:
    runner = Preview(content, flow_id, kind, sys.stderr)
    chat = TerminalChat(runner.handle, sys.stdin, sys.stdout, echo=not sys.stdin.isatty())
    await chat.run(first=Begin())
    return 0
