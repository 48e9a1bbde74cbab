"""Reads a content folder into the model, noting every structural problem with its line.

Deeper checks (targets, reachability, templates) are in flows/checker.py; `load_checked` runs
both and refuses content with errors.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flows.checker import check
from flows.errors import ContentInvalid, Problem
from flows.glossary import load_glossary
from flows.model import FORMAT, STEP_ID, Content, Flow, Option, Step
from flows.reminders.config import load_reminders
from flows.yamlsource import LineDict, LineList, YamlSyntaxError, duplicate_keys, parse

FLOW_DIRS = ("kits", "flows")


def default_content_dir() -> Path:
    """The content shipped beside the packages (also inside an installed copy)."""
    return Path(__file__).resolve().parent.parent / "content"


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


SHORT_LABEL = 60  # characters of an ODS target's button label (`short`), key words first


class _Reader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []

    def fail(self, file: str, line: int, message: str) -> None:
        self.problems.append(Problem(file, line, message))

    def read(self, path: Path) -> tuple[str, LineDict | None, str]:
        name = _relative(path, self.root)
        raw = path.read_bytes()
        digest = hashlib.sha256(raw).hexdigest()[:12]
        try:
            data = parse(raw.decode("utf-8"))
        except UnicodeDecodeError:
            self.fail(name, 1, "el archivo no está en UTF-8")
            return name, None, digest
        except YamlSyntaxError as exc:
            self.fail(name, exc.line, str(exc))
            return name, None, digest
        if not isinstance(data, LineDict):
            self.fail(name, 1, "el archivo debe ser un mapa YAML (clave: valor)")
            return name, None, digest
        for key, line in duplicate_keys(data):
            self.fail(name, line, f"la clave `{key}` está repetida en el mismo bloque; solo contaría la última")
        return name, self._upgrade(name, data), digest

    def _upgrade(self, name: str, data: LineDict) -> LineDict | None:
        version = data.get("format")
        if version != FORMAT:
            self.fail(name, data.line_of("format"), f"`format` debe ser {FORMAT} (encontré {version!r})")
            return None
        return data

    def flow(self, path: Path) -> Flow | None:
        name, data, digest = self.read(path)
        if data is None:
            return None
        ok = True
        for key in ("id", "kind", "title", "steps"):
            if key not in data:
                self.fail(name, data.line, f"falta `{key}`")
                ok = False
        kind = data.get("kind")
        if kind not in ("kit", "flow"):
            self.fail(name, data.line_of("kind"), f"`kind` debe ser kit o flow (encontré {kind!r})")
            ok = False
        number = data.get("number")
        if kind == "kit" and (not isinstance(number, int) or not 1 <= number <= 8):
            self.fail(name, data.line_of("number"), "un kit necesita `number` del 1 al 8")
        raw_steps = data.get("steps")
        if not isinstance(raw_steps, LineList) or not raw_steps:
            if "steps" in data:
                self.fail(name, data.line_of("steps"), "`steps` debe ser una lista con al menos un paso")
            return None
        steps: dict[str, Step] = {}
        for index, item in enumerate(raw_steps):
            if not isinstance(item, LineDict):
                self.fail(name, raw_steps.line_of(index), "cada paso debe ser un mapa con `id` y `type`")
                continue
            step_id, step_type = item.get("id"), item.get("type")
            if not isinstance(step_id, str) or not STEP_ID.match(step_id):
                self.fail(name, item.line_of("id"), f"id de paso inválido {step_id!r} (minúsculas, dígitos y _)")
                continue
            if step_id in steps:
                self.fail(name, item.line_of("id"), f"id de paso duplicado '{step_id}'")
                continue
            steps[step_id] = Step(step_id, str(step_type), item, name, index)
        if not ok:
            return None
        return Flow(
            id=str(data["id"]), kind=str(kind), title=str(data["title"]), file=name,
            version=digest, steps=steps, order=list(steps), data=data,
            number=number if isinstance(number, int) else None,
            purpose=str(data.get("purpose") or "").strip(),
        )

    def catalogs(self) -> tuple[dict[str, tuple[Option, ...]], list[dict[str, Any]]]:
        catalogs: dict[str, tuple[Option, ...]] = {}
        ods: list[dict[str, Any]] = []
        folder = self.root / "catalogs"
        for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
            name, data, _ = self.read(path)
            if data is None:
                continue
            if path.stem == "ods":
                ods = self._ods(name, data)
                catalogs["ods_goals"] = tuple(Option(str(g["number"]), f"{g['number']}. {g['name']}") for g in ods)
                catalogs["ods_targets"] = tuple(
                    Option(t["id"], f"{t['id']} {t['text']}", f"{t['id']} {t['short']}" if t["short"] else "")
                    for g in ods for t in g["targets"]
                )
            elif path.stem == "irm":
                for scale_id, scale in (data.get("scales") or {}).items():
                    catalogs[f"irm_{scale_id}"] = self._items(name, scale if isinstance(scale, Mapping) else {})
            else:
                catalogs[str(data.get("id") or path.stem)] = self._items(name, data)
        return catalogs, ods

    def _items(self, name: str, data: Mapping[str, Any]) -> tuple[Option, ...]:
        options = []
        for item in data.get("items") or []:
            if isinstance(item, LineDict) and item.get("id") and item.get("name"):
                label = item.get("short_name") or item["name"]  # buttons want short labels
                options.append(Option(str(item["id"]), str(label), question=str(item.get("question") or "")))
            else:
                line = item.line if isinstance(item, LineDict) else getattr(data, "line", 1)
                self.fail(name, line, "cada elemento del catálogo necesita `id` y `name`")
        return tuple(options)

    def _ods(self, name: str, data: LineDict) -> list[dict[str, Any]]:
        goals = []
        seen: set[str] = set()
        for goal in data.get("goals") or []:
            number = goal.get("number") if isinstance(goal, LineDict) else None
            if not isinstance(number, int) or not 1 <= number <= 17 or not goal.get("name"):
                self.fail(name, getattr(goal, "line", 1), "cada objetivo necesita `number` (1 a 17) y `name`")
                continue
            targets: list[dict[str, Any]] = []
            for target in goal.get("targets") or []:
                tid = str(target.get("id", "")) if isinstance(target, LineDict) else ""
                if not tid.startswith(f"{number}.") or tid in seen or not target.get("text"):
                    line = getattr(target, "line", goal.line)
                    self.fail(name, line, f"meta inválida o repetida {tid!r} en el ODS {number}")
                    continue
                seen.add(tid)
                self._short_label(name, target, tid, targets)
                targets.append({"id": tid, "text": str(target["text"]), "short": str(target.get("short") or "")})
            goals.append({"number": number, "name": str(goal["name"]),
                          "description": str(goal.get("description") or ""), "targets": targets})
        return goals

    def _short_label(self, name: str, target: LineDict, tid: str, earlier: list[dict[str, Any]]) -> None:
        """A target's button label: present, phone-sized, and not the same as another of its goal."""
        short = str(target.get("short") or "")
        line = target.line_of("short") if short else target.line
        if not short:
            self.problems.append(Problem(name, line, f"la meta {tid} no tiene `short` (etiqueta corta del botón)",
                                         "warning"))
        elif len(short) > SHORT_LABEL:
            self.fail(name, line, f"la etiqueta corta de la meta {tid} tiene {len(short)} caracteres "
                                  f"(máximo {SHORT_LABEL}): pon primero las palabras clave")
        elif any(t["short"] == short for t in earlier):
            self.fail(name, line, f"la etiqueta corta de la meta {tid} repite la de otra meta del mismo objetivo")


def load(directory: Path | str | None = None) -> tuple[Content, list[Problem]]:
    """Everything that could be read, and the structural problems met on the way."""
    root = Path(directory) if directory else default_content_dir()
    reader = _Reader(root)
    flows: dict[str, Flow] = {}
    for sub in FLOW_DIRS:
        for path in sorted((root / sub).glob("*.yaml")):
            flow = reader.flow(path)
            if flow is None:
                continue
            if flow.id in flows:
                reader.fail(flow.file, flow.data.line_of("id"), f"el id '{flow.id}' ya lo usa {flows[flow.id].file}")
                continue
            flows[flow.id] = flow
    catalogs, ods = reader.catalogs()
    catalogs["kits"] = tuple(
        Option(f.id, f.title) for f in sorted(
            (f for f in flows.values() if f.kind == "kit"), key=lambda f: (f.number or 0, f.id))
    )
    ui: Mapping[str, Any] = {}
    ui_path = root / "ui.yaml"
    if ui_path.is_file():
        _, ui_data, _ = reader.read(ui_path)
        ui = ui_data or {}
    else:
        reader.fail(_relative(ui_path, root), 1, "falta ui.yaml (los textos del asistente)")
    version = hashlib.sha256("".join(sorted(f.version for f in flows.values())).encode()).hexdigest()[:12]
    glossary, glossary_problems = load_glossary(root)
    reader.problems += glossary_problems
    reader.problems += load_reminders(root)[1]  # the scheduler reads its own copy
    content = Content(str(root), flows, catalogs, ui, ods, version, _relative(ui_path, root), glossary)
    return content, reader.problems


def load_checked(directory: Path | str | None = None) -> Content:
    """Content that passed the whole check, or ContentInvalid listing every error."""
    content, problems = load(directory)
    errors = [p for p in problems + check(content) if p.severity == "error"]
    if errors:
        raise ContentInvalid(sorted(errors))
    return content
