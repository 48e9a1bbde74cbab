"""`python -m bot.health`, the health check the containers run every few seconds."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def healthz() -> Iterator[tuple[int, list[int]]]:
    """A /healthz on 127.0.0.1 whose status the test sets (statuses[0])."""
    statuses = [200]

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(statuses[0] if self.path == "/healthz" else 404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], statuses
    server.shutdown()
    server.server_close()


def health(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.health"], cwd=cwd, capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), **env})


def test_in_webhook_mode_it_asks_the_bots_healthz(healthz: tuple[int, list[int]], tmp_path: Path) -> None:
    port, statuses = healthz
    env = {"COCREA_WEBHOOK_URL": "https://cocrea.ejemplo.mx/telegram", "COCREA_LISTEN": "0.0.0.0",
           "COCREA_PORT": str(port)}
    done = health(env, tmp_path)
    assert (done.returncode, done.stdout) == (0, "bien\n")
    statuses[0] = 503
    done = health(env, tmp_path)
    assert done.returncode == 1 and "/healthz respondió 503" in done.stderr


def test_in_webhook_mode_a_bot_that_does_not_listen_is_unhealthy(tmp_path: Path) -> None:
    done = health({"COCREA_WEBHOOK_URL": "https://cocrea.ejemplo.mx/telegram", "COCREA_PORT": "1"}, tmp_path)
    assert done.returncode == 1 and "el bot no responde en 127.0.0.1:1" in done.stderr


def test_in_polling_mode_it_checks_the_database(tmp_path: Path) -> None:
    done = health({"COCREA_DATABASE_URL": f"sqlite:///{tmp_path / 'cocrea.db'}"}, tmp_path)
    assert (done.returncode, done.stdout) == (0, "bien\n")
    done = health({"COCREA_DATABASE_URL": "postgresql://nadie@127.0.0.1:1/nada"}, tmp_path)
    assert done.returncode == 1 and "la base de datos no responde" in done.stderr
