"""Reminder rules, local times and digests, pure: a fake `now` drives everything."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from flows.loader import default_content_dir, load
from flows.plan.views import IndicatorView, MilestoneView, ReportView
from flows.reminders.config import RemindersConfig, load_reminders
from flows.reminders.digest import DigestCommitment, DigestInput, ReceivedReport, render_digest
from flows.reminders.planning import FollowedItem, Recipient, plan_reminders
from flows.reminders.timing import digest_instant, local_instant, parse_schedule, parse_window, week_start

WINDOW = parse_window("09:00-19:00")
ANA = Recipient(1, ("telegram", "1001"), "Ana")


@pytest.fixture(scope="module")
def config() -> RemindersConfig:
    loaded, problems = load_reminders(default_content_dir())
    assert problems == [] and loaded is not None
    return loaded


def item(due: date, reported: frozenset[date] = frozenset(), kind: str = "indicator") -> FollowedItem:
    return FollowedItem(kind, 7, "Solicitudes atendidas", "Obra pública abierta", (due,), reported, (ANA,),
                        "solicitudes")


def everything(config: RemindersConfig, it: FollowedItem, zone: str, start: datetime, days: int = 30,
               window: tuple[time, time] = WINDOW) -> dict[str, datetime]:
    """Every row planned by ticks once an hour over `days` days: rule → UTC time."""
    found: dict[str, datetime] = {}
    for hour in range(days * 24):
        now = start + timedelta(hours=hour)
        for p in plan_reminders([it], config, zone=zone, window=window, secretariat="STL", now=now):
            assert found.setdefault(p.rule, p.due_at) == p.due_at  # the same time at every tick
    return found


def test_each_rule_fires_at_nine_in_the_morning_local_time(config: RemindersConfig) -> None:
    due = date(2026, 6, 15)
    found = everything(config, item(due), "America/Mexico_City", datetime(2026, 6, 1, tzinfo=UTC))
    # Mexico City has no daylight saving since 2022: 09:00 there is 15:00 UTC all year.
    assert found == {
        "antes_7": datetime(2026, 6, 8, 15, tzinfo=UTC),
        "antes_1": datetime(2026, 6, 14, 15, tzinfo=UTC),
        "el_dia": datetime(2026, 6, 15, 15, tzinfo=UTC),
        "despues_3": datetime(2026, 6, 18, 15, tzinfo=UTC),
        "despues_10": datetime(2026, 6, 25, 15, tzinfo=UTC),
    }


def test_the_texts_name_the_person_the_item_and_the_date(config: RemindersConfig) -> None:
    now = datetime(2026, 6, 14, 15, tzinfo=UTC)
    rows = {p.rule: p for p in plan_reminders([item(date(2026, 6, 15))], config, zone="America/Mexico_City",
                                               window=WINDOW, secretariat="STL Oaxaca", now=now)}
    assert "Mañana, 15 de junio de 2026" in rows["antes_1"].text
    assert "Ana" in rows["antes_1"].text and "«Solicitudes atendidas»" in rows["antes_1"].text
    assert rows["antes_1"].key == "r:1:indicator:7:2026-06-15:antes_1"


def test_across_the_daylight_saving_change_nine_stays_nine(config: RemindersConfig) -> None:
    # Tijuana moves from UTC-8 to UTC-7 on Sunday 8 March 2026.
    found = everything(config, item(date(2026, 3, 10)), "America/Tijuana", datetime(2026, 2, 25, tzinfo=UTC))
    assert found["antes_7"] == datetime(2026, 3, 3, 17, tzinfo=UTC)  # 09:00 PST
    assert found["antes_1"] == datetime(2026, 3, 9, 16, tzinfo=UTC)  # 09:00 PDT
    assert found["el_dia"] == datetime(2026, 3, 10, 16, tzinfo=UTC)


def test_the_southern_change_too() -> None:
    # Santiago de Chile goes back from UTC-3 to UTC-4 on Sunday 5 April 2026.
    before = local_instant(date(2026, 4, 4), time(9), "America/Santiago", WINDOW)
    after = local_instant(date(2026, 4, 5), time(9), "America/Santiago", WINDOW)
    assert (before.hour, after.hour) == (12, 13)


def test_an_hour_outside_the_sending_window_moves_into_it_the_same_day(config: RemindersConfig) -> None:
    early = replace(config, send_hour=time(7, 30))
    found = everything(early, item(date(2026, 6, 15)), "America/Mexico_City", datetime(2026, 6, 10, tzinfo=UTC),
                       days=8)
    assert found["el_dia"] == datetime(2026, 6, 15, 15, tzinfo=UTC)  # 09:00, the window's opening
    late_window = parse_window("10:30-18:00")
    found = everything(config, item(date(2026, 6, 15)), "America/Mexico_City", datetime(2026, 6, 10, tzinfo=UTC),
                       days=8, window=late_window)
    assert found["el_dia"] == datetime(2026, 6, 15, 16, 30, tzinfo=UTC)


def test_a_reported_period_gets_no_reminders_and_after_rules_need_silence(config: RemindersConfig) -> None:
    due = date(2026, 6, 15)
    start = datetime(2026, 6, 1, tzinfo=UTC)
    assert everything(config, item(due, frozenset({due})), "America/Mexico_City", start) == {}
    milestone = item(due, kind="milestone")
    assert set(everything(config, milestone, "America/Mexico_City", datetime(2026, 6, 1, tzinfo=UTC))) == {
        "antes_7", "antes_1", "el_dia", "despues_3", "despues_10"}


def test_rows_older_than_the_catch_up_window_are_not_planned(config: RemindersConfig) -> None:
    # The indicator is created on the 20th: the reminders of the 8th and 14th are history.
    now = datetime(2026, 6, 20, 12, tzinfo=UTC)
    rules = {p.rule for p in plan_reminders([item(date(2026, 6, 15))], config, zone="America/Mexico_City",
                                            window=WINDOW, secretariat="STL", now=now)}
    assert rules == {"despues_10"}  # the +3 one was due on the 18th: more than 24 h ago
    now = datetime(2026, 6, 19, 12, tzinfo=UTC)
    rules = {p.rule for p in plan_reminders([item(date(2026, 6, 15))], config, zone="America/Mexico_City",
                                            window=WINDOW, secretariat="STL", now=now)}
    assert rules == {"despues_3", "despues_10"}


def test_digest_schedules_in_local_time() -> None:
    schedule = parse_schedule("Miércoles 18:30")
    assert schedule is not None and schedule.weekday == 2 and parse_schedule("nunca") is None
    monday = week_start(datetime(2026, 3, 12, 3, tzinfo=UTC), "America/Tijuana")  # still Wednesday the 11th there
    assert monday == date(2026, 3, 9)
    assert digest_instant(schedule, monday, "America/Tijuana") == datetime(2026, 3, 12, 1, 30, tzinfo=UTC)
    with pytest.raises(ValueError, match="día"):
        parse_schedule("someday 09:00")


def _copy_content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(default_content_dir(), target)
    return target


def test_a_broken_reminders_file_is_reported_with_its_lines(tmp_path: Path) -> None:
    content = _copy_content(tmp_path)
    path = content / "reminders.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("days: -7", "days: -700", 1)
    text = text.replace("{{ person.name }}. Mañana", "{{ persona.nombre }}. Mañana")
    text = text.replace('send_hour: "09:00"', 'send_hour: "9 am"')
    path.write_text(text, encoding="utf-8")
    _, problems = load(content)
    lines = text.splitlines()
    found = {str(p) for p in problems if p.file.endswith("reminders.yaml")}
    hour = next(n for n, line in enumerate(lines, 1) if line.startswith("send_hour"))
    days = next(n for n, line in enumerate(lines, 1) if "days: -700" in line)
    persona = next(n for n, line in enumerate(lines, 1) if "persona.nombre" in line)
    assert any(f"reminders.yaml:{hour}: `send_hour`" in p for p in found)
    assert any(f"reminders.yaml:{days}: `days` debe ser un entero" in p for p in found)
    # the line of the rule's `text:` key, just above the folded text
    assert any(f"reminders.yaml:{persona - 1}: la plantilla usa persona" in p for p in found)


# --- digests ------------------------------------------------------------------------------------

def _digest_input(**changes: object) -> DigestInput:
    report = ReportView(date(2026, 3, 1), 40.0, None, datetime(2026, 3, 3, tzinfo=UTC))
    indicator = IndicatorView(1, "Solicitudes atendidas", "%", 0.0, 100.0, "mensual", date(2026, 1, 1),
                              date(2026, 12, 1), reports=(report,))
    milestone = MilestoneView(2, "Portal publicado", date(2026, 2, 1), "Ana", False)
    base = DigestInput(
        "STL Oaxaca", date(2026, 3, 9), date(2026, 3, 9), 14,
        commitments=(DigestCommitment(1, "Obra pública abierta", "en_implementacion", (milestone,), (indicator,)),
                     DigestCommitment(2, "Datos de salud", "borrador")),
        reports=(ReceivedReport("Solicitudes atendidas", 40.0, "%", date(2026, 3, 1), "Ana", "gobierno"),),
        members_by_sector={"gobierno": 2, "sociedad_civil": 1}, new_members=("Beto",),
        sector_labels={"gobierno": "Gobierno", "sociedad_civil": "Sociedad civil"},
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_the_digest_highlights_what_is_escalated(config: RemindersConfig) -> None:
    text, quiet = render_digest(config, _digest_input())
    assert not quiet
    late = next(line for line in text.splitlines() if "Portal publicado" in line)
    assert late.startswith("‼️") and "hace 36 días" in late and "más de 14 días" in late
    assert "Solicitudes atendidas: 40 % (periodo del 1 de marzo de 2026), de Ana" in text
    assert "Gobierno: 2 integrantes, 1 reporte\n" in text and "Se unieron: Beto." in text
    assert "Sociedad civil: 1 integrante, 0 reportes" in text  # counts agree with their word
    assert "\n\n\n" not in text


def test_an_empty_week_gets_one_short_line(config: RemindersConfig) -> None:
    calm = _digest_input(commitments=(DigestCommitment(2, "Datos de salud", "borrador"),), reports=(),
                         new_members=())
    text, quiet = render_digest(config, calm)
    assert quiet and "\n" not in text and "semana tranquila" in text


def test_next_open_waits_for_the_window_in_local_time() -> None:
    from flows.reminders.timing import longest_wait, next_open

    zone = "America/Tijuana"  # 09:00 there is 17:00 UTC in winter, 16:00 UTC in summer
    assert next_open(datetime(2026, 1, 14, 10, tzinfo=UTC), zone, WINDOW) == datetime(2026, 1, 14, 17, tzinfo=UTC)
    assert next_open(datetime(2026, 7, 15, 3, tzinfo=UTC), zone, WINDOW) == datetime(2026, 7, 15, 16, tzinfo=UTC)
    inside = datetime(2026, 1, 14, 20, tzinfo=UTC)  # 12:00 local
    assert next_open(inside, zone, WINDOW) == inside
    night = parse_window("20:00-02:00")
    assert next_open(datetime(2026, 1, 14, 20, tzinfo=UTC), zone, night) == datetime(2026, 1, 15, 4, tzinfo=UTC)
    assert longest_wait(WINDOW) == timedelta(hours=14) and longest_wait(night) == timedelta(hours=18)


def test_counts_agree_with_their_word_in_every_text() -> None:
    from flows.templating import render, render_document

    said = render("{{ h|plural('hito') }}, {{ i|plural('indicador') }}, {{ r|plural('reporte') }}",
                  {"h": 1, "i": 3, "r": 0})
    assert said == "1 hito, 3 indicadores, 0 reportes"
    assert render("{{ n|plural('persona activa', 'personas activas') }}", {"n": 2}) == "2 personas activas"
    assert render("{{ n|plural('acción') }} y {{ d|plural('día') }}", {"n": 2, "d": 1}) == "2 acciones y 1 día"
    assert render_document("{{ xs|length|plural('hito') }}", {"xs": ["a"]}) == "1 hito"
