"""The command line as operators and admins use it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from flows.loader import default_content_dir, load_checked
from tests.bot.conftest import ChatRunner, cocrea_env


def test_content_check_passes_on_the_shipped_content(run_cocrea: ChatRunner) -> None:
    result = run_cocrea("content", "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "contenido correcto" in result.stdout


def test_content_check_prints_one_line_per_mistake_and_exits_1(run_cocrea: ChatRunner, tmp_path: Path) -> None:
    copy = tmp_path / "content"
    shutil.copytree(default_content_dir(), copy)
    kit5 = copy / "kits" / "kit5.yaml"
    text = kit5.read_text(encoding="utf-8")
    lines = text.splitlines()
    # Three distinct mistakes: an unknown step kind, a dangling `next`, an undefined variable.
    first_end = next(i for i, line in enumerate(lines) if line.strip() == "type: end")
    lines[first_end] = lines[first_end].replace("type: end", "type: final")
    first_question = next(i for i, line in enumerate(lines) if line.strip() == "type: question")
    lines.insert(first_question + 1, lines[first_question].replace("type: question", "next: paso_que_no_existe"))
    lines = _with_undefined_variable(lines)
    kit5.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = run_cocrea("content", "check", str(copy))
    assert result.returncode == 1
    reported = [line for line in result.stdout.strip().splitlines() if ": aviso: " not in line]
    assert len(reported) == 3, result.stdout
    assert all(line.startswith("content/kits/kit5.yaml:") for line in reported)
    assert any("tipo de paso desconocido 'final'" in line for line in reported)
    assert any("'paso_que_no_existe', que no existe" in line for line in reported)
    assert any("variable no definida 'respuesta_perdida'" in line for line in reported)


def _with_undefined_variable(lines: list[str]) -> list[str]:
    """Put `{{ respuesta_perdida }}` at the start of the first message text, quoted or block."""
    for i, line in enumerate(lines):
        if re.match(r"^\s+text: ", line):
            if line.rstrip().endswith(("|", ">", "|-", ">-")):
                lines[i + 1] = re.sub(r"^(\s+)", r"\1{{ respuesta_perdida }} ", lines[i + 1])
            else:
                lines[i] = re.sub(r'text: (["\'])', r"text: \1{{ respuesta_perdida }} ", line, count=1)
            return lines
    raise AssertionError("no text to break")


def test_content_graph_prints_mermaid(run_cocrea: ChatRunner) -> None:
    result = run_cocrea("content", "graph", "kit5")
    assert result.returncode == 0
    assert result.stdout.startswith("flowchart TD")
    assert " --> " in result.stdout


def test_a_wrong_setting_stops_with_one_clear_line(run_cocrea: ChatRunner, database: Path) -> None:
    result = run_cocrea("chat", env=cocrea_env(database, COCREA_TIMEZONE="Mexico/Atlantida"))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Error de configuración: COCREA_TIMEZONE no es una zona horaria válida: 'Mexico/Atlantida'"
    ]


def test_db_upgrade_creates_the_database(run_cocrea: ChatRunner, database: Path) -> None:
    result = run_cocrea("db", "upgrade")
    assert result.returncode == 0, result.stderr
    assert database.exists()


def test_content_preview_runs_a_kit_without_a_database(run_cocrea: ChatRunner, database: Path) -> None:
    result = run_cocrea("content", "preview", "kit5", stdin="Mesas de trabajo\nAgua a tiempo\natrás\n")
    assert result.returncode == 0, result.stderr
    assert "Paso 1 de" in result.stdout and "Paso 2 de" in result.stdout
    assert "Tu respuesta anterior: «Agua a tiempo»" in result.stdout
    assert not database.exists()


def test_content_stats_lists_every_kit_with_its_figures(run_cocrea: ChatRunner) -> None:
    result = run_cocrea("content", "stats")
    assert result.returncode == 0, result.stderr
    lines = {line.split()[0]: line.split() for line in result.stdout.splitlines()[1:]}
    content = load_checked()
    for kit in content.kits():
        branches = sum(1 for s in kit.steps.values() if s.type == "branch")
        assert lines[kit.id][1:4] == [str(len(kit.steps)), str(len(kit.question_ids)), str(branches)]
        assert float(lines[kit.id][4]) > 2  # minutes


def test_the_privacy_notice_names_the_data_controller_set_for_the_secretariat(run_cocrea: ChatRunner) -> None:
    """Issue 19 item 9: who is responsible for the data is a setting of each secretariat."""
    assert run_cocrea("db", "upgrade").returncode == 0
    controller = "la Contraloría Municipal de Villa Esperanza (municipio ficticio)"
    added = run_cocrea("secretariat", "add", "STL de prueba", "--data-controller", controller)
    assert added.returncode == 0, added.stderr
    first = run_cocrea("chat", "--as", "cli:ana")
    assert f"Responsable de tus datos: {controller}." in first.stdout

    cleared = run_cocrea("secretariat", "set", "STL de prueba", "--data-controller", "")
    assert cleared.returncode == 0, cleared.stderr
    assert "responsable de los datos: la coordinación de STL de prueba" in cleared.stdout
    second = run_cocrea("chat", "--as", "cli:beto")
    assert "Responsable de tus datos: la coordinación de STL de prueba." in second.stdout

    unknown = run_cocrea("secretariat", "set", "STL de nadie", "--data-controller", "alguien")
    assert unknown.returncode == 1 and "No existe el secretariado" in unknown.stderr
