"""The JSON Schema admins' editors use: generated from the model, true to the shipped content."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from flows.loader import default_content_dir
from flows.schema import SCHEMA_FILE, flow_schema

CONTENT = default_content_dir()
FLOW_FILES = sorted([*CONTENT.glob("kits/*.yaml"), *CONTENT.glob("flows/*.yaml")])
VALIDATOR = jsonschema.Draft202012Validator(flow_schema())


def test_the_shipped_schema_is_the_generated_one() -> None:
    shipped = json.loads((CONTENT / SCHEMA_FILE).read_text(encoding="utf-8"))
    assert shipped == flow_schema(), "run `cocrea content schema` after changing a step kind"


@pytest.mark.parametrize("path", FLOW_FILES, ids=lambda p: p.name)
def test_every_flow_file_is_valid_and_points_at_the_schema(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/flow.schema.json")
    errors = [e.message for e in VALIDATOR.iter_errors(yaml.safe_load(text))]
    assert errors == []


def broken(change: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((CONTENT / "kits" / "kit5.yaml").read_text(encoding="utf-8"))
    question = next(s for s in data["steps"] if s["type"] == "question")
    if change == "misspelled key":
        question["hepl"] = question.pop("help")
    elif change == "unknown step type":
        data["steps"][0]["type"] = "mensaje"
    elif change == "unknown answer type":
        question["answer"] = "texto"
    elif change == "step without id":
        del data["steps"][0]["id"]
    elif change == "kit number out of range":
        data["number"] = 9
    return data


@pytest.mark.parametrize("change", ["misspelled key", "unknown step type", "unknown answer type",
                                    "step without id", "kit number out of range"])
def test_broken_samples_are_rejected(change: str) -> None:
    assert list(VALIDATOR.iter_errors(broken(change))), change
