"""Issue 19: the ODS targets fit a phone: a short label per target for its button, key words first."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from flows.checker import check
from flows.events import MessageOut
from flows.inputs import Tap, Text
from flows.loader import SHORT_LABEL, load, load_checked
from tests.flows.conftest import content_dir

CONTENT = load_checked()
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def test_every_target_has_a_short_label_of_at_most_60_characters_distinct_within_its_goal() -> None:
    for goal in CONTENT.ods:
        shorts = [t["short"] for t in goal["targets"]]
        assert all(shorts), f"ODS {goal['number']}: a target without `short`"
        assert max(len(s) for s in shorts) <= SHORT_LABEL == 60
        assert len(set(shorts)) == len(shorts), f"ODS {goal['number']}: two targets read alike"
        assert not any(s.lower().startswith("para 20") for s in shorts)  # the buttons must not look alike


def test_buttons_show_the_short_label_and_summaries_the_whole_target() -> None:
    target = next(o for o in CONTENT.catalogs["ods_targets"] if o.value == "6.1")
    assert target.button == "6.1 Agua potable segura y asequible para todos"
    assert target.label.startswith("6.1 Para 2030, lograr el acceso universal y equitativo a agua potable")


def _with_ods(tmp_path: Path, old: str, new: str) -> list[str]:
    root = content_dir(tmp_path, {})
    ods = root / "catalogs" / "ods.yaml"
    text = ods.read_text(encoding="utf-8")
    assert old in text
    ods.write_text(text.replace(old, new), encoding="utf-8")
    content, problems = load(root)
    return [f"{p.severity}: {p}" for p in problems + check(content)]


def test_the_checker_refuses_a_long_or_repeated_label_and_warns_about_a_missing_one(tmp_path: Path) -> None:
    long = _with_ods(tmp_path / "a", 'short: "Agua potable segura y asequible para todos"',
                     'short: "' + "Agua potable " * 6 + '"')
    assert any(p.startswith("error: content/catalogs/ods.yaml:") and "meta 6.1" in p and "máximo 60" in p for p in long)
    same = _with_ods(tmp_path / "b", 'short: "Saneamiento e higiene para todos"',
                     'short: "Agua potable segura y asequible para todos"')
    assert any(p.startswith("error:") and "meta 6.2" in p and "repite" in p for p in same)
    missing = _with_ods(tmp_path / "c", '        short: "Saneamiento e higiene para todos"\n', "")
    assert any(p.startswith("warning:") and "meta 6.2 no tiene `short`" in p for p in missing)


# -- the targets' question, a screen at a time ---------------------------------------------------

def _at_targets(goals: str) -> tuple[object, list[object]]:
    from flows import engine
    from flows.inputs import Begin, Text
    from flows.walk import next_input, walk_context

    context = walk_context()
    state, events = engine.step(CONTENT, engine.start("kit6"), Begin(), NOW, context)
    while state.step_id != "ods_metas":
        typed = Text(goals) if state.step_id == "ods_objetivos" else next_input(CONTENT, state, events)
        state, events = engine.step(CONTENT, state, typed, NOW, context)
    return state, events


def _send(state: object, inp: object) -> tuple[object, MessageOut]:
    from flows import engine
    from flows.walk import walk_context

    state, events = engine.step(CONTENT, state, inp, NOW, walk_context())  # type: ignore[arg-type]
    said = [e for e in events if isinstance(e, MessageOut)]
    return state, said[-1]


def test_three_goals_give_their_targets_eight_at_a_time_with_more_and_the_whole_text_on_request() -> None:
    state, events = _at_targets("6, 11, 16")  # 8 + 10 + 12 = 30 targets
    asked = [e for e in events if isinstance(e, MessageOut)][-1]
    labels = [b.label for b in asked.buttons]
    assert labels[:8] == [o.button for o in CONTENT.catalogs["ods_targets"] if o.value.split(".")[0] == "6"]
    assert labels[8:] == ["Ver más opciones", "Ver texto completo"]
    assert "Opciones 1 a 8 de 30." in asked.text and "Paso" in asked.text
    assert all(len(label) <= 66 and "Para 2030" not in label for label in labels)

    state, shown = _send(state, Tap("~more", "ods_metas"))
    assert shown.text.startswith("Opciones 9 a 16 de 30.") and "Paso" not in shown.text  # the question is just above
    assert shown.buttons[0].label.startswith("11.1 ") and len(shown.buttons) == 10
    state, shown = _send(state, Text("más"))
    assert "Opciones 17 a 24 de 30." in shown.text
    state, shown = _send(state, Tap("~more", "ods_metas"))
    assert "Opciones 25 a 30 de 30." in shown.text
    assert [b.label for b in shown.buttons][-2:] == ["Volver a las primeras", "Ver texto completo"]
    state, shown = _send(state, Tap("~full", "ods_metas"))
    assert "16.10 Garantizar el acceso público a la información" in shown.text
    assert shown.text.split("\n\n")[0].startswith("16.7 Garantizar")  # only the targets on screen: 16.7 to 16.b
    assert len(shown.buttons) == 8  # six targets, «Volver a las primeras», «Ver texto completo»
    state, shown = _send(state, Tap("~more", "ods_metas"))
    assert "Opciones 1 a 8 de 30." in shown.text


def test_typed_numbers_count_in_the_screen_shown_and_codes_reach_every_target() -> None:
    state, _ = _at_targets("6, 11, 16")
    state, _ = _send(state, Tap("~more", "ods_metas"))  # 11.1 … 11.8 on screen
    state, _ = _send(state, Text("2, 16.10"))
    assert state.answers["ods_metas"] == ["11.2", "16.10"]  # type: ignore[attr-defined]


def test_a_tapped_target_is_saved_by_its_code_and_summaries_show_its_whole_text() -> None:
    state, _ = _at_targets("6")  # eight targets: one screen, no «más»
    from flows import engine
    from flows.walk import walk_context

    state, events = engine.step(CONTENT, state, Tap("6.b", "ods_metas"), NOW, walk_context())  # type: ignore[arg-type]
    assert state.answers["ods_metas"] == ["6.b"]  # type: ignore[attr-defined]
    spec_options = CONTENT.catalogs["ods_targets"]
    assert next(o.label for o in spec_options if o.value == "6.b").startswith("6.b Apoyar y fortalecer")
