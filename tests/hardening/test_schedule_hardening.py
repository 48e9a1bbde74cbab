"""Schedules and scheduled sends under hostile data: far-off dates, `$` in titles, extreme values,
quiet hours for every send, and long messages with emoji (issue 22, items 4, 8, 10, 11, 12)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.conversation import Conversation
from flows.answers import Spec
from flows.answers.dates import DateAnswer
from flows.errors import Rejected
from flows import engine
from flows.events import MessageOut
from flows.inputs import Command, Text
from flows.state import RunState
from flows.templating import render
from flows.plan.schedule import add_months, due_dates, indicator_due_dates
from storage import UnitOfWork
from storage.models import Commitment, Indicator, OutboxMessage
from tests.bot.test_plan_commands import NOW, Plan, plan, say  # noqa: F401  (plan is a fixture)
from tests.hardening.conftest import CONTENT

SORRY = "algo falló"


# --- item 8: a date in year 9999 -------------------------------------------------------------------------

def test_a_schedule_at_the_end_of_the_calendar_stops_there() -> None:
    assert add_months(date(9999, 12, 31), 1) == date.max
    assert add_months(date(9999, 11, 30), 3) == date.max
    assert add_months(date(1, 1, 1), -1) == date.min
    assert due_dates("mensual", date(9999, 12, 31), None) == [date(9999, 12, 31)]
    assert due_dates("mensual", date(9999, 10, 31), None) == [date(9999, 10, 31), date(9999, 11, 30),
                                                              date(9999, 12, 31)]
    assert due_dates("anual", date(9999, 6, 30), date.max) == [date(9999, 6, 30)]
    assert indicator_due_dates("trimestral", date(9999, 12, 31), None, (), date(9999, 12, 31)) == [date(9999, 12, 31)]


@pytest.fixture
def conversation(sessions: Any) -> Conversation:
    return Conversation(lambda: CONTENT, sessions, clock=lambda: NOW)


async def test_an_indicator_due_in_year_9999_breaks_no_command(conversation: Conversation, sessions: Any,
                                                               plan: Plan) -> None:
    async with UnitOfWork(sessions) as uow:
        commitment = await uow.session.get(Commitment, plan.ready)
        coco = await uow.people.get("tg:1")
        assert commitment is not None and coco is not None
        await uow.plan.add_indicator(commitment, name="Años luz", unit=None, baseline=0, target=10,
                                     frequency="mensual", first_due=date(9999, 12, 31), person=coco)
    for key, text in [("tg:2", "/compromisos"), ("tg:2", f"/compromiso {plan.ready}"), ("tg:2", "/indicadores"),
                      ("tg:1", f"/revision {plan.ready}"), ("tg:2", "/reportar")]:
        said = await say(conversation, key, text)
        assert SORRY not in said, (text, said)
    assert "Años luz" in await say(conversation, "tg:2", "/indicadores")


@pytest.mark.parametrize("typed", ["31/12/9999", "01/01/2300", "31/12/0000", "0000-02-29", "31/12/1999"])
def test_a_date_question_refuses_a_year_out_of_range_and_names_the_range(typed: str) -> None:
    with pytest.raises(Rejected) as refused:
        DateAnswer().parse(typed, Spec({}))
    said = render(CONTENT.ui_texts[refused.value.key], refused.value.params)
    assert "entre el 1 de enero de 2000 y el 31 de diciembre de 2099" in said


@pytest.mark.parametrize("typed", ["15/03/2026", "01/01/2000", "2099-12-31"])
def test_a_date_question_takes_the_dates_of_a_plan(typed: str) -> None:
    assert DateAnswer().parse(typed, Spec({}))


def test_kit_8_refuses_a_first_due_date_in_year_9999_kindly_and_asks_again() -> None:
    state = RunState(flow_id="kit8", step_id="ind_primera_fecha")
    state, events = engine.step(CONTENT, state, Text("31/12/9999"), NOW)
    said = "\n".join(e.text for e in events if isinstance(e, MessageOut))
    assert "Esa fecha está demasiado lejos" in said
    assert "entre el 1 de enero de 2020 y el 31 de diciembre de 2050" in said
    assert state.step_id == "ind_primera_fecha" and "ind_primera_fecha" not in state.answers
    state, _ = engine.step(CONTENT, state, Text("31/03/2026"), NOW)  # the second chance
    assert state.answers["ind_primera_fecha"] == "2026-03-31"
