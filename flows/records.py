"""The shared records a flow may write into, and the fields each one has."""

from __future__ import annotations

RECORD_FIELDS: dict[str, frozenset[str]] = {
    "person": frozenset({"name", "sector", "consent"}),
    "commitment": frozenset({
        "title", "problem", "baseline", "causes", "affected_population", "objective",
        "description", "how_it_solves", "proposal", "ogp_values", "ogp_values_explanation",
        "ods_goals", "ods_targets", "lead_institution", "supporting_actors", "responsible",
        "start_date", "end_date",
    }),
}
