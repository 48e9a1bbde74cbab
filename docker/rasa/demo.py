"""A real Rasa 3.6 conversation with Cocrea's actions, end to end (`make rasa-demo`).

Run it with Cocrea's own Python and point it at a `rasa` executable from a Python 3.10 venv:

    .venv/bin/python docker/rasa/demo.py --rasa /work/rasa-venv/bin/rasa

It trains the assistant in this folder (`rasa train`, cached by Rasa between runs), seeds a fresh
SQLite database (a secretariat, a member, a commitment with a water indicator that has a period
due), starts `cocrea actions` and `rasa run --enable-api --auth-token …` on 127.0.0.1 (with its own
endpoints file, so `endpoints.yml` keeps pointing at the docker compose service; both share a fresh
COCREA_ACTIONS_TOKEN, which Rasa sends on every action call), talks to Rasa over its REST
channel (greets, continues Kit 5, asks the glossary, reports the indicator's value with a note),
prints the transcript and exits 1 unless the value reached `indicator_reports`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SENDER = "demo-ana"  # not numeric: Cocrea's person key is rasa:demo-ana
VALUE_TEXT, VALUE = "42,5", 42.5
QUIET = {"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
NOTE = "Dato del organismo operador, corte de octubre"

# (what the person types, what must appear in Rasa's answer: proof the right action ran)
CONVERSATION: tuple[tuple[str, str], ...] = (
    ("hola", "Ana"),
    ("sigamos con el kit 5", "Kit 5"),
    ("1, 2", "nombre"),
    ("Agua diaria en las colonias del oriente", "problema"),
    ("¿qué es la línea base?", "Línea base"),
    ("quiero reportar el indicador de agua", "valor"),
    (VALUE_TEXT, "nota"),
    (NOTE, "¿Lo registro así?"),
    ("sí", "Registré 42,5"),
)


@dataclass
class Demo:
    transcript: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # expected answers that did not come
    reports: list[tuple[float, str | None]] = field(default_factory=list)  # (value, note) rows found

    @property
    def ok(self) -> bool:
        return any(value == VALUE for value, _ in self.reports)


def _get(url: str, timeout: float = 2) -> dict[str, Any] | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (local only)
            body = response.read()
    except (urllib.error.URLError, OSError, TimeoutError):
        return None
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _post(url: str, payload: dict[str, Any], timeout: float = 60) -> Any:
    request = urllib.request.Request(url, data=json.dumps(payload).encode("utf-8"),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (local only)
        return json.loads(response.read() or b"[]")


def _wait(check: Any, what: str, proc: subprocess.Popen[bytes], timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}; see {log}:\n{_tail(log)}")
        if check():
            return
        time.sleep(1)
    raise RuntimeError(f"{what} did not start within {timeout:.0f}s; see {log}:\n{_tail(log)}")


def _tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


@contextmanager
def _process(args: list[str], log: Path, env: dict[str, str], cwd: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd,
                                start_new_session=True)
        try:
            yield proc
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)  # its own session: only what we started
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()


def cocrea_bin() -> str:
    found = Path(sys.executable).parent / "cocrea"
    return str(found) if found.exists() else (shutil.which("cocrea") or "cocrea")


def train(rasa: str, models: Path, log: Path) -> Path:
    """`rasa data validate`, then `rasa train` into `models`; the newest model there."""
    models.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **QUIET}
    with log.open("ab") as out:
        for args in ([rasa, "data", "validate"], [rasa, "train", "--out", str(models)]):
            done = subprocess.run(args, cwd=HERE, stdout=out, stderr=subprocess.STDOUT, env=env, check=False)
            if done.returncode != 0:
                raise RuntimeError(f"{' '.join(args[1:3])} failed ({done.returncode}); see {log}:\n{_tail(log)}")
    return max(models.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)


async def seed(database_url: str, today: date) -> int:
    """A secretariat, the member rasa:<SENDER>, a commitment and its water indicator; its id."""
    sys.path.insert(0, str(ROOT))
    from storage import UnitOfWork, make_engine, make_session_factory
    from storage.models import Commitment

    engine = make_engine(database_url)
    try:
        async with UnitOfWork(make_session_factory(engine)) as uow:
            person = await uow.people.get_or_create(f"rasa:{SENDER}", name="Ana")
            person.consent_at = datetime.now(UTC) - timedelta(days=30)
            stl = await uow.secretariats.add("STL Oaxaca de Juárez", territory="Oaxaca")
            await uow.memberships.add(person, stl, "member")
            commitment = Commitment(secretariat_id=stl.id, title="Agua para todas las colonias")
            uow.session.add(commitment)
            await uow.session.flush()
            first_due = today - timedelta(days=45)  # one quarter already due
            water = await uow.plan.add_indicator(
                commitment, name="Hogares con agua diaria", unit="%", baseline=20, target=80,
                frequency="trimestral", first_due=first_due, last_due=first_due + timedelta(days=365),
                person=None)
            return int(water.id)
    finally:
        await engine.dispose()


def reports_of(db: Path, indicator_id: int) -> list[tuple[float, str | None]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT value, note FROM indicator_reports WHERE indicator_id = ?",
                            (indicator_id,)).fetchall()
    return [(float(v), n) for v, n in rows]


def run_demo(rasa: str, workdir: Path, *, models: Path | None = None, actions_port: int = 5055,
             rasa_port: int = 5005, echo: bool = True) -> Demo:
    """Train, seed, serve and talk; the transcript and the rows found in the database."""
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "cocrea.db"
    db.unlink(missing_ok=True)
    database_url = f"sqlite:///{db}"
    env = {**os.environ, **QUIET, "COCREA_DATABASE_URL": database_url,
           "COCREA_ACTIONS_TOKEN": secrets.token_urlsafe(24)}  # Rasa sends it; the actions demand it
    api_token = secrets.token_urlsafe(24)  # Rasa's own API (/status) only with a token
    demo = Demo()

    def say(line: str) -> None:
        demo.transcript.append(line)
        if echo:
            print(line, flush=True)

    started = time.monotonic()
    model = train(rasa, models or workdir / "models", workdir / "train.log")
    say(f"# model {model.name} ({time.monotonic() - started:.0f}s incl. validation)")

    subprocess.run([cocrea_bin(), "db", "upgrade"], env=env, cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    indicator_id = asyncio.run(seed(database_url, datetime.now().date()))

    endpoints = workdir / "endpoints.local.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n'
                         '  token: "${COCREA_ACTIONS_TOKEN}"\n', encoding="utf-8")
    actions_log, rasa_log = workdir / "actions.log", workdir / "rasa.log"
    actions_cmd = [cocrea_bin(), "actions", "--port", str(actions_port)]
    rasa_cmd = [rasa, "run", "--enable-api", "--auth-token", api_token, "--model", str(model),
                "--endpoints", str(endpoints), "--credentials", str(HERE / "credentials.yml"), "--port", str(rasa_port),
                "--interface", "127.0.0.1"]
    with _process(actions_cmd, actions_log, env, ROOT) as actions, \
            _process(rasa_cmd, rasa_log, env, HERE) as server:
        _wait(lambda: _get(f"http://127.0.0.1:{actions_port}/health") is not None, "cocrea actions",
              actions, 60, actions_log)
        status = f"http://127.0.0.1:{rasa_port}/status?token={api_token}"
        _wait(lambda: bool((_get(status) or {}).get("model_file")), "rasa run", server, 240, rasa_log)
        url = f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook"
        for text, expected in CONVERSATION:
            say(f"> {text}")
            answers = _post(url, {"sender": SENDER, "message": text})
            said = []
            for answer in answers:
                line = str(answer.get("text") or "")
                buttons = " ".join(f"[{b.get('title')}]" for b in answer.get("buttons") or [])
                said.append(line + (f"\n  {buttons}" if buttons else ""))
            for line in said:
                say("  " + line.replace("\n", "\n  "))
            if expected.lower() not in "\n".join(said).lower():
                demo.missing.append(f"{text!r}: no «{expected}» in the answer")
    demo.reports = reports_of(db, indicator_id)
    say(f"# indicator_reports for indicator {indicator_id}: {demo.reports}")
    return demo


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rasa", default=os.environ.get("COCREA_RASA_BIN", "rasa"),
                        help="the rasa executable of a Python 3.10 venv with rasa 3.6 (or $COCREA_RASA_BIN)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/cocrea-rasa-demo"),
                        help="database, logs, local endpoints file and models (default: %(default)s)")
    parser.add_argument("--models", type=Path, default=None, help="where rasa train writes (default: WORKDIR/models)")
    parser.add_argument("--actions-port", type=int, default=5055)
    parser.add_argument("--rasa-port", type=int, default=5005)
    args = parser.parse_args(argv)
    if shutil.which(args.rasa) is None:
        print(f"No encuentro el ejecutable de Rasa: {args.rasa} (usa --rasa o COCREA_RASA_BIN).", file=sys.stderr)
        return 2
    try:
        demo = run_demo(args.rasa, args.workdir, models=args.models, actions_port=args.actions_port,
                        rasa_port=args.rasa_port)
    except (RuntimeError, subprocess.CalledProcessError) as problem:
        print(f"FALLÓ: {problem}", file=sys.stderr)
        return 1
    for problem in demo.missing:
        print(f"AVISO: {problem}", file=sys.stderr)
    if not demo.ok:
        print(f"FALLÓ: el valor {VALUE} no está en indicator_reports", file=sys.stderr)
        return 1
    print(f"OK: {VALUE} está en indicator_reports", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
