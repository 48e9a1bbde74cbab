"""Issue 16's journey through the terminal channel (`cocrea chat` as a process): Lupita (sociedad civil)
writes the commitment with Kits 5, 6 and 8, Rogelio (gobierno) with Kit 5 and the coordination; it goes
to review, both sectors sign the same version, it is approved, the acta names the version, and the
history names who changed what with which kit."""

from __future__ import annotations

from pathlib import Path

from tests.bot.conftest import ChatRunner
from tests.bot.test_terminal import GOLDEN_NOW

GOLDEN = Path(__file__).resolve().parent.parent / "golden"


def script(kit: int) -> list[str]:
    return (GOLDEN / f"kit{kit}.in").read_text(encoding="utf-8").splitlines()


def test_two_sectors_sign_the_same_version_and_the_acta_and_history_say_so(run_cocrea: ChatRunner) -> None:
    kit8 = script(8)
    kit8 = kit8[kit8.index("/kits"):-1]
    measured = kit8.index("Pendiente de medir")  # the second indicator's baseline known today, so review may go
    kit8[measured:measured + 2] = ["Sí, tenemos el dato", "0"]
    lupita = [*script(6), *kit8]  # Kits 5 and 6, then Kit 8 on the same commitment
    result = run_cocrea("chat", "--as", "cli:lupita", "--now", GOLDEN_NOW, stdin="\n".join(lupita) + "\n")
    assert result.returncode == 0, result.stderr
    assert "el compromiso ya tiene fechas, 2 hitos, 2 indicadores" in result.stdout

    sign = ["/firmar", "1", "Lo apruebo", "saltar"]
    # Rogelio joins for government (the terminal's people coordinate its one secretariat), sends it, signs
    rogelio = ["sí", "Rogelio", "Gobierno", "/revision 1", *sign]
    result = run_cocrea("chat", "--as", "cli:rogelio", "--now", GOLDEN_NOW, stdin="\n".join(rogelio) + "\n")
    assert result.returncode == 0, result.stderr
    assert "Es la versión 1" in result.stdout and "Registré tu decisión" in result.stdout

    pages = [f"/compromiso 1 historial {page}" for page in range(1, 7)]
    result = run_cocrea("chat", "--as", "cli:lupita", "--now", GOLDEN_NOW,
                        stdin="\n".join([*sign, "/aprobar 1", *pages]) + "\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Versión aprobada: 1 (huella" in out and "Firmas de aprobación (todas sobre la versión 1):" in out
    assert "• Lupita (Sociedad civil)" in out and "• Rogelio (Gobierno)" in out
    assert "▸ Comités vecinales que revisan el reparto cada trimestre: de 0 a 30" in out
    history = out[out.index("📜 Historial de «Agua con horarios claros en Zapopan»"):]
    assert "página 6 de 6" in history  # every page asked
    assert "Lupita cambió Título (Kit 5)" in history and "Lupita cambió Metas ODS (Kit 6)" in history
    assert "Lupita cambió Plan de seguimiento (Kit 8)" in history
    assert "Rogelio (Gobierno) aprueba la versión 1" in history and "versión 1 aprobada" in history
