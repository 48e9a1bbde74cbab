"""Facts Kits 6 and 8 and the /reportar and /firmar flows must get right."""

from __future__ import annotations

from datetime import UTC, datetime

from flows import engine
from flows.events import MessageOut, RecordWritten
from flows.inputs import Begin
from flows.loader import load_checked
from flows.plan.schedule import FREQUENCIES
from flows.records import RECORD_FIELDS
from flows.walk import walk

CONTENT = load_checked()
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def test_kit_5_points_to_kit_6_and_kit_6_to_kits_7_and_8() -> None:
    assert "Kit 6" in str(CONTENT.flows["kit5"].steps["fin"].get("text"))
    end = str(CONTENT.flows["kit6"].steps["fin"].get("text"))
    assert "Kit 7" in end and "Kit 8" in end
    kit8_end = str(CONTENT.flows["kit8"].steps["fin"].get("text"))
    assert "/reportar" in kit8_end and "/compromisos" in kit8_end


def test_kit_6_links_ods_goals_and_their_targets_from_the_catalog() -> None:
    kit6 = CONTENT.flows["kit6"]
    assert kit6.steps["ods_objetivos"].get("options_from") == "ods_goals"
    assert kit6.steps["ods_metas"].get("options_from") == "ods_targets"
    assert kit6.steps["ods_metas"].get("within") == "ods_objetivos"
    targets = {o.value for o in CONTENT.catalogs["ods_targets"]}
    assert {"6.1", "6.b", "16.10"} <= targets  # the examples the kit gives exist
    written = dict(kit6.steps["guardar"].get("fields"))
    assert {"effects", "root_causes", "direct_causes", "ods_goals", "ods_targets", "ods_contribution"} <= set(written)
    assert "causes" not in written  # Kit 5's causes are its own; Kit 6 keeps its direct causes apart


def test_kit_8_frequencies_are_the_plans_and_every_indicator_field_is_recorded() -> None:
    kit8 = CONTENT.flows["kit8"]
    offered = [o["value"] for o in kit8.steps["ind_frecuencia"].get("options")]
    assert offered == ["unica", "mensual", "bimestral", "trimestral", "semestral", "anual"]
    assert set(offered) <= set(FREQUENCIES)
    indicator = dict(kit8.steps["guardar_indicador"].get("fields"))
    assert {"name", "unit", "baseline", "target", "frequency", "first_due", "responsible"} <= set(indicator)
    assert set(dict(kit8.steps["guardar_hito"].get("fields"))) == RECORD_FIELDS["milestone"]


def test_walking_kit_8_writes_a_milestone_an_indicator_and_the_dates_on_the_chosen_commitment() -> None:
    walked = walk(CONTENT, "kit8", NOW)
    records = [(e.record, e.commitment) for e in walked.events if isinstance(e, RecordWritten)]
    # the walk takes the self-assessment (its first option): it is written before the summary's record
    assert records == [("milestone", "1"), ("indicator", "1"), ("commitment", "1"), ("commitment", "1")]
    evaluation = [e.fields for e in walked.events if isinstance(e, RecordWritten) and e.record == "commitment"][0]
    assert set(evaluation) == {"self_completion", "opened_government", "lessons_learned", "evidence_source",
                               "evidence_detail"}


def test_kits_6_and_8_speak_of_the_mesa_tecnica_to_a_mesa() -> None:
    for kit in ("kit6", "kit8"):
        context = {"secretariat": {"name": "Mesa Agua Jalisco", "kind": "mesa"}, "lists": {"commitments": []}}
        _, events = engine.step(CONTENT, engine.start(kit), Begin(), NOW, context)
        said = "\n".join(e.text for e in events if isinstance(e, MessageOut))
        assert "la mesa técnica" in said
        assert "aún no tiene compromisos" in said  # and with no commitment, says what is missing


def test_reportar_and_firmar_write_a_report_and_a_signoff() -> None:
    report = [e for e in walk(CONTENT, "reportar", NOW).events if isinstance(e, RecordWritten)]
    assert [(e.record, e.fields["indicator"], e.chosen_at) for e in report] == [("indicator_report", "1", "indicador")]
    signoff = [e for e in walk(CONTENT, "firmar", NOW).events if isinstance(e, RecordWritten)]
    assert [(e.record, e.commitment, e.fields["decision"]) for e in signoff] == [("signoff", "1", "aprueba")]
