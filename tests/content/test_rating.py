"""Issue 19 item 5: a rating that tells the truth. The count of filled fields is «completitud del
diseño»; the potential for results is the group's own judgement, with the IRM's definitions."""

from __future__ import annotations

from datetime import UTC, datetime

from flows.loader import default_content_dir, load_checked
from flows.walk import walk

CONTENT = load_checked()
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def test_nothing_calls_the_count_of_filled_fields_a_potential_for_results() -> None:
    for path in default_content_dir().rglob("*"):
        if path.is_file() and path.suffix in (".yaml", ".j2"):
            assert "provisional" not in path.read_text(encoding="utf-8").lower(), path
    assert "Completitud del diseño" in CONTENT.ui["bot"]["card_completeness"]


def test_kit5_asks_the_group_to_judge_the_potential_with_the_irm_scale_and_shows_it_in_the_summary() -> None:
    step = CONTENT.flows["kit5"].steps["ambicion"]
    assert [o.label for o in CONTENT.options_for(step)] == ["Poco claro", "Modesto", "Sustancial"]
    text = str(step.get("text"))
    assert "IRM" in text and all(word in text for word in ("Poco claro:", "Modesto:", "Sustancial:"))
    walked = walk(CONTENT, "kit5", NOW)
    summary = next(t for t in walked.texts if t.startswith("Así va el compromiso"))
    assert "Potencial de resultados, según el grupo: " in summary
    assert "ambicion" in CONTENT.flows["kit5"].steps["resumen"].get("fields")
