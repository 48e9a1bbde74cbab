"""The glossary answers «glosario TÉRMINO» and «¿qué es …?», forgiving accents, case and typos."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from flows.glossary import Glossary, check_glossary, clean_query, load_glossary
from flows.loader import default_content_dir, load
from tests.flows.conftest import content_dir

GLOSSARY, PROBLEMS = load_glossary(default_content_dir())

REQUIRED_TERMS = [
    "gobierno abierto", "transparencia", "transparencia proactiva", "acceso a la información", "datos abiertos",
    "rendición de cuentas", "participación ciudadana", "cocreación", "STL", "mesa técnica multiactor",
    "Plan de Acción Local", "compromiso", "hito", "indicador", "línea base", "meta", "meta de un indicador",
    "meta ODS", "ODS", "Agenda 2030", "OGP", "Alianza para el Gobierno Abierto", "IRM",
    "Mecanismo de Revisión Independiente", "nivel de cumplimiento", "potencial de resultados",
    "organismo garante", "sociedad civil", "núcleo de sociedad civil", "sujeto obligado",
    "solicitud de información", "Plataforma Nacional de Transparencia", "árbol de problemas", "causa", "efecto",
    "problema público", "población afectada", "actores clave", "mapa de actores", "teoría de cambio",
    "seguimiento", "evaluación", "autodiagnóstico", "cabildo", "presupuesto participativo", "contraloría social",
    "protección de datos personales", "derechos ARCO", "consentimiento", "evidencia", "frecuencia",
    "plan estratégico",
]


def shipped() -> Glossary:
    assert GLOSSARY is not None
    return GLOSSARY


def test_the_shipped_glossary_is_clean_and_has_at_least_45_terms() -> None:
    assert PROBLEMS == []
    assert len(shipped()) >= 45
    content, problems = load()
    assert content.glossary is not None and len(content.glossary) == len(shipped())
    assert not [p for p in problems if "glossary" in p.file]


@pytest.mark.parametrize("name", REQUIRED_TERMS)
def test_every_term_the_kits_use_is_defined(name: str) -> None:
    entry = shipped().get(name)
    assert entry is not None, name
    assert 20 <= len(entry.definition) <= 600, entry.term
    assert all(related.term != entry.term for related in shipped().related(entry))


def test_facts_that_must_be_right() -> None:
    ogp = shipped().lookup("OGP").entry
    assert ogp is not None and "2011" in ogp.definition and "México" in ogp.definition
    assert "ocho" in ogp.definition
    arco = shipped().lookup("ARCO").entry
    assert arco is not None
    for word in ("Acceso", "Rectificación", "Cancelación", "Oposición"):
        assert word in arco.definition
    completion = shipped().lookup("nivel de cumplimiento").entry
    assert completion is not None
    for level in ("no iniciado", "limitado", "sustancial", "completo"):
        assert level in completion.definition
    meta = shipped().lookup("meta").entry
    assert meta is not None and "indicador" in meta.definition and "ODS" in meta.definition


@pytest.mark.parametrize(
    ("query", "term"),
    [
        ("glosario línea base", "línea base"),
        ("línea base", "línea base"),
        ("LINEA BASE", "línea base"),
        ("¿qué es la línea base?", "línea base"),
        ("que es la linea base", "línea base"),
        ("que es un hito", "hito"),
        ("¿Qué es un hito?", "hito"),
        ("qué significa ODS", "ODS"),
        ("/glosario ods", "ODS"),
        ("¿Qué son los indicadores?", "indicador"),
        ("que es el STL", "Secretariado Técnico Local"),
        ("secretariado tecnico local", "Secretariado Técnico Local"),
        ("¿qué es la cocreación?", "cocreación"),
        ("co-creación", "cocreación"),
        ("qué quiere decir rendición de cuentas", "rendición de cuentas"),
        ("define arbol de problemas por favor", "árbol de problemas"),
        ("¿Qué es la Agenda 2030?", "Agenda 2030"),
        ("que es el IRM", "IRM"),
        ("derechos arco", "derechos ARCO"),
        ("meta ODS", "meta ODS"),
        ("¿qué son las metas ODS?", "meta ODS"),
    ],
)
def test_lookup_ignores_accents_case_and_question_forms(query: str, term: str) -> None:
    found = shipped().lookup(query)
    assert found.entry is not None, (query, found)
    assert found.entry.term == term
    assert found.found and found.suggestions == ()


def test_a_typo_gets_the_closest_terms() -> None:
    found = shipped().lookup("linea vase")
    assert found.entry is None
    assert found.suggestions[0].term == "línea base"
    found = shipped().lookup("¿qué es un indicadr?")
    assert found.entry is None and found.query == "indicadr"
    assert found.suggestions[0].term == "indicador"
    assert 1 <= len(found.suggestions) <= 3


def test_part_of_a_term_suggests_the_terms_that_contain_it() -> None:
    terms = [e.term for e in shipped().lookup("gobierno").suggestions]
    assert "gobierno abierto" in terms and len(terms) <= 3
    terms = [e.term for e in shipped().lookup("que es la linea base del indicador").suggestions]
    assert {"línea base", "indicador"} <= set(terms)


def test_nothing_close_and_nothing_asked() -> None:
    assert shipped().lookup("zxqwv").suggestions == ()
    for query in ("glosario", "¿qué es?", "  "):
        found = shipped().lookup(query)
        assert found.query == "" and found.entry is None and found.suggestions == ()


def test_clean_query_keeps_the_words_of_the_term() -> None:
    assert clean_query("¿Qué es el Plan de Acción Local?") == "plan de accion local"
    assert clean_query("Glosario: Datos abiertos.") == "datos abiertos"
    assert clean_query("de") == ""


BROKEN = """\
format: 1
id: glosario
terms:
  - term: hito
    definition: Un resultado con fecha.
    see_also: [indicador, compromiso]
  - term: indicador
    aliases: [medida]
    definition: ""
  - term: Hito
    definition: Otra vez el mismo.
  - term: métrica
    aliases: [MEDIDA]
    definition: Una medida.
    sinonimos: [cifra]
"""


def write_glossary(tmp_path: Path, text: str) -> Path:
    root = content_dir(tmp_path, {})
    (root / "glossary.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def test_broken_glossary_reports_every_problem_at_its_line(tmp_path: Path) -> None:
    root = write_glossary(tmp_path, BROKEN)
    found = [str(p) for p in check_glossary(root)]
    expected = [
        "content/glossary.yaml:6: `see_also` de 'hito' apunta a 'compromiso', que no está en el glosario",
        "content/glossary.yaml:9: el término 'indicador' no tiene `definition`",
        "content/glossary.yaml:10: 'Hito' ya es término o alias de 'hito' (línea 4)",
        "content/glossary.yaml:13: 'MEDIDA' ya es término o alias de 'indicador' (línea 8)",
        "content/glossary.yaml:15: clave desconocida `sinonimos`",
    ]
    for line in expected:
        assert any(p.startswith(line) for p in found), (line, found)
    assert len(found) == len(expected), found


def test_content_check_includes_the_glossary(tmp_path: Path) -> None:
    root = write_glossary(tmp_path, BROKEN)
    content, problems = load(root)
    assert content.glossary is not None and len(content.glossary) == 4
    assert any(p.file == "content/glossary.yaml" and p.line == 6 for p in problems)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("format: 2\nterms: []\n", 1, "`format` debe ser 1"),
        ("format: 1\nterms: [\n", 3, "YAML inválido"),
        ("format: 1\nterms: {}\n", 2, "`terms` debe ser una lista"),
        ("format: 1\nterms:\n  - definition: sin nombre\n", 3, "falta `term`"),
        ("format: 1\nterms:\n  - term: x\n    definition: y\n    aliases: uno\n", 5, "`aliases` de 'x'"),
    ],
)
def test_malformed_glossaries(tmp_path: Path, text: str, line: int, message: str) -> None:
    found = [str(p) for p in check_glossary(write_glossary(tmp_path, text))]
    assert any(p.startswith(f"content/glossary.yaml:{line}:") and message in p for p in found), found


def test_a_content_folder_without_glossary_is_fine(tmp_path: Path) -> None:
    root = content_dir(tmp_path, {})
    assert load_glossary(root) == (None, [])
    assert load(root)[0].glossary is None
