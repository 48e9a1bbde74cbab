"""`cocrea run` refuses to start, with one clear Spanish line, when a setting is missing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.cli import main


@pytest.fixture
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.chdir(tmp_path)  # no .env from the developer's folder
    for name in list(os.environ):
        if name.startswith("COCREA_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("COCREA_DATABASE_URL", f"sqlite:///{tmp_path / 'cocrea.db'}")
    return monkeypatch


def test_a_missing_token_stops_with_one_line(environment: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "falta COCREA_TELEGRAM_TOKEN" in err


def test_webhook_mode_needs_a_secret(environment: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    environment.setenv("COCREA_TELEGRAM_TOKEN", "4242:TEST")
    environment.setenv("COCREA_WEBHOOK_URL", "https://cocrea.example.org/telegram")
    assert main(["run"]) == 2
    assert "COCREA_WEBHOOK_SECRET" in capsys.readouterr().err
    environment.setenv("COCREA_WEBHOOK_SECRET", "con espacios")
    assert main(["run"]) == 2
    assert "solo admite letras" in capsys.readouterr().err
