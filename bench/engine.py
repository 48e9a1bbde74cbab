"""1. The engine alone: steps per second replaying every kit's walk with valid answers (no database).

Each kit is walked once (flows.walk) to record its valid answers; the timed part replays them with
`engine.start` and `engine.step` only, so the figure is the engine's, not the test driver's.

Baseline: bare Jinja2 (jinja2 itself, templates compiled beforehand) rendering the same texts, one
render per step: the least an engine that shows a text per step must do.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime

from jinja2 import ChainableUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from bench.common import RUNS, Row
from flows import engine
from flows.inputs import Begin, Input
from flows.loader import load_checked
from flows.model import Content
from flows.state import RunState
from flows.walk import Walk, walk, walk_context

GOAL = 20_000
ROUNDS = 50


def replay(content: Content, kit: str, inputs: list[Input], now: datetime) -> RunState:
    """The kit's walk again, the engine alone: the recorded answers, one `engine.step` each."""
    context = walk_context()
    state, _ = engine.step(content, engine.start(kit), Begin(), now, context)
    for inp in inputs:
        state, _ = engine.step(content, state, inp, now, context)
    return state


def engine_rate(content: Content, walks: dict[str, Walk], now: datetime) -> Callable[[], float]:
    steps = sum(w.steps for w in walks.values())
    for kit, walked in walks.items():  # a broken replay must fail here, not be timed
        if replay(content, kit, walked.inputs, now) != walked.state:
            raise AssertionError(f"{kit}: the replay does not end where the walk did")

    def rate() -> float:
        start = time.perf_counter()
        for _ in range(ROUNDS):
            for kit, walked in walks.items():
                replay(content, kit, walked.inputs, now)
        return steps * ROUNDS / (time.perf_counter() - start)

    return rate


def bare_rate(content: Content, walks: dict[str, Walk]) -> tuple[Callable[[], float], int]:
    env = ImmutableSandboxedEnvironment(undefined=ChainableUndefined, autoescape=False)
    env.filters["lista"] = lambda v, sep=", ": sep.join(map(str, v)) if isinstance(v, list) else str(v)
    templates = []
    for kit, walked in walks.items():  # each text with the answers of a finished walk, so every name is there
        answers = dict(walked.state.answers)
        variables = {"answers": answers, "shown": answers, "person": {}, "secretariat": {}, "chosen": {},
                     "catalogs": content.template_catalogs, "kits": content.template_kits}
        for step in content.flows[kit].steps.values():
            templates.append((env.from_string(str(step.get("text") or "")), variables))

    def rate() -> float:
        start = time.perf_counter()
        for _ in range(ROUNDS):
            for template, variables in templates:
                template.render(variables)
        return len(templates) * ROUNDS / (time.perf_counter() - start)

    return rate, len(templates)


def run() -> list[Row]:
    content = load_checked()
    now = datetime.now(UTC)
    walks = {k.id: walk(content, k.id, now) for k in content.kits()}
    steps = sum(w.steps for w in walks.values())
    steps_rate, (bare, texts) = engine_rate(content, walks, now), bare_rate(content, walks)
    steps_rate()  # warm the template caches
    bare()
    rates = [(steps_rate(), bare()) for _ in range(RUNS)]  # interleaved: both see the same load
    value, baseline = statistics.median(r[0] for r in rates), statistics.median(r[1] for r in rates)
    return [Row("engine steps/s (all kits, no database)", value, "steps/s", baseline, GOAL,
                note=f"timed: engine.start + engine.step replaying each kit's recorded valid answers "
                     f"({steps} steps a round of the {len(walks)} kits); baseline: bare Jinja2 renders/s "
                     f"of the same {texts} texts; median of {RUNS} runs")]
