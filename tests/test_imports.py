"""How the packages import: heavy libraries load only where they are used.

Every `cocrea` command imports the CLI and, for most commands, the conversation; drawing charts
(matplotlib) and writing XLSX (openpyxl) are rare, so they are imported by the functions that do
it. Each check runs in a fresh interpreter: this test process has long since imported everything.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("matplotlib", "numpy", "openpyxl", "rasa_sdk", "sanic")


def loaded_after(*modules: str) -> dict[str, bool]:
    """Which HEAVY libraries a fresh interpreter has loaded once it imported `modules`."""
    code = (f"import sys\nimport {', '.join(modules)}\n"
            f"print(' '.join(str(name in sys.modules) for name in {HEAVY!r}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return dict(zip(HEAVY, (word == "True" for word in done.stdout.split()), strict=True))


def test_the_cli_and_the_conversation_load_neither_matplotlib_nor_openpyxl() -> None:
    loaded = loaded_after("bot.cli", "bot.conversation")
    assert loaded == dict.fromkeys(HEAVY, False)


@pytest.mark.parametrize("entry", ["bot.chat", "bot.telegram.app", "bot.scheduler.cli", "bot.export.cli"])
def test_no_command_loads_a_chart_or_a_workbook_before_it_draws_one(entry: str) -> None:
    loaded = loaded_after("bot.cli", entry)
    assert not loaded["matplotlib"] and not loaded["numpy"] and not loaded["openpyxl"], loaded


def test_the_terminal_chat_needs_no_telegram() -> None:
    code = "import sys\nimport bot.chat\nprint('telegram' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_drawing_a_chart_still_loads_matplotlib_then() -> None:
    """The deferred import happens where it is needed: a chart is drawn all the same."""
    code = """
import sys
from bot.scheduler.chart import progress_chart
assert 'matplotlib' not in sys.modules
png = progress_chart("Avance", [("Compromiso", 0.5)])
assert png is not None and png.startswith(b"\\x89PNG") and 'matplotlib' in sys.modules
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
