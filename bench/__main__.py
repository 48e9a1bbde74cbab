"""`make bench`: each figure beside a baseline measured in the same run, medians of several runs."""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime

from flows import templating
from flows.loader import load_checked
from flows.walk import walk

RUNS = 5


def median_rate(work: int, action: object) -> float:
    rates = []
    for _ in range(RUNS):
        start = time.perf_counter()
        action()  # type: ignore[operator]
        rates.append(work / (time.perf_counter() - start))
    return statistics.median(rates)


def main() -> None:
    content = load_checked()
    now = datetime.now(UTC)
    kits = [k.id for k in content.kits()]
    steps = sum(walk(content, k, now).steps for k in kits)
    rounds = 20
    engine_rate = median_rate(steps * rounds, lambda: [walk(content, k, now) for _ in range(rounds) for k in kits])
    # Baseline: rendering one message template per step, the least any engine must do.
    texts = [str(s.get("text") or "") for k in kits for s in content.flows[k].steps.values()]
    renders = len(texts) * rounds
    empty = {"answers": {}, "shown": {}, "person": {}, "secretariat": {}, "catalogs": {}, "kits": []}
    render_rate = median_rate(renders, lambda: [templating.render(t, empty) for _ in range(rounds) for t in texts])
    goal = 20_000
    print(f"{'figure':<42}{'value':>14}{'baseline':>14}{'ratio':>8}  goal")
    print(f"{'engine steps/s (all kits, no database)':<42}{engine_rate:>14,.0f}"
          f"{render_rate:>14,.0f}{engine_rate / render_rate:>8.2f}  ≥ {goal:,} steps/s"
          f"  {'ok' if engine_rate >= goal else 'MISSED'}")
    print(f"(baseline: bare Jinja2 renders/s of the same texts; median of {RUNS} runs)")


if __name__ == "__main__":
    main()
