"""Progress figures for the snapshot, by the plan's own rules (flows/plan/progress.py)."""

from __future__ import annotations

from collections.abc import Sequence

from flows.plan import progress
from flows.plan.views import IndicatorView, MilestoneView


def indicator(baseline: float | None, target: float | None, value: float) -> float | None:
    """The fraction (0–1) of the way from baseline to target; None when it cannot be told."""
    return progress.indicator_progress(baseline, target, value)


def commitment(milestones: Sequence[MilestoneView], indicators: Sequence[IndicatorView]) -> float | None:
    """Milestones done and indicator progress, weighted as the README says ("Avance de un compromiso")."""
    return progress.commitment_progress(milestones, indicators)


def bar(fraction: float | None) -> str:
    return progress.progress_bar(fraction)


def percent(fraction: float | None) -> str:
    return "—" if fraction is None else f"{int(fraction * 100 + 0.5)} %"
