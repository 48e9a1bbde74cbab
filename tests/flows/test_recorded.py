"""What a member reads of a commitment on opening a kit (flows/recorded.py): every value in words."""

from __future__ import annotations

from flows.fields import COMMITMENT
from flows.loader import load_checked
from flows.recorded import summary_lines

CONTENT = load_checked()


def test_kit_7s_actors_read_as_people_and_supporting_actors_by_sector() -> None:
    record = {"fields": {
        "actors": [{"name": "Laura Méndez", "post": "Directora de Agua", "interest": "alto", "by": 3},
                   {"post": "Regidora de Hacienda", "influence": "alta", "by": 4}],
        "supporting_actors": {"sociedad_civil": "Comités vecinales"},
    }}
    lines = "\n".join(summary_lines(record, CONTENT))
    assert f"{COMMITMENT['actors'].label}: Laura Méndez, Directora de Agua, Regidora de Hacienda" in lines
    assert "Sociedad civil: Comités vecinales" in lines
    assert "name:" not in lines and "post:" not in lines and "by" not in lines.lower().split()
