"""Issue 19 item 4 as a member lives it in the terminal: Kit 5's «¿qué es el compromiso?» reaches
every export, a commitment with only technology and innovation is questioned kindly, Kit 7 saves its
map of actors to the commitment chosen, and Kit 8's baseline «pendiente de medir» keeps its date."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.bot.conftest import ChatRunner
from tests.bot.test_terminal import GOLDEN_NOW

GOLDEN = Path(__file__).resolve().parent.parent / "golden"


def _lines(name: str) -> list[str]:
    return (GOLDEN / f"{name}.in").read_text(encoding="utf-8").splitlines()


def _chat(run_cocrea: ChatRunner, lines: list[str]) -> str:
    result = run_cocrea("chat", "--as", "cli:lupita", "--now", GOLDEN_NOW, stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    return result.stdout


def _kit5(title: str) -> list[str]:
    """Kit 5 as Kit 6's transcript answers it (values: transparency and participation), titled `title`."""
    kit6 = _lines("kit6")
    lines = kit6[3:kit6.index("Confirmar") + 1]  # from «5» to Kit 5's «Confirmar»
    lines[lines.index("Agua con horarios claros en Zapopan")] = title
    return lines


def test_kit_5s_description_reaches_the_card_and_every_export(run_cocrea: ChatRunner, database: Path) -> None:
    said = _chat(run_cocrea, [*_lines("kit5"), "/compromiso 1"])
    description = ("La comisión de agua publicará cada semana el calendario de tandeo por colonia y responderá "
                   "los reportes del buzón en 10 días.")
    card = said[said.rindex("Compromiso 1:"):]
    assert f"Descripción del compromiso: {description}" in card
    assert "Quiénes participaron: Unas 45 personas" in card and "Presupuesto y recursos: Con datos inventados" in card
    exports = {}
    for fmt in ("md", "ogp", "json", "csv"):
        exported = run_cocrea("export", "1", "--format", fmt)
        assert exported.returncode == 0, exported.stderr
        exports[fmt] = exported.stdout
    assert f"**Descripción:** {description}" in exports["md"] and "**Descripción:** —" not in exports["md"]
    assert f"**1. ¿Qué es el compromiso?**\n\n{description}" in exports["ogp"]
    assert "**Criterios para priorizar el problema:** Votamos en la tercera mesa" in exports["ogp"]
    fields = json.loads(exports["json"])["commitments"][0]["fields"]
    assert fields["description"] == description and fields["budget"].startswith("Con datos inventados")
    assert exports["csv"].splitlines()[0].startswith("secretariado,")  # one row a report: none yet
    xlsx = run_cocrea("export", "1", "--format", "xlsx", "-o", "plan.xlsx")
    assert xlsx.returncode == 0, xlsx.stderr


def test_only_technology_and_innovation_is_questioned_and_the_values_asked_again(
    run_cocrea: ChatRunner, database: Path
) -> None:
    said = _chat(run_cocrea, _lines("kit5"))
    warning = "Elegiste solo Tecnología e innovación"
    assert said.count(warning) == 1
    after = said[said.index(warning):]
    # «Volver a elegir» asks the values again; the IRM's question of each value chosen is shown
    assert "¿Qué valores del Gobierno Abierto atiende esta propuesta?" in after
    assert "• Transparencia: ¿El compromiso hace pública información" in after
    with sqlite3.connect(database) as db:
        fields = json.loads(db.execute("SELECT fields FROM commitments").fetchone()[0])
    assert fields["ogp_values"] == ["transparencia", "participacion_ciudadana"]
    # Two values, technology not alone: no warning
    assert warning not in _chat(run_cocrea, ["/kits", *_kit5("Otro compromiso")])


def test_kit_7_saves_several_actors_to_the_commitment_chosen(run_cocrea: ChatRunner, database: Path) -> None:
    kit7 = _lines("kit7")
    start = kit7.index("7", kit7.index("/kits"))  # Kit 7 itself, after the transcript's Kit 5
    assert kit7[start + 1] == "1"
    lines = ["sí", "Beatriz", "Sociedad civil", *_kit5("Primer compromiso"), "/kits", *_kit5("Segundo compromiso"),
             "/kits", "7", "2", *kit7[start + 2:]]  # the map goes to the second one
    said = _chat(run_cocrea, lines)
    # Correcting the interest in the round's summary changes the quadrant, and its advice is shown again
    corrected = said[said.index("> Bajo"):]
    assert "🎯 Cuadrante: convencer" in corrected[:corrected.index("> Confirmar")]
    with sqlite3.connect(database) as db:
        rows = dict(db.execute("SELECT id, fields FROM commitments ORDER BY id").fetchall())
    first, second = json.loads(rows[1]), json.loads(rows[2])
    assert "actors" not in first and "key_message" not in first
    actors = second["actors"]
    assert [(a["name"], a["post"], a["interest"], a["influence"]) for a in actors] == [
        ("Laura Méndez (nombre inventado)", "Directora del organismo operador de agua", "bajo", "alta"),
        (None, "Jefa del departamento de cultura del agua del organismo", "alto", "baja"),
    ]
    assert second["key_moment"] == "presupuesto_egresos" and second["key_message"].startswith("«Con datos")
    card = _chat(run_cocrea, ["/compromiso 2"])
    assert "Mapa de actores clave:" in card
    assert ("Laura Méndez (nombre inventado), Directora del organismo operador de agua (interés bajo, "
            "influencia alta). Estrategia: Invitarla") in card
    assert "Jefa del departamento de cultura del agua del organismo (interés alto, influencia baja)" in card
    assert "Momento oportuno: Elaboración del presupuesto" in card
    ogp = run_cocrea("export", "1", "--format", "ogp")
    assert "**Mapa de actores clave:** Laura Méndez" in ogp.stdout


def test_a_baseline_pending_with_its_date_shows_on_the_card_and_in_the_exports(
    run_cocrea: ChatRunner, database: Path
) -> None:
    said = _chat(run_cocrea, _lines("kit8"))
    card = said[said.rindex("Compromiso 1:"):]
    pending = card[card.index("• Comités vecinales que revisan el reparto cada trimestre"):]
    assert pending.splitlines()[1].strip() == "Línea base pendiente de medir (medirla para el 30/04/2027)"
    # the indicator whose baseline is known says nothing of the kind
    known = card[card.index("• Colonias con horario"):card.index("• Comités vecinales")]
    assert "pendiente" not in known
    md = run_cocrea("export", "1", "--format", "md").stdout
    assert "| pendiente de medir (para el 30 de abril de 2027) |" in md
    document = json.loads(run_cocrea("export", "1", "--format", "json").stdout)
    assert [i["baseline_due"] for i in document["commitments"][0]["indicators"]] == [None, "2027-04-30"]
    # The nudge for an outcome indicator was given once: every indicator measured a delivery
    assert said.count("¿Alguno mide un resultado") == 1 and "Les sugiero sumar uno." in said
