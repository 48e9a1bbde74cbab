"""Run `cocrea` as a real process, the way a person or a script would."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ChatRunner = Callable[..., subprocess.CompletedProcess[str]]


def cocrea_env(database: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COCREA_")}
    env.update({"COCREA_DATABASE_URL": f"sqlite:///{database}", "PYTHONUNBUFFERED": "1", **extra})
    return env


def cocrea_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "bot.cli", *args]


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "cocrea.db"


@pytest.fixture
def run_cocrea(tmp_path: Path, database: Path) -> ChatRunner:
    """`cocrea ARGS` with the given stdin, in an empty folder, on a fresh SQLite file."""

    def run(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            cocrea_command(*args), input=stdin, capture_output=True, text=True, timeout=120,
            cwd=tmp_path, env=env or cocrea_env(database),
        )

    return run
