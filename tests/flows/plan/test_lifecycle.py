"""Lifecycle moves, loose status words, and the sign-off quorum with dissent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from flows.plan.lifecycle import (
    STATUSES,
    LifecycleError,
    move,
    parse_completion,
    parse_status,
    quorum,
    required_sectors,
)
from flows.plan.views import SignoffView


def test_the_happy_path_and_returning_for_changes() -> None:
    path = ["borrador", "en_revision", "borrador", "en_revision", "aprobado", "en_implementacion", "concluido"]
    for current, to in zip(path, path[1:], strict=False):
        assert move(current, to) == to


@pytest.mark.parametrize("status", ["borrador", "en_revision", "aprobado", "en_implementacion"])
def test_cancel_from_any_status_that_is_not_final(status: str) -> None:
    assert move(status, "cancelado") == "cancelado"


@pytest.mark.parametrize(("current", "to", "says"), [
    ("borrador", "aprobado", "en revisión"),
    ("borrador", "concluido", "en implementación"),
    ("aprobado", "borrador", "no puede pasar a borrador"),
    ("concluido", "cancelado", "ya no puede cambiar"),
    ("cancelado", "borrador", "ya no puede cambiar"),
    ("borrador", "borrador", "ya está borrador"),
    ("borrador", "archivado", "no es un estado"),
])
def test_moves_that_are_refused_say_why_in_spanish(current: str, to: str, says: str) -> None:
    with pytest.raises(LifecycleError, match=says):
        move(current, to)


def test_every_status_can_be_typed_loosely() -> None:
    assert parse_status("En Implementación") == "en_implementacion"
    assert parse_status("en_implementacion") == "en_implementacion"
    assert parse_status("  CONCLUIDO ") == "concluido"
    assert parse_status("en revision") == "en_revision"
    assert parse_status("terminado") is None
    assert all(parse_status(s) == s for s in STATUSES)
    assert parse_completion("No iniciado") == "no_iniciado"
    assert parse_completion("SUSTANCIAL") == "sustancial"
    assert parse_completion("casi") is None


T0 = datetime(2026, 5, 1, 12, tzinfo=UTC)


def _sign(pid: int, sector: str, decision: str, minutes: int = 0, reason: str | None = None) -> SignoffView:
    return SignoffView(f"Persona {pid}", sector, decision, reason, T0 + timedelta(minutes=minutes), pid)


REQUIRED = ("gobierno", "sociedad_civil")


def test_quorum_needs_an_approval_from_every_required_sector() -> None:
    only_government = quorum(REQUIRED, [_sign(1, "gobierno", "aprueba")])
    assert not only_government.met and only_government.missing_sectors == ("sociedad_civil",)
    both = quorum(REQUIRED, [_sign(1, "gobierno", "aprueba"), _sign(2, "sociedad_civil", "aprueba")])
    assert both.met and both.missing_sectors == ()
    assert not quorum(REQUIRED, []).met


def test_a_dissent_is_recorded_but_does_not_veto() -> None:
    result = quorum(REQUIRED, [
        _sign(1, "gobierno", "aprueba"),
        _sign(2, "sociedad_civil", "aprueba"),
        _sign(3, "sociedad_civil", "disiente", reason="No hay presupuesto"),
    ])
    assert result.met
    assert [(d.name, d.reason) for d in result.dissents] == [("Persona 3", "No hay presupuesto")]


def test_a_sector_whose_only_voice_dissents_is_missing() -> None:
    result = quorum(REQUIRED, [_sign(1, "gobierno", "aprueba"), _sign(2, "sociedad_civil", "disiente", reason="x")])
    assert not result.met and result.missing_sectors == ("sociedad_civil",)


def test_only_the_latest_decision_of_each_person_counts() -> None:
    changed_mind = [_sign(2, "sociedad_civil", "disiente", 0, "x"), _sign(2, "sociedad_civil", "aprueba", 5)]
    result = quorum(REQUIRED, [_sign(1, "gobierno", "aprueba"), *changed_mind])
    assert result.met and result.dissents == ()
    withdrew = [_sign(2, "sociedad_civil", "aprueba", 0), _sign(2, "sociedad_civil", "disiente", 5, "y")]
    assert not quorum(REQUIRED, [_sign(1, "gobierno", "aprueba"), *withdrew]).met


def test_the_rule_is_configurable_per_secretariat() -> None:
    assert required_sectors("gobierno, sociedad_civil,academia") == ("gobierno", "sociedad_civil", "academia")
    three = required_sectors("gobierno,sociedad_civil,academia")
    signed = [_sign(1, "gobierno", "aprueba"), _sign(2, "sociedad_civil", "aprueba")]
    assert quorum(three, signed).missing_sectors == ("academia",)
    assert quorum(required_sectors("gobierno"), signed[:1]).met
