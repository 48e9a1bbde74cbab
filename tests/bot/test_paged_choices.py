"""Issue 19: a long list (Kit 6's ODS targets) a screen at a time, in the terminal and on Telegram."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.telegram.buttons import ButtonCodes
from bot.telegram.render import render as telegram_render
from bot.terminal import read_input, render
from flows import engine
from flows.events import MessageOut
from flows.inputs import Begin, Tap, Text
from flows.loader import load_checked
from flows.walk import next_input, walk_context

CONTENT = load_checked()
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def at_targets() -> tuple[object, MessageOut]:
    context = walk_context()
    state, events = engine.step(CONTENT, engine.start("kit6"), Begin(), NOW, context)
    while state.step_id != "ods_metas":
        typed = Text("6, 16") if state.step_id == "ods_objetivos" else next_input(CONTENT, state, events)
        state, events = engine.step(CONTENT, state, typed, NOW, context)
    return state, [e for e in events if isinstance(e, MessageOut)][-1]


def test_the_terminal_numbers_the_screen_and_its_number_nine_shows_the_next() -> None:
    state, asked = at_targets()
    shown = render(asked)
    assert "[1] 6.1 Agua potable segura y asequible para todos" in shown
    assert "[9] Ver más opciones" in shown and "[10] Ver texto completo" in shown
    assert "[11]" not in shown
    assert read_input("9", asked.buttons, "ods_metas") == Tap("~more", "ods_metas")
    state, events = engine.step(CONTENT, state, read_input("9", asked.buttons, "ods_metas"), NOW, walk_context())
    second = [e for e in events if isinstance(e, MessageOut)][-1]
    assert "[1] 16.1 " in render(second)
    tapped = read_input("1", second.buttons, "ods_metas")
    state, _ = engine.step(CONTENT, state, tapped, NOW, walk_context())
    assert state.answers["ods_metas"] == ["16.1"]


def test_telegram_shows_one_button_per_option_on_screen_and_more_comes_back_as_a_tap() -> None:
    _, asked = at_targets()
    codes = ButtonCodes()
    [outgoing] = telegram_render(asked, codes)
    rows = outgoing.markup.inline_keyboard  # type: ignore[union-attr]
    assert len(rows) == 10
    assert [row[0].text for row in rows[-2:]] == ["Ver más opciones", "Ver texto completo"]
    assert all(len(row[0].text) <= 66 for row in rows)
    assert codes.decode(rows[8][0].callback_data) == Tap("~more", "ods_metas")
    assert codes.decode(rows[0][0].callback_data) == Tap("6.1", "ods_metas")
