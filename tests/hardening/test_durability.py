"""SIGKILL at random points of a long scripted conversation: nothing told saved is lost, nothing doubles.

`cocrea chat` is the process under test (the same loop and storage path as `cocrea run`, minus the
network, and much faster to restart): its stdin is a pseudo-terminal, so it prints a "> " prompt once
each reply is out, which is how the driver knows the person has read it. The driver answers whatever
step the stored run is on (a button's number, or the question's example), like a person who reads the
screen, through the kits in KITS until at least STEPS lines were typed. At KILLS random moments (right
after a line was typed, a random instant later) the process gets SIGKILL and is started again.

Checked after each restart and at the end: every answer whose reply the person saw is in the stored run
of that kit; no commitment, milestone or indicator exists twice. CI: 5 kills over >= 200 lines; set
COCREA_DURABILITY_KILLS (e.g. 25) for more, as `make bench` can.
"""

from __future__ import annotations

import json
import os
import pty
import random
import signal
import sqlite3
import subprocess
import termios
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flows.state import DONE, RunState
from flows.turn import Turn
from tests.bot.conftest import cocrea_command, cocrea_env
from tests.hardening.conftest import CONTENT

KILLS = int(os.environ.get("COCREA_DURABILITY_KILLS", "5"))
STEPS = int(os.environ.get("COCREA_DURABILITY_STEPS", "200"))
KEY = "cli:durable"
# Kit 8 only once: a second pass on the same commitment would add the same example milestone again, on purpose.
KITS = ["kit5", "kit6", "kit8", "kit1", "kit2", "kit3", "kit4", "kit7", "autodiagnostico", "kit5", "kit6", "kit1",
        "kit2", "kit3", "kit4", "kit7", "kit1", "kit2", "kit3", "kit4", "kit7"]
BUTTONS = ("choice", "multi_choice", "yes_no")
faults = {"kills": 0, "lines": 0}


class Chat:
    """One `cocrea chat` process with a pseudo-terminal for stdin and a pipe for stdout."""

    def __init__(self, database: Path, cwd: Path) -> None:
        master, slave = pty.openpty()
        attributes = termios.tcgetattr(slave)
        attributes[3] &= ~termios.ECHO  # the terminal must not echo what the driver types
        termios.tcsetattr(slave, termios.TCSANOW, attributes)
        self.master = master
        self.process = subprocess.Popen(cocrea_command("chat", "--as", KEY, "--name", "Durable"), stdin=slave,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd,
                                        env=cocrea_env(database))
        os.close(slave)
        self.out = bytearray()
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        while chunk := self.process.stdout.read1(65536):
            with self.lock:
                self.out += chunk

    def prompted(self, mark: int) -> bool:
        with self.lock:
            return len(self.out) > mark and bytes(self.out).endswith(b"> ")

    def wait_prompt(self, mark: int) -> str:
        deadline = time.monotonic() + 120  # a hang guard, not a measurement
        while not self.prompted(mark):
            if self.process.poll() is not None:
                raise AssertionError(f"cocrea chat exited: {self.process.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            assert time.monotonic() < deadline, bytes(self.out[-2000:]).decode(errors="replace")
            time.sleep(0.005)
        with self.lock:
            return bytes(self.out[mark:]).decode("utf-8", errors="replace")

    def type(self, line: str) -> int:
        with self.lock:
            mark = len(self.out)
        os.write(self.master, (line + "\n").encode("utf-8"))
        return mark

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        os.close(self.master)

    def close(self) -> None:
        os.write(self.master, b"\x04")  # Ctrl-D at the start of a line: end of input, the chat exits 0
        code = self.process.wait(timeout=60)
        os.close(self.master)
        assert code == 0, self.process.stderr.read().decode()[-2000:]  # type: ignore[union-attr]


def current(database: Path) -> tuple[str, dict[str, Any]] | None:
    """The active run's flow and state, read straight from the file."""
    with sqlite3.connect(database) as db:
        row = db.execute(
            "SELECT r.flow_id, r.state FROM flow_runs r JOIN people p ON p.id = r.person_id "
            "WHERE p.key = ? AND r.status = 'active' ORDER BY r.updated_at DESC, r.id DESC LIMIT 1", (KEY,)).fetchone()
    return (str(row[0]), json.loads(row[1])) if row else None


def line_for(flow_id: str, state: dict[str, Any]) -> tuple[str, str | None]:
    """What a person reading the screen types at this step, and the answer name it saves."""
    step = CONTENT.flows[flow_id].steps[str(state["step_id"])]
    if step.type == "summary":
        return "1", None
    if step.get("answer") in BUTTONS or step.get("options_from") or step.get("options"):
        return "1", step.save_as
    # The example as the person reads it: «{{ today | dias_despues(30) }}» is a date on the screen.
    turn = Turn(CONTENT, CONTENT.flows[flow_id], RunState.from_json(state), datetime.now(UTC), {})
    return turn.render(step.get("example"), step.id), step.save_as


def stored_answers(database: Path) -> dict[int, tuple[str, dict[str, Any]]]:
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT r.id, r.flow_id, r.state FROM flow_runs r JOIN people p ON p.id = r.person_id "
                          "WHERE p.key = ?", (KEY,)).fetchall()
    return {int(i): (str(f), json.loads(s).get("answers", {})) for i, f, s in rows}


def run_id_of(database: Path) -> int | None:
    with sqlite3.connect(database) as db:
        row = db.execute("SELECT r.id FROM flow_runs r JOIN people p ON p.id = r.person_id WHERE p.key = ? "
                         "AND r.status = 'active' ORDER BY r.updated_at DESC, r.id DESC LIMIT 1", (KEY,)).fetchone()
    return int(row[0]) if row else None


def doubled(database: Path) -> list[Any]:
    with sqlite3.connect(database) as db:
        return [
            *db.execute("SELECT commitment_id, output, due_date, COUNT(*) FROM milestones "
                        "GROUP BY commitment_id, output, due_date HAVING COUNT(*) > 1").fetchall(),
            *db.execute("SELECT commitment_id, name, COUNT(*) FROM indicators "
                        "GROUP BY commitment_id, name HAVING COUNT(*) > 1").fetchall(),
        ]


def check_saved(database: Path, told: list[tuple[int, str]]) -> None:
    answers = stored_answers(database)
    lost = [(run, name) for run, name in told if name not in answers.get(run, ("", {}))[1]]
    assert lost == [], f"respuestas perdidas: {lost}"
    assert doubled(database) == [], f"registros duplicados: {doubled(database)}"


def test_sigkill_at_random_points_loses_nothing_told_saved_and_doubles_nothing(tmp_path: Path) -> None:
    database = tmp_path / "cocrea.db"
    rng = random.Random(int(os.environ.get("COCREA_DURABILITY_SEED", "20260302")))
    kill_at = set(rng.sample(range(5, STEPS), KILLS))
    told: list[tuple[int, str]] = []  # (run id, answer name) whose reply the person saw
    kits = iter(KITS)
    commitments_expected = 0
    chat = Chat(database, tmp_path)
    chat.wait_prompt(0)
    for _ in ("1", "Durable", "1"):  # the privacy notice, a name, a sector
        flow_state = current(database)
        assert flow_state is not None
        line, _name = line_for(*flow_state)
        chat.wait_prompt(chat.type(line))
    typed = 0
    while typed < STEPS or current(database) is not None and current(database)[0] != "menu":  # type: ignore[index]
        flow_state = current(database)
        if flow_state is None or flow_state[0] == "menu" or flow_state[1].get("status") == DONE:
            kit = next(kits)
            commitments_expected += kit == "kit5"
            line = "/autodiagnostico" if kit == "autodiagnostico" else f"/continuar {kit[3:]}"
            name, run = None, None
        else:
            line, name = line_for(*flow_state)
            run = run_id_of(database)
        mark = chat.type(line)
        typed += 1
        faults["lines"] += 1
        if typed in kill_at:
            time.sleep(rng.random() * 0.05)  # somewhere inside the handling of this line, or just after
            chat.kill()
            faults["kills"] += 1
            check_saved(database, told)
            chat = Chat(database, tmp_path)
            chat.wait_prompt(0)
            continue
        chat.wait_prompt(mark)
        if name is not None and run is not None:
            told.append((run, name))
    chat.close()
    check_saved(database, told)
    with sqlite3.connect(database) as db:
        commitments = db.execute("SELECT COUNT(*) FROM commitments").fetchone()[0]
    assert 1 <= commitments <= commitments_expected, (commitments, commitments_expected)
    assert faults["kills"] == KILLS and typed >= STEPS
    print(f"\n{typed} líneas, {faults['kills']} SIGKILL, {len(told)} respuestas verificadas, 0 perdidas")
