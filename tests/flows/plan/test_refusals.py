"""The plan's refusal rules (flows/plan/refusals.py): which refusal, in which order, and that each has its sentence."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import yaml

from flows.loader import default_content_dir
from flows.plan import refusals
from flows.plan.refusals import Refused

DUE = [date(2026, 3, 31), date(2026, 6, 30)]
ROOT = Path(__file__).resolve().parents[3]


def test_a_report_goes_to_the_period_chosen_or_due_and_is_refused_otherwise() -> None:
    assert refusals.report_period("Agua", DUE, [], date(2026, 5, 1), None) == date(2026, 3, 31)
    assert refusals.report_period("Agua", DUE, [], date(2026, 5, 1), date(2026, 6, 30)) == date(2026, 6, 30)
    assert refusals.report_period("Agua", DUE, [], date(2026, 5, 1), date(2026, 5, 15)) == Refused(
        "plan_refused_period_gone", {"name": "Agua", "date": "15/05/2026"})
    assert refusals.report_period("Agua", [], [], date(2026, 5, 1), None) == Refused(
        "plan_refused_no_dates", {"name": "Agua"})
    assert refusals.report_period("Agua", DUE, DUE, date(2026, 5, 1), None) == Refused(
        "plan_refused_all_reported", {"name": "Agua", "date": "30/06/2026"})


def test_a_period_taken_says_who_what_and_the_next_period() -> None:
    taken = refusals.period_taken("Agua", "colonias", 15, "Ana", 1500, date(2026, 3, 31), DUE, [date(2026, 3, 31)])
    assert taken.params == {"who": "Ana", "taken": "1,500 colonias", "name": "Agua", "date": "31/03/2026",
                            "value": "15 colonias", "next": "30/06/2026"}
    assert refusals.period_taken("Agua", None, 2.5, None, 1, DUE[1], DUE, DUE).params["next"] is None


def test_a_signoff_is_refused_outside_review_first_then_when_stale_then_without_sector_or_reason() -> None:
    changed = refusals.changed_since_shown(5, None, {"objective": "Agua"})
    assert refusals.signoff_refusal("borrador", None, "disiente", None, changed) == Refused(
        "plan_refused_not_in_review", {"status": "borrador"})
    assert refusals.signoff_refusal("en_revision", None, "disiente", None, changed) is changed
    assert refusals.signoff_refusal("en_revision", None, "aprueba", None) == Refused("plan_refused_no_sector")
    assert refusals.signoff_refusal("en_revision", "gobierno", "disiente", " ") == Refused(
        "plan_refused_dissent_reason")
    assert refusals.signoff_refusal("en_revision", "gobierno", "disiente", "Faltan colonias") is None
    assert refusals.quorum_refusal(["sociedad_civil"]).params == {"sectors": "sociedad civil"}


def test_records_missing_what_they_need_are_refused() -> None:
    assert refusals.record_refusal("milestone", {"output": " "}) == Refused("record_refused_milestone_output")
    assert refusals.record_refusal("indicator", {}) == Refused("record_refused_indicator_name")
    assert refusals.record_refusal("indicator", {"name": "x", "frequency": "diaria"}) == Refused(
        "record_refused_frequency", {"frequency": "diaria"})
    assert refusals.record_refusal("signoff", {"decision": "quizá"}) == Refused("record_refused_decision")
    assert refusals.record_refusal("indicator", {"name": "x"}) is None


def test_every_refusal_key_has_its_sentence_in_ui_yaml() -> None:
    texts = yaml.safe_load((default_content_dir() / "ui.yaml").read_text(encoding="utf-8"))["bot"]
    sources = [ROOT / "flows/plan/refusals.py", ROOT / "storage/records.py", ROOT / "storage/repositories/plan.py"]
    keys = {k for path in sources for k in re.findall(r'"((?:plan|record)_refused_\w+)"', path.read_text())}
    assert len(keys) >= 19
    assert keys <= set(texts), sorted(keys - set(texts))
