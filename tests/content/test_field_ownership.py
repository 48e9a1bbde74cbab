"""`cocrea content check` refuses a kit that writes a field nobody declared (flows/fields.py), or a
declared field that kit may not write; every field each kit writes is declared for it."""

from __future__ import annotations

import shutil
from pathlib import Path

from flows.checker import check
from flows.fields import COMMITMENT, DECLARED
from flows.loader import default_content_dir, load, load_checked


def _errors_with(tmp_path: Path, old: str, new: str) -> list[str]:
    root = tmp_path / "content"
    shutil.copytree(default_content_dir(), root)
    kit6 = root / "kits" / "kit6.yaml"
    text = kit6.read_text(encoding="utf-8")
    assert old in text
    kit6.write_text(text.replace(old, new), encoding="utf-8")
    content, problems = load(root)
    return [str(p) for p in problems + check(content) if p.severity == "error"]


def test_a_kit_writing_an_undeclared_field_is_refused(tmp_path: Path) -> None:
    errors = _errors_with(tmp_path, "      effects: efectos\n", "      effects: efectos\n      total_cost: efectos\n")
    assert any("'commitment' no tiene el campo 'total_cost'" in e and "flows/fields.py" in e for e in errors), errors


def test_a_kit_writing_a_field_of_another_kit_is_refused(tmp_path: Path) -> None:
    errors = _errors_with(tmp_path, "      effects: efectos\n", "      effects: efectos\n      start_date: efectos\n")
    assert any("'kit6' no puede escribir el campo 'start_date'" in e and "kit8" in e for e in errors), errors


def test_every_field_a_kit_writes_is_declared_for_that_kit() -> None:
    content = load_checked()
    for flow in content.kits():
        for step in flow.steps.values():
            record = str(step.get("record") or "")
            if step.type == "record" and record in DECLARED:
                for field in step.get("fields") or {}:
                    assert flow.id in DECLARED[record][str(field)].kits, (flow.id, field)
    assert COMMITMENT["direct_causes"].kits == {"kit6"} and COMMITMENT["causes"].kits == {"kit5"}
