"""The rules across a commitment's fields (flows/plan/rules.py), on plain values."""

from __future__ import annotations

from datetime import date

from flows.plan.rules import END, START, refusal

DATES = {"start_date": "2027-03-01", "end_date": "2028-12-31"}


def test_an_end_on_or_before_the_start_is_refused_naming_both_dates() -> None:
    for end in ("2027-02-01", "2027-03-01"):
        found = refusal({"commitment": {**DATES, "end_date": end}}, END)
        assert found is not None and found.key == "rule_end_before_start"
        assert found.params["start"] == "1 de marzo de 2027"
    found = refusal({"commitment": {**DATES, "start_date": "2029-01-01"}}, START)
    assert found is not None and found.params == {"start": "1 de enero de 2029", "end": "31 de diciembre de 2028"}


def test_dates_in_order_or_half_known_pass() -> None:
    assert refusal({"commitment": DATES}, END) is None
    assert refusal({"commitment": {"start_date": "2027-03-01"}}, START) is None
    assert refusal({"commitment": {"start_date": date(2027, 3, 1), "end_date": date(2027, 3, 2)}}, END) is None


def test_a_milestone_or_indicator_outside_the_commitment_dates_is_refused() -> None:
    found = refusal({"commitment": DATES, "milestone": {"due_date": "2029-01-15"}}, ("milestone", "due_date"))
    assert found is not None and found.key == "rule_milestone_after_end"
    assert found.params == {"date": "15 de enero de 2029", "end": "31 de diciembre de 2028"}
    found = refusal({"commitment": DATES, "indicator": {"first_due": "2027-01-31"}}, ("indicator", "first_due"))
    assert found is not None and found.key == "rule_indicator_before_start"
    assert refusal({"commitment": DATES, "milestone": {"due_date": "2028-12-31"}}, ("milestone", "due_date")) is None
    assert refusal({"milestone": {"due_date": "2029-01-15"}}, ("milestone", "due_date")) is None  # no dates yet


def test_moving_the_commitment_dates_checks_what_was_already_written() -> None:
    earlier = {"milestone": [{"due_date": "2027-06-30"}], "indicator": [{"first_due": "2027-09-30"}]}
    found = refusal({"commitment": {**DATES, "end_date": "2027-08-31"}}, END, earlier)
    assert found is not None and found.key == "rule_indicator_after_end"
    found = refusal({"commitment": {**DATES, "start_date": "2027-07-01"}}, START, earlier)
    assert found is not None and found.key == "rule_milestone_before_start"
    assert refusal({"commitment": DATES}, END, earlier) is None


def test_fields_outside_the_rules_are_never_refused() -> None:
    assert refusal({"commitment": {**DATES, "end_date": "2020-01-01"}}, ("commitment", "follow_up_plan")) is None
