"""1. The engine alone: steps per second walking every kit with valid answers (no database).

Baseline: bare Jinja2 (jinja2 itself, templates compiled beforehand) rendering the same texts, one
render per step: the least an engine that shows a text per step must do.
"""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime

from jinja2 import ChainableUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from bench.common import RUNS, Row
from flows.loader import load_checked
from flows.walk import walk

GOAL = 20_000
ROUNDS = 20


def run() -> list[Row]:
    content = load_checked()
    now = datetime.now(UTC)
    kits = [k.id for k in content.kits()]
    steps = sum(walk(content, k, now).steps for k in kits)

    def engine() -> float:
        start = time.perf_counter()
        for _ in range(ROUNDS):
            for kit in kits:
                walk(content, kit, now)
        return steps * ROUNDS / (time.perf_counter() - start)

    env = ImmutableSandboxedEnvironment(undefined=ChainableUndefined, autoescape=False)
    env.filters["lista"] = lambda v, sep=", ": sep.join(map(str, v)) if isinstance(v, list) else str(v)
    texts, templates = [], []
    for kit in kits:  # each text with the answers of a finished walk, so every name is there
        answers = dict(walk(content, kit, now).state.answers)
        variables = {"answers": answers, "shown": answers, "person": {}, "secretariat": {}, "chosen": {},
                     "catalogs": content.template_catalogs, "kits": content.template_kits}
        for step in content.flows[kit].steps.values():
            texts.append(str(step.get("text") or ""))
            templates.append((env.from_string(texts[-1]), variables))

    def bare() -> float:
        start = time.perf_counter()
        for _ in range(ROUNDS):
            for template, variables in templates:
                template.render(variables)
        return len(templates) * ROUNDS / (time.perf_counter() - start)

    engine()  # warm the template caches
    bare()
    rates = [(engine(), bare()) for _ in range(RUNS)]  # interleaved: both see the same load
    value, baseline = statistics.median(r[0] for r in rates), statistics.median(r[1] for r in rates)
    return [Row("engine steps/s (all kits, no database)", value, "steps/s", baseline, GOAL,
                note=f"baseline: bare Jinja2 renders/s of the same {len(texts)} texts; median of {RUNS} runs, "
                     f"{steps} steps a walk of the {len(kits)} kits")]
