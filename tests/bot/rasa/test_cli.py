"""`cocrea actions --port N` starts rasa-sdk's server after the usual start-up, as an operator runs it."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from pathlib import Path

from tests.bot.conftest import cocrea_command, cocrea_env
from tests.bot.rasa.conftest import TOKEN, free_port


def get(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (127.0.0.1 only)
            return bytes(response.read())
    except OSError:
        return None


def test_cocrea_actions_serves_on_the_given_port_with_a_migrated_database(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(cocrea_command("actions", "--port", str(port)), cwd=tmp_path,
                               env=cocrea_env(tmp_path / "cocrea.db", COCREA_ACTIONS_TOKEN=TOKEN),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 90  # a generous bound for a busy machine, not a timing check
        health = None
        while health is None and process.poll() is None and time.monotonic() < deadline:
            health = get(f"http://127.0.0.1:{port}/health")
            time.sleep(0.2)
        assert health is not None, process.stderr.read() if process.poll() is not None else "no answer"
        assert get(f"http://127.0.0.1:{port}/actions") is None  # 401 without the token
        actions = {a["name"] for a in json.loads(get(f"http://127.0.0.1:{port}/actions?token={TOKEN}") or b"[]")}
        assert "action_cocrea_paso" in actions and "validate_reporte_indicador_form" in actions
        assert (tmp_path / "cocrea.db").exists()  # migrated before serving
    finally:
        process.terminate()
        out, _ = process.communicate(timeout=60)
    assert f"http://127.0.0.1:{port}/webhook" in out  # only this machine, unless --host says otherwise


def test_cocrea_actions_refuses_to_start_without_a_token_naming_the_setting(tmp_path: Path) -> None:
    for token in ("", "corto"):
        result = subprocess.run(cocrea_command("actions", "--port", str(free_port())), cwd=tmp_path,
                                env=cocrea_env(tmp_path / "cocrea.db", COCREA_ACTIONS_TOKEN=token),
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 2, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "COCREA_ACTIONS_TOKEN" in lines[0] and "Traceback" not in result.stderr
        assert not (tmp_path / "cocrea.db").exists()  # stopped before touching anything


def test_cocrea_actions_refuses_to_start_on_broken_content(tmp_path: Path) -> None:
    (tmp_path / "kits").mkdir()
    (tmp_path / "kits" / "roto.yaml").write_text("format: 1\nid: roto\nkind: kit\nsteps: [\n", encoding="utf-8")
    result = subprocess.run(cocrea_command("actions", "--port", str(free_port())), cwd=tmp_path,
                            env=cocrea_env(tmp_path / "cocrea.db", COCREA_CONTENT_DIR=str(tmp_path),
                                           COCREA_ACTIONS_TOKEN=TOKEN),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "El contenido tiene errores" in result.stderr
