"""Progress figures for the snapshot, by the plan's own rules (flows/plan/progress.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from flows.plan import progress
from flows.plan.views import IndicatorView, MilestoneView, ReportView

if TYPE_CHECKING:
    from bot.export.snapshot import IndicatorSnap, MilestoneSnap


def indicator(baseline: float | None, target: float | None, value: float) -> float | None:
    """The fraction (0–1) of the way from baseline to target; None when it cannot be told."""
    return progress.indicator_progress(baseline, target, value)


def commitment(milestones: Sequence[MilestoneSnap], indicators: Sequence[IndicatorSnap]) -> float | None:
    """Milestones done and indicator progress, weighted as the README says ("Avance de un compromiso")."""
    return progress.commitment_progress(
        [MilestoneView(m.id, m.output, m.due_date, m.responsible, m.done) for m in milestones],
        [IndicatorView(
            i.id, i.name, i.unit, i.baseline, i.target, i.frequency, i.first_due, i.last_due, i.dates,
            tuple(ReportView(r.period_due, r.value, r.note, r.reported_at) for r in i.reports),
        ) for i in indicators],
    )


def bar(fraction: float | None) -> str:
    return progress.progress_bar(fraction)


def percent(fraction: float | None) -> str:
    return "—" if fraction is None else f"{int(fraction * 100 + 0.5)} %"
