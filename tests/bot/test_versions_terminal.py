"""Through the terminal channel: a commitment in review is frozen for every kit, and the history shows
who wrote what."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.bot.conftest import ChatRunner
from tests.bot.test_terminal import GOLDEN_NOW

GOLDEN = Path(__file__).resolve().parent.parent / "golden"


def test_kit_8_on_a_commitment_in_review_is_refused_and_the_history_shows_each_change(
        run_cocrea: ChatRunner, database: Path) -> None:
    kit6 = (GOLDEN / "kit6.in").read_text(encoding="utf-8").splitlines()  # Kit 5, then Kit 6
    kit8 = (GOLDEN / "kit8.in").read_text(encoding="utf-8").splitlines()
    result = run_cocrea("chat", "--as", "cli:lupita", "--now", GOLDEN_NOW, stdin="\n".join(kit6) + "\n")
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(database) as db:  # coordination sent it to review meanwhile
        db.execute("UPDATE commitments SET status = 'en_revision'")
        before = db.execute("SELECT fields FROM commitments").fetchone()[0]
    result = run_cocrea("chat", "--as", "cli:lupita", "--now", GOLDEN_NOW,
                        stdin="\n".join([*kit8[kit8.index("/kits", 17):], "/compromiso 1 historial"]) + "\n")
    assert result.returncode == 0, result.stderr
    assert "No guardé esto: El compromiso 1 está en revisión" in result.stdout
    assert "/estado 1 borrador" in result.stdout and "Tus respuestas siguen aquí" in result.stdout
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT fields FROM commitments").fetchone()[0] == before
        assert db.execute("SELECT count(*) FROM milestones").fetchone()[0] == 0
    history = result.stdout[result.stdout.index("📜 Historial de «Agua con horarios claros en Zapopan»"):]
    assert "Lo anterior: /compromiso 1 historial " in history  # the newest page first
    assert "Lupita (Kit 6) cambió Metas ODS" in history  # the last change, and the kit that made it
    assert json.loads(before)["objective"].startswith("Que para 2027")
