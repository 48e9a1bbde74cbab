"""The compose stack of docker/compose.yaml, for real: built, started, talked to from the host, removed.

Run by `make test-deploy` (COCREA_DEPLOY_TEST=1), never by `make test`: it needs Docker's engine
(`../shared/tools/docker-local images` provides it and the base images) and takes minutes.
Everything the test reaches is published on 127.0.0.1 (tests/deploy/stack.env names the ports) or is
reached from inside a container of the stack (`docker exec`); nothing else is a target.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
ENV_FILE = ROOT / "tests" / "deploy" / "stack.env"
IMAGE = "cocrea:latest"
PROJECT = os.environ.get("COCREA_DEPLOY_PROJECT", "cocrea-test-deploy")
FILES = ("-f", "docker/compose.yaml", "-f", "tests/deploy/compose.test.yaml",
         "--env-file", "tests/deploy/stack.env", "--profile", "proxy")
BOTS = 3

if not os.environ.get("COCREA_DEPLOY_TEST"):
    collect_ignore_glob = ["test_*.py"]  # `make test-deploy` runs these; `make test` stays fast


def settings() -> dict[str, str]:
    values = {}
    for line in ENV_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values


def report(line: str) -> None:
    """A measured figure, printed for CI's log (pytest runs with -s)."""
    print(f"\ntest-deploy: {line}", flush=True)


def run(*argv: str, timeout: float = 600, check: bool = True, stdin: str | None = None) -> str:
    done = subprocess.run(list(argv), cwd=ROOT, capture_output=True, text=True, timeout=timeout, input=stdin)
    if check and done.returncode != 0:
        raise AssertionError(f"`{' '.join(argv)}` exited {done.returncode}:\n"
                             f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done.stdout


def http(method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None,
         timeout: float = 15) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")


def eventually(what: str, probe: Callable[[], Any], timeout: float = 60, every: float = 0.5) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(every)


class Stack:
    """`docker compose` on the test's project, and what the test asks of its containers."""

    def __init__(self) -> None:
        self.env = settings()
        self.public = f"http://127.0.0.1:{self.env['COCREA_PUBLIC_PORT']}"
        self.hook = self.public + "/" + self.env["COCREA_WEBHOOK_URL"].split("/", 3)[3]
        self.secret = self.env["COCREA_WEBHOOK_SECRET"]
        self.fakeapi = f"http://127.0.0.1:{self.env['COCREA_TEST_FAKEAPI_PORT']}"

    def compose(self, *args: str, timeout: float = 600, check: bool = True, stdin: str | None = None) -> str:
        return run("docker", "compose", "-p", PROJECT, *FILES, *args, timeout=timeout, check=check, stdin=stdin)

    def cli(self, *args: str) -> str:
        """A `cocrea` command in a one-off container, as the README tells an operator."""
        return self.compose("run", "--rm", "--no-deps", "-T", "migrate", "cocrea", *args, timeout=120)

    def psql(self, sql: str) -> list[list[str]]:
        out = self.compose("exec", "-T", "postgres", "psql", "-U", "cocrea", "-d", "cocrea", "-At", "-F", "\t",
                           "-v", "ON_ERROR_STOP=1", "-c", sql, timeout=60)
        return [line.split("\t") for line in out.splitlines() if line]

    def containers(self, service: str) -> list[str]:
        """The running containers of a service (ids)."""
        return self.compose("ps", "-q", service).split()

    def inspect(self, container: str, template: str) -> str:
        return run("docker", "inspect", "-f", template, container).strip()

    def inside(self, container: str, url: str) -> tuple[int, str]:
        """GET a URL from inside a container (its own port, or the stack's network)."""
        code = ("import urllib.request, urllib.error\n"
                "try:\n"
                f"    r = urllib.request.urlopen({url!r}, timeout=10)\n"
                "    print(r.status); print(r.read().decode(), end='')\n"
                "except urllib.error.HTTPError as e:\n"
                "    print(e.code)\n")
        out = run("docker", "exec", container, "python", "-c", code, timeout=60)
        status, _, body = out.partition("\n")
        return int(status), body

    def post_inside(self, container: str, url: str, body: dict[str, Any],
                    headers: dict[str, str]) -> tuple[int, str]:
        """POST JSON from inside a container (the body goes through stdin)."""
        code = ("import sys, urllib.request, urllib.error\n"
                f"request = urllib.request.Request({url!r}, data=sys.stdin.buffer.read(), method='POST',\n"
                f"                                 headers={ {'Content-Type': 'application/json', **headers}!r})\n"
                "try:\n"
                "    r = urllib.request.urlopen(request, timeout=30)\n"
                "    print(r.status); print(r.read().decode(), end='')\n"
                "except urllib.error.HTTPError as e:\n"
                "    print(e.code); print(e.read().decode(), end='')\n")
        out = run("docker", "exec", "-i", container, "python", "-c", code, timeout=60, stdin=json.dumps(body))
        status, _, answer = out.partition("\n")
        return int(status), answer

    def metric(self, container: str, name: str) -> float:
        status, body = self.inside(container, "http://127.0.0.1:8080/metrics")
        assert status == 200, body
        return float(next(line for line in body.splitlines() if line.startswith(name + " ")).split()[1])

    def health(self) -> dict[str, str]:
        """Service -> state of each container, e.g. {'bot': 'running healthy', 'migrate': 'exited 0'}."""
        states: dict[str, str] = {}
        for line in self.compose("ps", "-a", "--format", "json").splitlines():
            rows = json.loads(line)
            for row in rows if isinstance(rows, list) else [rows]:
                state = f"{row['State']} {row.get('Health') or ''}".strip()
                if row["State"] == "exited":
                    state = f"exited {row.get('ExitCode')}"
                states[f"{row['Service']}#{row['Name']}"] = state
        return states


class RemoteBotApi:
    """The fake Bot API server's container, seen from the host: what tests.bot.telegram.e2e's Person needs."""

    def __init__(self, base: str) -> None:
        self.base = base
        self._update_ids = itertools.count(1)

    def get(self, route: str) -> Any:
        status, body = http("GET", f"{self.base}/_test/{route}")
        assert status == 200, body
        return json.loads(body)

    def new_update(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"update_id": next(self._update_ids), **body}

    def sent_to(self, chat_id: int) -> list[dict[str, Any]]:
        return list(self.get(f"messages?chat={chat_id}"))

    def of(self, method: str) -> list[dict[str, Any]]:
        return list(self.get(f"calls?method={method}"))

    def transcript(self) -> str:
        return "(see the chat's messages through /_test/messages)"

    def wait(self, what: str, predicate: Callable[[], Any], timeout: float = 20) -> Any:
        return eventually(what, predicate, timeout=timeout, every=0.2)


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    """The image built, no stack running before; at the end (pass or fail) the stack and its volumes go."""
    if subprocess.run(["docker", "info"], capture_output=True).returncode != 0:
        pytest.fail("no Docker engine: run `../shared/tools/docker-local images` first (make test-deploy does)")
    stack = Stack()
    stack.compose("down", "-v", "--remove-orphans", check=False)
    cold = subprocess.run(["docker", "image", "inspect", IMAGE], capture_output=True).returncode != 0
    started = time.monotonic()
    run("docker", "build", *(["--no-cache"] if os.environ.get("COCREA_DEPLOY_COLD") else []),
        "-f", "docker/Dockerfile", "-t", IMAGE, ".", timeout=1200)
    seconds = time.monotonic() - started
    kind = "cold" if cold or os.environ.get("COCREA_DEPLOY_COLD") else "with the layer cache"
    report(f"image build ({kind}): {seconds:.0f} s")
    size = int(run("docker", "image", "inspect", "-f", "{{.Size}}", IMAGE))
    report(f"image size: {size / 1e6:.0f} MB ({IMAGE})")
    try:
        yield stack
    finally:
        if os.environ.get("COCREA_DEPLOY_LOGS"):
            print(stack.compose("logs", "--no-color", "--tail", "80", check=False))
        stack.compose("down", "-v", "--remove-orphans", "--timeout", "5", check=False)
