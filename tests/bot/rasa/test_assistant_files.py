"""docker/rasa/ is a Rasa 3.6 assistant that only needs what `cocrea actions` serves."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.rasa.server import build_app
from tests.bot.rasa.conftest import CONTENT, DOMAIN, RASA_DIR, TOKEN

YAML_FILES = sorted(RASA_DIR.rglob("*.yml"))
NLU: dict[str, Any] = yaml.safe_load((RASA_DIR / "data" / "nlu.yml").read_text(encoding="utf-8"))
RULES: dict[str, Any] = yaml.safe_load((RASA_DIR / "data" / "rules.yml").read_text(encoding="utf-8"))


def examples(intent: str) -> list[str]:
    block = next((item["examples"] for item in NLU["nlu"] if item.get("intent") == intent), "")
    return [line[2:].strip() for line in block.splitlines() if line.startswith("- ")]


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(RASA_DIR)))
def test_every_yaml_file_parses(path: Path) -> None:
    assert isinstance(yaml.safe_load(path.read_text(encoding="utf-8")), dict | type(None))


def test_every_custom_action_in_the_domain_is_served(sessions: Any) -> None:
    from sanic import Sanic

    Sanic.test_mode = True
    app = build_app(CONTENT, sessions, token=TOKEN)
    try:
        served = {a.name for a in app.ctx.executor.list_actions()}
    finally:
        Sanic.unregister_app(app)
    custom = {a for a in DOMAIN["actions"] if a.startswith(("action_cocrea_", "validate_"))}
    assert custom and custom <= served, custom - served
    assert served <= set(DOMAIN["actions"]), "an action is served that the assistant cannot call"


@pytest.mark.parametrize("intent", DOMAIN["intents"])
def test_every_intent_has_ten_examples(intent: str) -> None:
    assert len(examples(intent)) >= 10


def test_examples_mark_only_domain_entities() -> None:
    marked = set()
    for item in NLU["nlu"]:
        marked |= set(re.findall(r"\]\((\w+)\)", item.get("examples", "")))
    assert marked <= set(DOMAIN["entities"])


def test_the_issue_sentences_are_examples() -> None:
    assert "quiero reportar el indicador de [agua](indicador)" in examples("reportar_indicador")
    assert "¿qué es la [línea base](termino)?" in examples("preguntar_glosario")
    assert "sigamos con el kit [5](kit)" in examples("continuar_kit")


def test_every_form_slot_exists_and_is_asked() -> None:
    for form in DOMAIN["forms"].values():
        for slot in form["required_slots"]:
            assert slot in DOMAIN["slots"]
            assert f"utter_ask_{slot}" in DOMAIN["responses"]


def test_rules_use_only_domain_intents_and_actions() -> None:
    intents = set(DOMAIN["intents"]) | {"nlu_fallback"}
    actions = set(DOMAIN["actions"]) | set(DOMAIN["responses"]) | set(DOMAIN["forms"]) | {"action_deactivate_loop"}
    for rule in RULES["rules"]:
        for step in rule["steps"]:
            assert step.get("intent", "nlu_fallback") in intents, rule["rule"]
            assert step.get("action", "action_deactivate_loop") in actions, rule["rule"]


def test_unsure_answers_go_to_the_current_step() -> None:
    config = yaml.safe_load((RASA_DIR / "config.yml").read_text(encoding="utf-8"))
    assert config["language"] == "es"
    names = [c["name"] for c in config["pipeline"]]
    assert names[-1] == "FallbackClassifier" and "DIETClassifier" in names
    rule_policy = next(p for p in config["policies"] if p["name"] == "RulePolicy")
    assert rule_policy["core_fallback_action_name"] == "action_cocrea_paso"
    endpoints = yaml.safe_load((RASA_DIR / "endpoints.yml").read_text(encoding="utf-8"))
    assert endpoints["action_endpoint"]["url"].endswith(":5055/webhook")
