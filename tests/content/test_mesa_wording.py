"""A mesa técnica reads wording for a national or regional multi-actor table, not for an STL.

The kits are templated on `secretariat.kind`; for a mesa no text of any kit or of the
self-diagnosis may speak of a "Secretariado Técnico Local" or an "STL", nor send it to "tu
municipio", nor use municipal-only words (cabildo, regidor, presupuesto de egresos). Examples of
answers are set in a fictional municipality or are plainly illustrative.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from flows import templating
from flows.loader import load_checked
from flows.steps import REGISTRY
from flows.turn import Turn
from flows.walk import walk

CONTENT = load_checked()
FLOWS = sorted(f.id for f in CONTENT.kits()) + ["autodiagnostico"]
MESA = {"person": {"name": "Ana", "sector": "gobierno"},
        "secretariat": {"name": "Mesa Técnica de Gobierno Abierto de Paraguay", "kind": "mesa"}}
# Issue 19 item 8: municipal-only words too (a mesa has no cabildo, regidores nor a municipal
# «presupuesto de egresos», and its guarantor is not «el instituto de transparencia de tu estado»).
STL_WORDS = re.compile(
    r"Secretariado T[ée]cnico Local|\bSTL\b|tu municipio|tu propio municipio|\bcabildos?\b|\bregidor(?:a|es|as)?\b"
    r"|presupuesto de egresos|instituto de transparencia de tu estado",
    re.IGNORECASE)
# Phrases that may name an STL on purpose even for a mesa: an explicit example or comparison.
# Add one here only with the reason next to it.
ALLOWED: tuple[str, ...] = ()


def rendered_texts(flow_id: str) -> list[tuple[str, str, str]]:
    """Every text of every step (message, question, help, example, summary, end), as a mesa reads it,
    with the answers of a whole walk so summaries and conditional texts have something to show."""
    done = walk(CONTENT, flow_id, context=MESA)
    flow = CONTENT.flows[flow_id]
    variables = Turn(CONTENT, flow, done.state, datetime.now(UTC), MESA).variables()
    found = [(step.id, key, templating.render(source, variables))
             for step in flow.steps.values() for key, source in REGISTRY[step.type].texts(step)]
    return found + [("(recorrido)", "text", text) for text in done.texts]


def allowed_removed(text: str) -> str:
    for phrase in ALLOWED:
        text = text.replace(phrase, "…")
    return text


@pytest.mark.parametrize("flow_id", FLOWS)
def test_a_mesa_never_reads_about_a_local_secretariat(flow_id: str) -> None:
    wrong = [f"{step}.{key}: «{match.group(0)}» en …{text[max(0, match.start() - 60):match.end() + 40]}…"
             for step, key, full in rendered_texts(flow_id)
             for text in [allowed_removed(full)]
             for match in [STL_WORDS.search(text)] if match]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("flow_id", ["kit1", "kit2"])
def test_an_stl_still_reads_about_its_secretariat(flow_id: str) -> None:
    stl = {**MESA, "secretariat": {"name": "STL de Xalapa", "kind": "stl"}}
    texts = " ".join(walk(CONTENT, flow_id, context=stl).texts)
    mesa = " ".join(walk(CONTENT, flow_id, context=MESA).texts)
    assert "secretariado" in texts
    assert "mesa técnica" in mesa and "mesa técnica" not in texts
