"""COCREA_LOG_FORMAT=json: one JSON object per line, with the extras; otherwise plain lines."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.logs import JsonFormatter, configure

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def keep_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_a_json_line_has_time_level_logger_message_extras_and_the_exception() -> None:
    record = logging.LogRecord("bot.telegram.webhook", logging.WARNING, __file__, 1, "update %s failed", (7,), None)
    record.update_id, record.chat = 7, 9101
    try:
        raise ValueError("boom")
    except ValueError:
        record.exc_info = sys.exc_info()
    entry = json.loads(JsonFormatter().format(record))
    assert entry["level"] == "WARNING" and entry["logger"] == "bot.telegram.webhook"
    assert entry["message"] == "update 7 failed" and entry["time"].endswith("+00:00")
    assert (entry["update_id"], entry["chat"]) == (7, 9101)
    assert "ValueError: boom" in entry["exception"]
    assert "msg" not in entry and "args" not in entry


def test_configure_picks_json_or_plain_and_the_level() -> None:
    configure({"COCREA_LOG_FORMAT": "json", "COCREA_LOG_LEVEL": "info"})
    root = logging.getLogger()
    assert isinstance(root.handlers[0].formatter, JsonFormatter) and root.level == logging.INFO
    configure({})
    assert not isinstance(root.handlers[0].formatter, JsonFormatter) and root.level == logging.WARNING


def test_the_cli_logs_json_lines_on_stderr(tmp_path: Path) -> None:
    env = {"COCREA_LOG_FORMAT": "json", "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    code = ("import logging, sys; from bot.cli import main; sys.argv = ['cocrea']; "
            "main(['content', 'check']); logging.getLogger('x').warning('hola', extra={'chat': 5})")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=60)
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    assert {"level": "WARNING", "logger": "x", "message": "hola", "chat": 5}.items() <= lines[-1].items()
