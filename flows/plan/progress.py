"""How far a commitment has come: indicator progress, the commitment's weighting, late items.

Indicator progress is (value − baseline) / (target − baseline), clipped to 0–1. It works both
ways: when the target is below the baseline (a reduction, e.g. fewer days without water), going
down is progress. When target equals baseline the goal is to keep (at least) that level: progress
is 1.0 once the value reaches the target (value ≥ target) and 0.0 below it.

A commitment's progress (documented in the README, "Avance de un compromiso"):
- milestones: the share of milestones marked done;
- indicators: the mean progress of the measurable indicators (those with baseline and target),
  each at its latest report; a measurable indicator with no report yet counts 0;
- both kinds present: each counts half; only one kind present: it counts whole; neither: None
  ("sin datos").
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flows.plan.schedule import due_dates, overdue
from flows.plan.views import IndicatorView, MilestoneView


def indicator_progress(baseline: float | None, target: float | None, value: float | None) -> float | None:
    """The fraction (0–1) of the way from baseline to target that `value` has come; None if unknown."""
    if baseline is None or target is None or value is None:
        return None
    if any(math.isnan(x) for x in (baseline, target, value)):
        return None
    if target == baseline:
        return 1.0 if value >= target else 0.0
    rising = target > baseline
    # Compare first, divide only strictly between: no overflow, no rounding past the ends.
    if (value <= baseline) if rising else (value >= baseline):
        return 0.0
    if (value >= target) if rising else (value <= target):
        return 1.0
    fraction = (value - baseline) / (target - baseline)
    if math.isnan(fraction):
        return 0.0
    return min(1.0, max(0.0, fraction))


def latest_progress(indicator: IndicatorView) -> float | None:
    """The indicator's progress at its latest report (0 when measurable but never reported)."""
    if indicator.baseline is None or indicator.target is None:
        return None
    last = indicator.last_report
    if last is None:
        return 0.0
    return indicator_progress(indicator.baseline, indicator.target, last.value)


def commitment_progress(
    milestones: Sequence[MilestoneView], indicators: Sequence[IndicatorView]
) -> float | None:
    """Milestones done and indicator progress, half and half (see the module docstring)."""
    parts: list[float] = []
    if milestones:
        parts.append(sum(1 for m in milestones if m.done) / len(milestones))
    measured = [p for p in (latest_progress(i) for i in indicators) if p is not None]
    if measured:
        parts.append(sum(measured) / len(measured))
    if not parts:
        return None
    return sum(parts) / len(parts)


def progress_bar(fraction: float | None, width: int = 10) -> str:
    """`▰▰▰▱▱▱▱▱▱▱ 30 %`; "sin datos" when there is nothing to measure yet."""
    if fraction is None or math.isnan(fraction):
        return "sin datos"
    fraction = min(1.0, max(0.0, fraction))
    filled = int(fraction * width + 0.5)
    percent = int(fraction * 100 + 0.5)
    return "▰" * filled + "▱" * (width - filled) + f" {percent} %"


@dataclass(frozen=True)
class LateItem:
    kind: str  # "hito" | "indicador"
    id: int
    name: str
    due: date  # the oldest date missed
    missed: int = 1  # how many due dates were missed (indicators)


def indicator_due(indicator: IndicatorView) -> list[date]:
    return due_dates(indicator.frequency, indicator.first_due, indicator.last_due, indicator.dates)


def late_items(
    milestones: Sequence[MilestoneView], indicators: Sequence[IndicatorView], today: date
) -> list[LateItem]:
    """Milestones past their date and not done; indicators with past due dates not reported."""
    late = [
        LateItem("hito", m.id, m.output, m.due_date)
        for m in milestones
        if not m.done and m.due_date is not None and m.due_date < today
    ]
    for indicator in indicators:
        missed = overdue(indicator_due(indicator), [r.period_due for r in indicator.reports], today)
        if missed:
            late.append(LateItem("indicador", indicator.id, indicator.name, missed[0], len(missed)))
    return sorted(late, key=lambda item: (item.due, item.kind, item.id))
