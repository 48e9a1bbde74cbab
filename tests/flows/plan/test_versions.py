"""What a version holds and who may change the signed text (flows/plan/versions.py), pure."""

from __future__ import annotations

from datetime import date

import pytest

from flows.plan import LifecycleError, versions
from flows.plan.views import CommitmentView, IndicatorView, MilestoneView


def _commitment(fields: dict[str, object], due: date = date(2027, 3, 1)) -> CommitmentView:
    milestone = MilestoneView(7, "Calendario publicado", due, "CEA", done=False)
    indicator = IndicatorView(3, "Colonias", "colonias", 5.0, 38.0, "trimestral", date(2027, 3, 31), None)
    return CommitmentView(1, "Agua", "borrador", "no_iniciado", fields=fields, milestones=(milestone,),
                          indicators=(indicator,))


def test_the_digest_is_the_same_for_the_same_text_whatever_the_order_and_the_follow_up() -> None:
    one = _commitment({"title": "Agua", "objective": "Agua diaria"})
    two = _commitment({"objective": "Agua diaria", "title": "Agua", "lessons_learned": "Hablar antes",
                       "description": ""})
    assert versions.digest(versions.snapshot(one)) == versions.digest(versions.snapshot(two))
    assert len(versions.digest(versions.snapshot(one))) == 64
    assert versions.snapshot(one)["milestones"] == [
        {"output": "Calendario publicado", "due_date": "2027-03-01", "responsible": "CEA"}]


def test_a_milestone_date_or_an_indicator_target_changes_the_version() -> None:
    before = versions.snapshot(_commitment({"objective": "Agua diaria"}))
    after = versions.snapshot(_commitment({"objective": "Agua diaria"}, due=date(2027, 5, 15)))
    assert versions.digest(before) != versions.digest(after)
    assert versions.changed_fields(before, after) == ["milestones"]
    assert versions.changed_fields(before, {**before, "fields": {"objective": "Otra"}}) == ["objective"]


@pytest.mark.parametrize(("status", "amendment", "key"), [
    ("borrador", None, None),
    ("en_revision", None, "plan_refused_frozen_review"),
    ("aprobado", None, "plan_refused_frozen_approved"),
    ("en_implementacion", "borrador", None),
    ("en_implementacion", "en_revision", "plan_refused_frozen_review"),
    ("aprobado", "aprobada", "plan_refused_frozen_approved"),
    ("concluido", None, "plan_refused_frozen_final"),
])
def test_who_may_change_the_signed_text(status: str, amendment: str | None, key: str | None) -> None:
    refused = versions.edit_refusal(status, amendment, 4, "Ana y Luis")
    assert (refused.key if refused else None) == key
    if refused is not None and key != "plan_refused_frozen_final":
        assert refused.params["coordinators"] == "Ana y Luis"


def test_an_amendment_opens_on_an_approved_commitment_with_a_reason_one_at_a_time() -> None:
    assert versions.amendment_refusal("aprobado", None, "mover una fecha", 4) is None
    assert versions.amendment_refusal("borrador", None, "x", 4).key == "plan_refused_amend_status"  # type: ignore[union-attr]
    assert versions.amendment_refusal("aprobado", 1, "x", 4).key == "plan_refused_amend_open"  # type: ignore[union-attr]
    assert versions.amendment_refusal("aprobado", None, "  ", 4).key == "plan_refused_amend_reason"  # type: ignore[union-attr]
    assert versions.amendment_refusal("aprobado", None, "x" * 1001, 4).key == "plan_refused_amend_long"  # type: ignore[union-attr]
    assert versions.amendment_move("borrador", "en_revision", 1, 4) == "en_revision"
    assert versions.amendment_move("en_revision", "aprobado", 1, 4) == "aprobado"
    with pytest.raises(LifecycleError, match="/revision 4"):
        versions.amendment_move("borrador", "aprobado", 1, 4)
