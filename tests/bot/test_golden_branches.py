"""Every branch of every kit is taken by at least one golden transcript.

Each `tests/golden/*.in` is replayed in process, exactly as `cocrea chat` reads it (the same
terminal channel and conversation loop, on a fresh SQLite file), while the branch step kind
records which outcome it took: the index of the first true condition, or the default.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.chat import LOCAL_SECRETARIAT
from bot.conversation import Conversation, Reply
from bot.scheduler.cli import parse_now
from bot.terminal import TerminalChat
from flows import templating
from flows.inputs import Command, Input
from flows.loader import load_checked
from flows.model import Content, Step
from flows.steps import REGISTRY
from flows.steps.branch import Branch
from flows.turn import Turn
from storage import make_engine, make_session_factory
from storage.migrate import upgrade
from storage.models import DEFAULT_TIMEZONE
from tests.bot.test_terminal import GOLDEN_NOW

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
CONTENT = load_checked()
Outcome = tuple[str, str, str]  # (flow id, branch step id, "branch 1" … or "default")


def outcome_name(turn: Turn, step: Step) -> str:
    """Which outcome `Branch.enter` takes, found the same way it finds it."""
    variables = turn.variables()
    for index, item in enumerate(step.get("branches") or [], start=1):
        try:
            if templating.evaluate(str(item.get("when", "")), variables):
                return f"branch {index} (→ {item.get('next')})"
        except templating.TemplateProblem:
            continue
    return f"default (→ {step.get('default')})"


def every_outcome(content: Content) -> set[Outcome]:
    found: set[Outcome] = set()
    for flow in content.kits():
        for step in flow.steps.values():
            if step.type != "branch":
                continue
            for index, item in enumerate(step.get("branches") or [], start=1):
                found.add((flow.id, step.id, f"branch {index} (→ {item.get('next')})"))
            found.add((flow.id, step.id, f"default (→ {step.get('default')})"))
    return found


@pytest.fixture
def taken(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[Outcome]]:
    seen: set[Outcome] = set()
    original = Branch.enter

    def recording(self: Branch, turn: Turn, step: Step):  # type: ignore[no-untyped-def]
        seen.add((turn.flow.id, step.id, outcome_name(turn, step)))
        return original(self, turn, step)

    monkeypatch.setattr(Branch, "enter", recording)
    assert isinstance(REGISTRY["branch"], Branch)
    yield seen


async def replay(transcript: str, folder: Path) -> str:
    url = f"sqlite:///{folder / 'cocrea.db'}"
    await asyncio.to_thread(upgrade, url)
    engine = make_engine(url)
    moment = parse_now(GOLDEN_NOW, DEFAULT_TIMEZONE)  # the clock `cocrea chat --now` gets in test_terminal
    conversation = Conversation(lambda: CONTENT, make_session_factory(engine), default_secretariat=LOCAL_SECRETARIAT,
                                clock=lambda: moment)

    async def handle(inp: Input) -> Reply:
        return await conversation.handle("cli:replay", inp)

    out = io.StringIO()
    try:
        await TerminalChat(handle, io.StringIO(transcript), out, echo=True).run(first=Command("start"))
    finally:
        await engine.dispose()
    return out.getvalue()


async def test_every_branch_of_every_kit_is_taken_by_a_golden_transcript(
    taken: set[Outcome], tmp_path: Path
) -> None:
    transcripts = sorted(GOLDEN.glob("kit*.in"))
    assert transcripts
    for path in transcripts:
        folder = tmp_path / path.stem
        folder.mkdir()
        said = await replay(path.read_text(encoding="utf-8"), folder)
        # The replay is the transcript itself: what it printed is the golden output.
        assert said == path.with_suffix(".out").read_text(encoding="utf-8"), f"{path.name} replayed differently"
    missing = sorted(every_outcome(CONTENT) - taken)
    assert not missing, "ramas que ninguna transcripción recorre:\n" + "\n".join(
        f"  {flow}: {step}: {outcome}" for flow, step, outcome in missing)
