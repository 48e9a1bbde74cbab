"""Issue 19 item 3: no invented facts about real places. Examples are set in a fictional municipality
(«Villa Esperanza (municipio ficticio)») or say their data are made up; links use a reserved domain."""

from __future__ import annotations

import re

import pytest

from flows.loader import default_content_dir, load_checked
from flows.steps import REGISTRY

CONTENT = load_checked()
REAL_PLACES = re.compile(
    r"Xalapa|Zapopan|Puebla|Monterrey|Oaxaca de Juárez|Guadalajara|Veracruz|SIAPA|UANL|Coparmex|Canaco", re.I)
# A real place may be named for a sourced fact (a YAML comment says where it comes from), never for
# an invented one: the indigenous languages spoken there (kit2 `accesibilidad`, INALI).
SOURCED = {("kit2", "accesibilidad")}


@pytest.mark.parametrize("flow_id", sorted(CONTENT.flows))
def test_no_text_puts_invented_facts_in_a_real_place(flow_id: str) -> None:
    flow = CONTENT.flows[flow_id]
    wrong = [f"{flow_id}.{step.id}.{key}: «{match.group(0)}»"
             for step in flow.steps.values() if (flow_id, step.id) not in SOURCED
             for key, text in REGISTRY[step.type].texts(step)
             for match in [REAL_PLACES.search(text)] if match]
    assert not wrong


def test_example_links_and_addresses_use_a_reserved_domain_not_a_real_government_one() -> None:
    for path in default_content_dir().rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        real = [d for d in re.findall(r"\b([a-z0-9-]+)\.gob\.mx", text) if d != "municipio"]  # generic, in ui.yaml
        assert real == [], path
        assert "zapopan.gob.mx" not in text and "oaxacadejuarez.gob.mx" not in text, path


def test_the_fictional_municipality_says_it_is_fictional() -> None:
    for flow_id in ("kit1", "kit4", "kit5", "kit8"):
        texts = " ".join(t for s in CONTENT.flows[flow_id].steps.values() for _, t in REGISTRY[s.type].texts(s))
        assert "Villa Esperanza" in texts and ("municipio ficticio" in texts or "un municipio ficticio" in texts)
