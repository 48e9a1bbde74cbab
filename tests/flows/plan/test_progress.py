"""Progress arithmetic: indicators (both directions), commitments, bars and late items."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import assume, given
from hypothesis import strategies as st

from flows.plan.progress import commitment_progress, indicator_progress, late_items, progress_bar
from flows.plan.schedule import due_dates
from flows.plan.views import IndicatorView, MilestoneView, ReportView

numbers = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)


def test_examples_a_person_would_check_by_hand() -> None:
    assert indicator_progress(10, 40, 25) == 0.5
    assert indicator_progress(10, 40, 70) == 1.0  # past the target: 100 %
    assert indicator_progress(10, 40, 5) == 0.0  # worse than the baseline: 0 %
    assert indicator_progress(30, 10, 20) == 0.5  # a reduction: from 30 days down to 10
    assert indicator_progress(30, 10, 35) == 0.0
    assert indicator_progress(None, 10, 5) is None and indicator_progress(1, None, 5) is None


def test_target_equal_to_baseline_means_keep_the_level() -> None:
    assert indicator_progress(50, 50, 50) == 1.0
    assert indicator_progress(50, 50, 60) == 1.0
    assert indicator_progress(50, 50, 49) == 0.0


@given(numbers, numbers, numbers)
def test_progress_is_always_between_0_and_1(baseline: float, target: float, value: float) -> None:
    result = indicator_progress(baseline, target, value)
    assert result is not None and 0.0 <= result <= 1.0


@given(numbers, numbers)
def test_baseline_is_0_and_target_is_1(baseline: float, target: float) -> None:
    assume(baseline != target)
    assert indicator_progress(baseline, target, baseline) == 0.0
    assert indicator_progress(baseline, target, target) == 1.0


@given(numbers, numbers, numbers, numbers)
def test_moving_towards_the_target_never_lowers_progress(baseline: float, target: float, a: float, b: float) -> None:
    assume(baseline != target)
    low, high = sorted((a, b))
    towards, away = (high, low) if target > baseline else (low, high)
    assert indicator_progress(baseline, target, towards) >= indicator_progress(baseline, target, away)  # type: ignore[operator]


small = st.integers(-10**6, 10**6).map(float)


@given(small, small, small)
def test_a_reduction_mirrors_an_increase(baseline: float, target: float, value: float) -> None:
    assume(baseline != target)
    up = indicator_progress(baseline, target, value)
    down = indicator_progress(-baseline, -target, -value)
    assert up is not None and down is not None and abs(up - down) < 1e-9


NOW = datetime(2026, 7, 1, tzinfo=UTC)


def _indicator(iid: int, baseline: float | None, target: float | None, *values: float,
               first: date | None = date(2026, 3, 31)) -> IndicatorView:
    periods = due_dates("trimestral", first, date(2026, 12, 31))
    reports = tuple(ReportView(periods[k], v, None, NOW) for k, v in enumerate(values))
    return IndicatorView(iid, f"Indicador {iid}", "casos", baseline, target, "trimestral", first,
                         date(2026, 12, 31), (), reports)


def _milestone(mid: int, done: bool, due: date | None = date(2026, 5, 1)) -> MilestoneView:
    return MilestoneView(mid, f"Hito {mid}", due, "CEA", done)


def test_commitment_weighting_half_milestones_half_indicators() -> None:
    milestones = [_milestone(1, True), _milestone(2, False)]
    indicators = [_indicator(1, 0, 100, 10, 100), _indicator(2, 0, 10)]  # latest 100 % and never reported 0 %
    assert commitment_progress(milestones, indicators) == 0.5 * 0.5 + 0.5 * 0.5
    assert commitment_progress(milestones, []) == 0.5  # only milestones: they count whole
    assert commitment_progress([], [_indicator(1, 0, 100, 40)]) == 0.4
    assert commitment_progress([], [_indicator(1, None, None, 40)]) is None  # nothing measurable
    assert commitment_progress([], []) is None


def test_progress_bar() -> None:
    assert progress_bar(0.3) == "▰▰▰▱▱▱▱▱▱▱ 30 %"
    assert progress_bar(1.0) == "▰▰▰▰▰▰▰▰▰▰ 100 %"
    assert progress_bar(0.0, width=5) == "▱▱▱▱▱ 0 %"
    assert progress_bar(None) == "sin datos"


def test_late_items_flag_past_milestones_and_missed_reports() -> None:
    milestones = [_milestone(1, False, date(2026, 5, 1)), _milestone(2, True, date(2026, 4, 1)),
                  _milestone(3, False, date(2026, 9, 1)), _milestone(4, False, None)]
    reported = _indicator(7, 0, 10, 5)  # the March period reported, June missed
    late = late_items(milestones, [reported, _indicator(8, 0, 10, first=date(2026, 8, 1))], date(2026, 7, 1))
    assert [(i.kind, i.name, i.due, i.missed) for i in late] == [
        ("hito", "Hito 1", date(2026, 5, 1), 1),
        ("indicador", "Indicador 7", date(2026, 6, 30), 1),
    ]
