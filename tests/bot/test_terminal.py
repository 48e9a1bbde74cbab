"""`cocrea chat` as a person uses it: golden transcripts, resuming, and surviving SIGKILL."""

from __future__ import annotations

import json
import os
import select
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from bot.terminal import read_input
from flows.events import Button
from flows.inputs import Command, Tap, Text
from tests.bot.conftest import ChatRunner, cocrea_command, cocrea_env

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
KIT5 = "Kit 5 · Definir compromisos de manera participativa"
GOLDEN_NOW = "2026-12-01T10:00"


def answers_in(database: Path, flow_id: str) -> dict[str, object]:
    with sqlite3.connect(database) as db:
        row = db.execute("SELECT state FROM flow_runs WHERE flow_id = ? ORDER BY id DESC", (flow_id,)).fetchone()
    return dict(json.loads(row[0])["answers"])


def test_a_typed_line_becomes_a_command_a_tap_or_text() -> None:
    buttons = (Button("Sí", "si"), Button("No", "no"))
    assert read_input("/progreso", buttons, "q") == Command("progreso")
    assert read_input("2", buttons, "q") == Tap("no", "q")
    assert read_input("si", buttons, "q") == Tap("si", "q")
    assert read_input("tal vez", buttons, "q") == Text("tal vez")


def test_control_characters_are_dropped_from_what_is_typed() -> None:
    buttons = (Button("Sí", "si"), Button("No", "no"))
    assert read_input("tal\x00 vez\x07", buttons, "q") == Text("tal vez")
    assert read_input("/borrar_mis_datos\x00 conf\x1birmar", buttons, "q") == Command("borrar_mis_datos", "confirmar")
    assert read_input("s\x00i", buttons, "q") == Tap("si", "q")
    assert read_input("roto \udcff", buttons, "q") == Text("roto \ufffd")  # a byte read with surrogateescape


@pytest.mark.parametrize("io_encoding", ["", "utf-8"])  # the locale's (surrogateescape), and strict UTF-8
def test_invalid_utf8_on_stdin_becomes_a_replacement_character(tmp_path: Path, database: Path,
                                                               io_encoding: str) -> None:
    typed = "sí\nAna\n2\nkit5\n1, 2\n".encode() + b"Agua\xff con\x00 horarios \xc3\n/progreso\n"
    result = subprocess.run(cocrea_command("chat"), input=typed, capture_output=True, timeout=120, cwd=tmp_path,
                            env=cocrea_env(database, PYTHONIOENCODING=io_encoding))
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert result.stderr == b""
    out = result.stdout.decode("utf-8")
    assert "algo falló" not in out and "Paso 3 de" in out and f"{KIT5}: en curso (paso 3 de" in out
    assert answers_in(database, "kit5")["titulo"] == "Agua\ufffd con horarios \ufffd"


@pytest.mark.parametrize("name", sorted(p.stem for p in GOLDEN.glob("*.in")))
def test_golden_transcript(name: str, run_cocrea: ChatRunner) -> None:
    # A fixed clock: examples of dates are relative to today, and past dates are questioned.
    result = run_cocrea("chat", "--as", f"cli:{name}", "--now", GOLDEN_NOW,
                        stdin=(GOLDEN / f"{name}.in").read_text(encoding="utf-8"))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    expected = GOLDEN / f"{name}.out"
    if os.environ.get("COCREA_UPDATE_GOLDEN"):
        expected.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == expected.read_text(encoding="utf-8")


def test_quit_and_come_back_to_the_same_step_with_the_answers(run_cocrea: ChatRunner, database: Path) -> None:
    first = run_cocrea("chat", stdin="sí\nAna\n2\nkit5\n1, 2\nAgua con horarios claros\n")
    assert first.returncode == 0 and "Paso 3 de" in first.stdout
    again = run_cocrea("chat", stdin="")
    assert again.returncode == 0
    assert f"Retomamos «{KIT5}» donde lo dejaste." in again.stdout
    assert "Paso 3 de" in again.stdout
    fixed = run_cocrea("chat", stdin="atrás\nAgua a tiempo\n/progreso\n")
    assert "Tu respuesta anterior: «Agua con horarios claros»" in fixed.stdout
    assert f"{KIT5}: en curso (paso 3 de" in fixed.stdout
    answers = answers_in(database, "kit5")
    assert answers["titulo"] == "Agua a tiempo"
    assert answers["mecanismos"] == ["consulta_publica", "mesas_de_trabajo"]


class Chat:
    """A live `cocrea chat` process fed one line at a time."""

    def __init__(self, cwd: Path, database: Path) -> None:
        self.process = subprocess.Popen(
            cocrea_command("chat"), cwd=cwd, env=cocrea_env(database), text=False,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )
        self.seen = b""

    def expect(self, text: str, timeout: float = 30) -> None:
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout
        while text.encode() not in self.seen:
            left = deadline - time.monotonic()
            assert left > 0, f"never saw {text!r}; got {self.seen.decode()[-500:]!r}"
            ready, _, _ = select.select([self.process.stdout], [], [], left)
            if ready:
                chunk = os.read(self.process.stdout.fileno(), 65536)
                assert chunk, f"the chat ended before {text!r}"
                self.seen += chunk

    def say(self, line: str, then: str) -> None:
        assert self.process.stdin is not None
        self.seen = b""
        self.process.stdin.write(line.encode() + b"\n")
        self.process.stdin.flush()
        self.expect(then)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def close(self) -> int:
        assert self.process.stdin is not None
        self.process.stdin.close()
        return self.process.wait(timeout=30)


def test_sigkill_between_two_steps_loses_nothing(tmp_path: Path, database: Path) -> None:
    chat = Chat(tmp_path, database)
    chat.expect("¿Aceptas el aviso de privacidad")
    chat.say("sí", "¿Cómo te gustaría que te llame?")
    chat.say("Ana", "¿desde qué sector participas")
    chat.say("Gobierno", "¿Con qué kit quieres empezar?")
    chat.say("kit5", "Paso 1 de")
    chat.say("1, 3", "Paso 2 de")
    chat.say("Agua con horarios claros", "Paso 3 de")
    chat.kill()

    chat = Chat(tmp_path, database)
    chat.expect(f"Retomamos «{KIT5}» donde lo dejaste.")
    chat.expect("Paso 3 de")
    chat.say("En 40 colonias del oriente de Xalapa el agua llega sin horario ni aviso.", "Paso 4 de")
    assert chat.close() == 0
    answers = answers_in(database, "kit5")
    assert answers == {
        "mecanismos": ["consulta_publica", "encuesta"],
        "titulo": "Agua con horarios claros",
        "problema": "En 40 colonias del oriente de Xalapa el agua llega sin horario ni aviso.",
    }
