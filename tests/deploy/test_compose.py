"""The deployment files, checked statically: what an operator runs must exist in the CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli import build_parser

DOCKER = Path(__file__).resolve().parents[2] / "docker"


def compose() -> dict[str, Any]:
    return yaml.safe_load((DOCKER / "compose.yaml").read_text(encoding="utf-8"))


def cocrea_commands() -> list[tuple[str, list[str]]]:
    """Every `cocrea …` command line in compose.yaml and the Dockerfile."""
    found = []
    for name, service in compose()["services"].items():
        for command in (service.get("command"), (service.get("healthcheck") or {}).get("test")):
            if isinstance(command, list) and command and command[0] == "cocrea":
                found.append((f"compose:{name}", command[1:]))
    for line in (DOCKER / "Dockerfile").read_text(encoding="utf-8").splitlines():
        match = re.search(r"\b(?:CMD|HEALTHCHECK .*CMD) (\[.*\])\s*$", line)
        if match:
            command = json.loads(match.group(1))
            if command[0] == "cocrea":
                found.append((f"Dockerfile:{line.split()[0]}", command[1:]))
    return found


def test_compose_has_the_services_an_operator_needs() -> None:
    services = compose()["services"]
    assert {"postgres", "migrate", "bot", "actions", "rasa"} <= set(services)
    assert services["rasa"]["profiles"] == ["rasa"]
    # The bot starts only after the migrations finished, and those only once PostgreSQL is ready.
    assert services["bot"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["bot"]["environment"]["COCREA_DATABASE_URL"].startswith("postgresql://")


def test_the_image_runs_as_a_non_root_user_with_a_health_check() -> None:
    dockerfile = (DOCKER / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim", dockerfile, re.M)
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.M)
    assert "HEALTHCHECK" in dockerfile


def test_every_cocrea_command_in_the_deployment_exists() -> None:
    commands = cocrea_commands()
    assert {where for where, _ in commands} >= {"compose:migrate", "compose:bot", "compose:actions", "Dockerfile:CMD"}
    parser = build_parser()
    for where, argv in commands:
        try:
            parser.parse_args(argv)
        except SystemExit:
            pytest.fail(f"{where}: `cocrea {' '.join(argv)}` is not a command of the CLI")


def test_the_rasa_assistant_calls_the_compose_action_server() -> None:
    endpoints = yaml.safe_load((DOCKER / "rasa" / "endpoints.yml").read_text(encoding="utf-8"))
    assert endpoints["action_endpoint"]["url"] == "http://actions:5055/webhook"


def test_health_reports_a_database_that_answers_and_one_that_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    monkeypatch.delenv("COCREA_WEBHOOK_URL", raising=False)
    monkeypatch.setenv("COCREA_DATABASE_URL", f"sqlite:///{tmp_path / 'cocrea.db'}")
    assert main(["health"]) == 0
    assert "bien" in capsys.readouterr().out
    monkeypatch.setenv("COCREA_DATABASE_URL", "postgresql://nadie@127.0.0.1:1/nada")
    assert main(["health"]) == 1
    assert "la base de datos no responde" in capsys.readouterr().err


def test_the_proxy_keeps_health_and_metrics_inside_and_bodies_under_one_megabyte() -> None:
    conf = (DOCKER / "nginx.conf").read_text(encoding="utf-8")
    assert "client_max_body_size 1m;" in conf
    assert re.search(r"location ~ \^/\(healthz\|metrics\)\$ \{\s*return 404;", conf)


def test_the_readme_deploys_with_the_files_that_exist() -> None:
    readme = (DOCKER.parent / "README.md").read_text(encoding="utf-8")
    deploy = readme.split("## Desplegar", 1)[1].split("\n## ", 1)[0]
    services = set(compose()["services"])
    for command in re.findall(r"docker compose -f docker/compose\.yaml[^\n]*", deploy):
        for profile in re.findall(r"--profile (\w+)", command):
            assert any(profile in (s.get("profiles") or []) for s in compose()["services"].values()), profile
        for scaled in re.findall(r"--scale (\w+)=", command):
            assert scaled in services
    for name in ("POSTGRES_PASSWORD", "COCREA_TELEGRAM_TOKEN", "COCREA_WEBHOOK_URL", "COCREA_WEBHOOK_SECRET"):
        assert name in deploy
    for metric in ("cocrea_updates_total", "cocrea_update_errors_total", "cocrea_reminders_sent_total",
                   "cocrea_reminders_failed_total", "cocrea_outbox_depth", "cocrea_update_seconds"):
        assert metric in deploy
