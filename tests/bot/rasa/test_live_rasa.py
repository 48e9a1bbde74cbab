"""Opt-in: a real Rasa 3.6 server trained on docker/rasa/ talks to `cocrea actions` (never in CI).

Set COCREA_RASA_BIN to the `rasa` executable of a Python 3.10 venv with rasa 3.6 installed, e.g.
`COCREA_RASA_BIN=/work/rasa-venv/bin/rasa .venv/bin/pytest tests/bot/rasa/test_live_rasa.py -s`.
It runs docker/rasa/demo.py's conversation: greet, continue Kit 5, ask the glossary, report a value.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.bot.rasa.conftest import RASA_DIR, free_port

RASA_BIN = os.environ.get("COCREA_RASA_BIN", "")

pytestmark = pytest.mark.skipif(
    not RASA_BIN or shutil.which(RASA_BIN) is None,
    reason="set COCREA_RASA_BIN to a rasa 3.6 executable to talk to a real Rasa server",
)


def load_demo() -> ModuleType:
    spec = importlib.util.spec_from_file_location("cocrea_rasa_demo", RASA_DIR / "demo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_a_real_rasa_server_continues_a_kit_explains_a_term_and_records_a_report(tmp_path: Path) -> None:
    demo = load_demo()
    result = demo.run_demo(RASA_BIN, tmp_path, actions_port=free_port(), rasa_port=free_port(), echo=False)
    transcript = "\n".join(result.transcript)
    assert not result.missing, transcript
    assert (demo.VALUE, demo.NOTE) in result.reports, transcript
