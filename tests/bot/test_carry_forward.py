"""Issue 19 item 6, as a member lives it: Kit 5 offers the problem written in Kit 1 instead of
asking it twice (the host reads the person's Kit 1 answers into the run's context)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.bot.conftest import ChatRunner
from tests.bot.test_terminal import GOLDEN_NOW

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
KIT1_PROBLEM = "En Tlaquepaque la basura se recoge sin horario y nadie sabe a quién reclamar."


def kit5_answers(database: Path) -> dict[str, object]:
    with sqlite3.connect(database) as db:
        row = db.execute("SELECT state FROM flow_runs WHERE flow_id = 'kit5' ORDER BY id DESC").fetchone()
    return dict(json.loads(row[0])["answers"])


def test_kit_5_offers_kit_1s_problem_to_use_as_it_is(run_cocrea: ChatRunner, database: Path) -> None:
    kit1 = (GOLDEN / "kit1.in").read_text(encoding="utf-8").splitlines()
    assert KIT1_PROBLEM in kit1
    lines = [*kit1, "/kits", "5", "Mesas de trabajo y Encuesta", "Agua con horarios claros", "Usarlo tal cual"]
    result = run_cocrea("chat", "--as", "cli:ana", "--now", GOLDEN_NOW, stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    assert f"En el Kit 1 escribiste: «{KIT1_PROBLEM}». ¿Lo usamos tal cual o lo ajustas?" in result.stdout
    assert kit5_answers(database)["problema"] == KIT1_PROBLEM


def test_a_person_who_skipped_kit_1_is_asked_the_problem_as_usual(run_cocrea: ChatRunner, database: Path) -> None:
    kit5 = (GOLDEN / "kit5.in").read_text(encoding="utf-8").splitlines()[:7]
    result = run_cocrea("chat", "--as", "cli:rogelio", "--now", GOLDEN_NOW, stdin="\n".join(kit5) + "\n")
    assert result.returncode == 0, result.stderr
    assert "¿Cuál es el problema público que quieren resolver?" in result.stdout
    assert "escribiste" not in result.stdout and "Usarlo tal cual" not in result.stdout
