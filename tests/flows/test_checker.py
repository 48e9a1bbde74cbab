"""The checker reports every problem at once, each as `file:line: message`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from flows.checker import check
from flows.errors import ContentInvalid
from flows.loader import load, load_checked
from tests.flows.conftest import content_dir

GOOD = """\
format: 1
id: prueba
kind: flow
title: Prueba
steps:
  - id: titulo
    type: question
    answer: short_text
    text: "¿Cómo se llama el compromiso?"
    help: "Para nombrarlo."
    example: "Agua a tiempo"
  - id: fin
    type: end
    text: "Gracias por {{ answers.titulo }}."
"""


def problems_of(tmp_path: Path, text: str, severity: str = "error") -> list[str]:
    content, problems = load(content_dir(tmp_path, {"prueba": text}))
    return [str(p) for p in problems + check(content) if p.severity == severity]


def test_the_shipped_content_has_no_errors() -> None:
    content, problems = load()
    errors = [p for p in problems + check(content) if p.severity == "error"]
    assert errors == []
    assert {"inicio", "menu", "kit1", "kit5"} <= set(content.flows)


def test_a_good_flow_passes(tmp_path: Path) -> None:
    assert problems_of(tmp_path, GOOD) == []


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        ("type: end", "type: despedida", 13, "tipo de paso desconocido 'despedida'"),
        ("answer: short_text", "answer: texto", 8, "tipo de respuesta desconocido 'texto'"),
        ("    example: \"Agua a tiempo\"\n", "    example: \"Agua a tiempo\"\n    next: cierre\n", 12,
         "apunta a 'cierre', que no existe"),
        ("{{ answers.titulo }}", "{{ answers.nombre }}", 14, "variable no definida 'answers.nombre'"),
        ("{{ answers.titulo }}", "{{ usuario }}", 14, "variable no definida 'usuario'"),
        ("{{ answers.titulo }}", "{{ answers.titulo ", 14, "error en la plantilla"),
        ("  - id: fin", "  - id: titulo", 12, "id de paso duplicado 'titulo'"),
        ("format: 1", "format: 7", 1, "`format` debe ser 1"),
        ("    help: \"Para nombrarlo.\"\n", "    help: \"Para nombrarlo.\"\n    help: \"Otra vez.\"\n", 11,
         "la clave `help` está repetida"),
        ("title: Prueba", "title: [Prueba", 5, "YAML inválido"),
    ],
)
def test_each_mistake_is_reported_at_its_line(tmp_path: Path, old: str, new: str, line: int,
                                               message: str) -> None:
    broken = GOOD.replace(old, new)
    assert broken != GOOD
    found = problems_of(tmp_path, broken)
    assert any(p.startswith(f"content/flows/prueba.yaml:{line}:") and message in p for p in found), found


def test_unreachable_step_and_bad_catalog(tmp_path: Path) -> None:
    text = GOOD + """\
  - id: huerfano
    type: question
    answer: choice
    options_from: colores
    text: "¿Nadie llega aquí?"
    help: "No."
    example: "1"
"""
    found = problems_of(tmp_path, text)
    assert any(":15:" in p and "inalcanzable" in p for p in found), found
    assert any(":18:" in p and "catálogo desconocido 'colores'" in p for p in found), found


def test_a_flow_that_runs_off_its_last_step(tmp_path: Path) -> None:
    text = GOOD.split("  - id: fin")[0]
    found = problems_of(tmp_path, text)
    assert any("termina con un paso end" in p for p in found), found


def test_record_fields_must_exist(tmp_path: Path) -> None:
    text = GOOD.replace("  - id: fin", """\
  - id: guardar
    type: record
    record: commitment
    fields:
      titulo_largo: titulo
      title: respuesta_inexistente
  - id: fin""")
    found = problems_of(tmp_path, text)
    assert any("no tiene el campo 'titulo_largo'" in p for p in found), found
    assert any("ninguna pregunta guarda 'respuesta_inexistente'" in p for p in found), found


def test_warnings_inform_without_refusing_the_content(tmp_path: Path) -> None:
    text = GOOD.replace("    help: \"Para nombrarlo.\"\n", "").replace("{{ answers.titulo }}", "todo")
    text = text.replace("    text: \"Gracias por todo.\"", "    text: \"" + "Gracias. " * 80 + "\"")
    assert problems_of(tmp_path, text) == []
    warnings = problems_of(tmp_path / "w", text, "warning")
    assert any(":6: aviso: la pregunta 'titulo' no tiene `help`" in w for w in warnings), warnings
    assert any(":6: aviso: la respuesta 'titulo' se guarda pero ningún" in w for w in warnings), warnings
    assert any(":13: aviso: el mensaje 'fin' tiene 720 caracteres" in w for w in warnings), warnings
    load_checked(content_dir(tmp_path / "ok", {"prueba": text}))  # accepted


def test_three_distinct_mistakes_give_three_lines(tmp_path: Path) -> None:
    broken = (GOOD.replace("type: end", "type: fin_del_kit")
              .replace("answer: short_text", "answer: texto_corto")
              .replace("    example: \"Agua a tiempo\"\n", "    example: \"Agua a tiempo\"\n    next: nada\n"))
    found = problems_of(tmp_path, broken)
    assert len(found) == 3, found
    assert all(re.match(r"^content/flows/prueba\.yaml:\d+: ", p) for p in found)
    with pytest.raises(ContentInvalid) as caught:
        load_checked(content_dir(tmp_path / "otra", {"prueba": broken}))
    assert len(caught.value.problems) == 3


def test_missing_ui_texts_are_named(tmp_path: Path) -> None:
    root = content_dir(tmp_path, {"prueba": GOOD})
    ui = root / "ui.yaml"
    ui.write_text(ui.read_text(encoding="utf-8").replace("  cannot_skip:", "  no_se_puede:"), encoding="utf-8")
    content, problems = load(root)
    assert any("falta el texto `texts.cannot_skip`" in str(p) for p in check(content))


def test_sandbox_refuses_attribute_tricks(tmp_path: Path) -> None:
    from flows import templating

    with pytest.raises(templating.TemplateProblem):
        templating.render("{{ ''.__class__.__mro__[1].__subclasses__() }}", {})


def test_a_misspelled_key_is_a_warning_at_its_line(tmp_path: Path) -> None:
    text = GOOD.replace('    help: "Para nombrarlo."', '    hepl: "Para nombrarlo."')
    warnings = problems_of(tmp_path, text, "warning")
    assert any(":10: aviso: el paso 'titulo' (question) no usa la clave `hepl`" in w for w in warnings), warnings


RUN = """\
format: 1
id: prueba
kind: flow
title: Prueba
steps:
  - id: uno
    type: message
    text: "{uno}"
  - id: dos
    type: message
    text: "{dos}"
  - id: titulo
    type: question
    answer: short_text
    text: "¿Listo?"
    help: "Para seguir."
    example: "Sí"
  - id: fin
    type: end
    text: "Gracias por {{{{ answers.titulo }}}}."
"""


def run_of(total: int) -> str:
    """Two messages and a question that, together, are `total` characters long."""
    first = (total - len("¿Listo?")) // 2
    return RUN.format(uno="a" * first, dos="b" * (total - len("¿Listo?") - first))


def test_a_run_of_901_characters_between_two_waits_warns_with_the_count_at_its_line(tmp_path: Path) -> None:
    warnings = problems_of(tmp_path, run_of(901), "warning")
    assert any(p.startswith("content/flows/prueba.yaml:8: aviso: desde 'uno' hasta 'titulo' se leen 901 caracteres")
               for p in warnings), warnings
    assert problems_of(tmp_path / "e", run_of(901)) == []  # a warning: the content is still accepted


def test_a_run_of_900_characters_does_not_warn(tmp_path: Path) -> None:
    assert [w for w in problems_of(tmp_path, run_of(900), "warning") if "seguidos" in w] == []


def test_a_run_counts_the_longest_way_through_a_branch_and_one_alternative_of_an_if(tmp_path: Path) -> None:
    text = RUN.replace("  - id: dos\n", """\
  - id: rama
    type: branch
    branches:
      - when: "person.name == 'Ana'"
        next: corto
    default: dos
  - id: corto
    type: message
    text: "Corto."
    next: titulo
  - id: dos
""").format(uno="{% if secretariat.kind == 'mesa' %}" + "m" * 500 + "{% else %}" + "s" * 300 + "{% endif %}",
            dos="b" * 394)
    warnings = [w for w in problems_of(tmp_path, text, "warning") if "seguidos" in w]
    assert len(warnings) == 1 and "se leen 901 caracteres" in warnings[0], warnings  # 500 + 394 + 7


# A «¿seguimos?» button: a one-option question that waits for the person.
GO_ON = """\
  - id: seguimos
    type: question
    answer: choice
    text: "¿Seguimos?"
    options: [{value: si, label: "Sí, sigamos"}]
    help: "Para leer con calma."
    example: "Sí, sigamos"
"""


def test_questions_and_summaries_break_a_run(tmp_path: Path) -> None:
    text = RUN.format(uno="a" * 500, dos="b" * 500).replace("  - id: dos\n", GO_ON + "  - id: dos\n")
    assert [w for w in problems_of(tmp_path, text, "warning") if "seguidos" in w] == []


def test_a_go_on_button_is_not_an_unused_answer(tmp_path: Path) -> None:
    text = RUN.format(uno="Uno.", dos="Dos.").replace("  - id: dos\n", GO_ON + "  - id: dos\n")
    assert [w for w in problems_of(tmp_path, text, "warning") if "'seguimos'" in w] == []


def test_every_shipped_flow_reads_at_most_900_characters_between_two_waits() -> None:
    from flows.stats import LONGEST_RUN, flow_stats

    content, _ = load()
    too_long = {f.id: flow_stats(f).longest_run for f in content.flows.values()
                if flow_stats(f).longest_run > LONGEST_RUN}
    assert too_long == {}
    warnings = [str(p) for p in check(content) if "seguidos" in p.message]
    assert warnings == []


def test_the_shipped_content_is_clean_with_every_warning_on() -> None:
    """`cocrea content check` exits 0 on warnings (an admin's urgent fix still loads), so this test is
    what keeps the content the project ships free of them."""
    content, problems = load()
    assert [str(p) for p in problems + check(content)] == []
