"""Issue 22, item 1: the compose stack publishes no internal service, and Rasa talks to the actions
only with the shared token, over the stack's own network."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

DOCKER = Path(__file__).resolve().parents[3] / "docker"
INTERNAL = ("postgres", "migrate", "bot", "actions")


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((DOCKER / "compose.yaml").read_text(encoding="utf-8"))
    return loaded["services"]


def test_no_internal_service_publishes_a_port() -> None:
    services = compose()
    assert set(INTERNAL) <= set(services)
    for name in INTERNAL:
        assert not services[name].get("ports"), f"{name} publishes {services[name]['ports']} on the host"
    for name, service in services.items():  # only the proxy faces the world; anything else, this machine only
        if name != "proxy":
            for port in service.get("ports") or []:
                assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} beyond this machine"


def test_the_action_server_listens_inside_the_stack_and_needs_the_token() -> None:
    actions = compose()["actions"]
    command = actions["command"]
    assert command[:2] == ["cocrea", "actions"] and "--host" in command and actions["expose"] == ["5055"]
    assert "COCREA_ACTIONS_TOKEN" in actions["environment"]
    assert "COCREA_DATABASE_URL" in actions["environment"]  # the shared settings are still there
    for endpoints in ("endpoints.yml", "endpoints.local.yml"):
        endpoint = yaml.safe_load((DOCKER / "rasa" / endpoints).read_text(encoding="utf-8"))["action_endpoint"]
        assert endpoint["token"] == "${COCREA_ACTIONS_TOKEN}", endpoints


def test_rasa_opens_no_api_without_a_token() -> None:
    rasa = compose()["rasa"]
    command = rasa["command"]
    assert "--enable-api" not in command or "--auth-token" in command
    assert "--cors" not in command
    assert "COCREA_ACTIONS_TOKEN" in rasa["environment"]  # endpoints.yml reads it from Rasa's environment
