"""`content/reminders.yaml`: the reminder rules admins edit, read with every problem's line.

A missing file means no reminders and no digests (a content folder for tests need not have one);
a broken one is reported by `cocrea content check` like any other content file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

from flows.errors import Problem
from flows.reminders.timing import Schedule, parse_clock, parse_schedule
from flows.templating import ALLOWED_NAMES, TemplateProblem, parse_template, referenced_names, render
from flows.yamlsource import LineDict, LineList, YamlSyntaxError, duplicate_keys, parse

FORMAT = 1
FILE_NAME = "reminders.yaml"
ITEM_KINDS = {"indicador": "indicator", "hito": "milestone"}
RULE_ID = "abcdefghijklmnopqrstuvwxyz0123456789_"
MAX_OFFSET = 60  # days before or after a date; further than that nobody connects the two
# The names each kind of text may use (besides Jinja's own).
REMINDER_NAMES = frozenset({"person", "secretariat", "item", "commitment", "due", "days"})
DIGEST_NAMES = frozenset({
    "secretariat", "week", "commitments", "due_this_week", "overdue", "reports", "sectors",
    "new_members", "folded", "escalate_after_days",
})
SAMPLE_REMINDER = {
    "person": {"name": "Ana"}, "secretariat": {"name": "STL Ejemplo"},
    "item": {"kind": "indicador", "name": "Solicitudes atendidas", "unit": "solicitudes"},
    "commitment": {"title": "Transparencia en obra pública"}, "due": "15 de marzo de 2026", "days": 3,
}


@dataclass(frozen=True)
class Rule:
    id: str
    days: int  # negative: before the date; 0: on the day; positive: after it (only when nothing came)
    items: frozenset[str]  # "indicator", "milestone"
    text: str  # a Jinja2 template
    line: int = 0


@dataclass(frozen=True)
class RemindersConfig:
    rules: tuple[Rule, ...]
    send_hour: time = time(9, 0)
    catch_up: timedelta = timedelta(hours=24)
    digest_schedule: Schedule | None = Schedule(0, time(9, 0))
    digest_text: str = ""
    digest_empty: str = ""
    digest_chart: bool = True
    file: str = FILE_NAME

    @property
    def horizon(self) -> timedelta:
        """How far ahead reminder rows are planned: the earliest rule, and a day to spare."""
        earliest = max([-r.days for r in self.rules] + [0])
        return timedelta(days=earliest + 1)

    @property
    def lookback(self) -> timedelta:
        """How far back a due date may lie and still have a rule to come."""
        latest = max([r.days for r in self.rules] + [0])
        return timedelta(days=latest + 1)


def format_date(day: date) -> str:
    months = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
              "octubre", "noviembre", "diciembre")
    return f"{day.day} de {months[day.month - 1]} de {day.year}"


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


class _Problems:
    def __init__(self, name: str) -> None:
        self.name = name
        self.found: list[Problem] = []

    def __call__(self, line: int, message: str) -> None:
        self.found.append(Problem(self.name, line, message))

    def template(self, source: Any, line: int, names: frozenset[str], sample: dict[str, Any] | None) -> str:
        if not isinstance(source, str) or not source.strip():
            self(line, "el texto debe ser una plantilla no vacía")
            return ""
        try:
            used, _ = referenced_names(parse_template(source))
        except TemplateProblem as exc:
            self(line + exc.line - 1, str(exc))
            return ""
        unknown = sorted(used - names - ALLOWED_NAMES)
        if unknown:
            self(line, f"la plantilla usa {', '.join(unknown)}, que no existe; puedes usar: {', '.join(sorted(names))}")
            return ""
        if sample is not None:
            try:
                render(source, sample)
            except TemplateProblem as exc:
                self(line, str(exc))
                return ""
        return source


def load_reminders(content_dir: Path | str) -> tuple[RemindersConfig | None, list[Problem]]:
    """The reminder rules of a content folder (None when it has no reminders.yaml) and every problem."""
    root = Path(content_dir)
    path = root / FILE_NAME
    if not path.is_file():
        return None, []
    fail = _Problems(_relative(path, root))
    try:
        data = parse(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        fail(1, "el archivo no está en UTF-8")
        return None, fail.found
    except YamlSyntaxError as exc:
        fail(exc.line, str(exc))
        return None, fail.found
    if not isinstance(data, LineDict):
        fail(1, "reminders.yaml debe ser un mapa YAML con `format`, `send_hour`, `rules` y `digest`")
        return None, fail.found
    for key, line in duplicate_keys(data):
        fail(line, f"la clave `{key}` está repetida en el mismo bloque; solo contaría la última")
    if data.get("format") != FORMAT:
        fail(data.line_of("format"), f"`format` debe ser {FORMAT} (encontré {data.get('format')!r})")
        return None, fail.found
    for key in sorted(set(data) - {"format", "send_hour", "catch_up_hours", "rules", "digest"}):
        fail(data.line_of(key), f"clave desconocida `{key}`")

    send_hour = time(9, 0)
    try:
        send_hour = parse_clock(str(data.get("send_hour", "09:00")))
    except ValueError as exc:
        fail(data.line_of("send_hour"), f"`send_hour`: {exc}")
    catch_up = data.get("catch_up_hours", 24)
    if isinstance(catch_up, bool) or not isinstance(catch_up, int) or not 1 <= catch_up <= 24 * 7:
        fail(data.line_of("catch_up_hours"), "`catch_up_hours` debe ser un número entero de horas entre 1 y 168")
        catch_up = 24

    rules = _rules(data, fail)
    digest = data.get("digest")
    schedule: Schedule | None = Schedule(0, time(9, 0))
    digest_text = digest_empty = ""
    chart = True
    if not isinstance(digest, LineDict):
        fail(data.line_of("digest"), "falta `digest` (un mapa con `schedule`, `text` y `empty`)")
    else:
        for key in sorted(set(digest) - {"schedule", "text", "empty", "chart"}):
            fail(digest.line_of(key), f"clave desconocida `{key}` en `digest`")
        try:
            schedule = parse_schedule(str(digest.get("schedule", "lunes 09:00")))
        except ValueError as exc:
            fail(digest.line_of("schedule"), f"`schedule`: {exc}")
        digest_text = fail.template(digest.get("text"), digest.line_of("text") + 1, DIGEST_NAMES, None)
        digest_empty = fail.template(digest.get("empty"), digest.line_of("empty"), DIGEST_NAMES, None)
        chart = bool(digest.get("chart", True))
    if fail.found:
        return None, fail.found
    config = RemindersConfig(rules, send_hour, timedelta(hours=catch_up), schedule, digest_text, digest_empty,
                             chart, fail.name)
    return config, []


def _rules(data: LineDict, fail: _Problems) -> tuple[Rule, ...]:
    raw = data.get("rules")
    if not isinstance(raw, LineList) or not raw:
        fail(data.line_of("rules"), "`rules` debe ser una lista con al menos una regla")
        return ()
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, entry in enumerate(raw):
        line = raw.line_of(index)
        if not isinstance(entry, LineDict):
            fail(line, "cada regla es un mapa con `id`, `days`, `items` y `text`")
            continue
        for key in sorted(set(entry) - {"id", "days", "items", "text"}):
            fail(entry.line_of(key), f"clave desconocida `{key}` en la regla")
        rule_id = entry.get("id")
        if not isinstance(rule_id, str) or not rule_id or not set(rule_id) <= set(RULE_ID) or len(rule_id) > 32:
            fail(entry.line_of("id"), "`id` de la regla: minúsculas, dígitos y _, hasta 32 caracteres")
            continue
        if rule_id in seen:
            fail(entry.line_of("id"), f"la regla `{rule_id}` está repetida")
            continue
        seen.add(rule_id)
        days = entry.get("days")
        if isinstance(days, bool) or not isinstance(days, int) or abs(days) > MAX_OFFSET:
            fail(entry.line_of("days"), f"`days` debe ser un entero entre -{MAX_OFFSET} y {MAX_OFFSET} "
                                        "(negativo: antes de la fecha; positivo: después)")
            continue
        items = entry.get("items", ["indicador", "hito"])
        if not isinstance(items, list) or not items or any(i not in ITEM_KINDS for i in items):
            fail(entry.line_of("items"), "`items` debe ser una lista con indicador, hito o ambos")
            continue
        text = fail.template(entry.get("text"), entry.line_of("text"), REMINDER_NAMES, SAMPLE_REMINDER)
        if text:
            rules.append(Rule(rule_id, days, frozenset(ITEM_KINDS[i] for i in items), text, line))
    return tuple(rules)
