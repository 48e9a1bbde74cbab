"""Due dates of an indicator and the period a report counts for."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.plan.schedule import FREQUENCIES, due_dates, next_due, overdue, period_for


def test_monthly_keeps_the_day_clipped_to_short_months() -> None:
    assert due_dates("mensual", date(2026, 1, 31), date(2026, 4, 30)) == [
        date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]
    assert due_dates("mensual", date(2028, 1, 31), date(2028, 2, 29)) == [date(2028, 1, 31), date(2028, 2, 29)]


@pytest.mark.parametrize(("frequency", "count"), [
    ("mensual", 12), ("bimestral", 6), ("trimestral", 4), ("semestral", 2), ("anual", 1), ("unica", 1)])
def test_without_a_last_date_one_year_of_dates(frequency: str, count: int) -> None:
    dates = due_dates(frequency, date(2026, 3, 15), None)
    assert len(dates) == count
    assert dates[0] == date(2026, 3, 15) and dates[-1] < date(2027, 3, 15)


def test_quarterly_until_the_last_date_inclusive() -> None:
    assert due_dates("trimestral", date(2026, 3, 31), date(2026, 12, 31)) == [
        date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30), date(2026, 12, 31)]


def test_explicit_dates_are_sorted_without_repeats() -> None:
    picked = [date(2026, 9, 1), date(2026, 3, 1), date(2026, 9, 1)]
    assert due_dates("fechas", None, None, picked) == [date(2026, 3, 1), date(2026, 9, 1)]
    assert due_dates("unica", date(2026, 5, 5), date(2027, 1, 1)) == [date(2026, 5, 5)]
    assert due_dates("mensual", None, None) == []
    with pytest.raises(ValueError):
        due_dates("diaria", date(2026, 1, 1), None)


DUE = [date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30)]


def test_a_report_counts_for_the_oldest_unreported_period_then_the_next_one() -> None:
    assert period_for(DUE, [], date(2026, 7, 1)) == date(2026, 3, 31)  # catching up first
    assert period_for(DUE, [date(2026, 3, 31)], date(2026, 7, 1)) == date(2026, 6, 30)
    assert period_for(DUE, [date(2026, 3, 31), date(2026, 6, 30)], date(2026, 7, 1)) == date(2026, 9, 30)  # early
    assert period_for(DUE, DUE, date(2026, 7, 1)) is None
    assert period_for(DUE, [], date(2026, 1, 1)) == date(2026, 3, 31)


def test_overdue_and_next_due() -> None:
    assert overdue(DUE, [date(2026, 3, 31)], date(2026, 10, 1)) == [date(2026, 6, 30), date(2026, 9, 30)]
    assert overdue(DUE, [], date(2026, 3, 31)) == []  # due today is not late yet
    assert next_due(DUE, [], date(2026, 4, 1)) == date(2026, 6, 30)
    assert next_due(DUE, [], date(2026, 10, 1)) is None


@given(st.sampled_from([f for f in FREQUENCIES if f != "fechas"]), st.dates(date(2000, 1, 1), date(2090, 1, 1)),
       st.integers(0, 2000))
def test_due_dates_are_increasing_and_within_bounds(frequency: str, first: date, span: int) -> None:
    last = date.fromordinal(first.toordinal() + span)
    dates = due_dates(frequency, first, last)
    assert dates[0] == first and all(d <= last for d in dates)
    assert all(a < b for a, b in zip(dates, dates[1:], strict=False))
