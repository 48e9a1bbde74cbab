"""Kits 6 and 8, /reportar and /firmar as a member lives them: one commitment filled in over time,
lists of their own secretariat only, evidence files, and refusals told kindly."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.conversation import Conversation
from flows.inputs import File
from flows.loader import load_checked
from storage import UnitOfWork
from storage.models import Commitment
from tests.bot.conftest import ChatRunner
from tests.bot.test_conversation import Member, onboard
from tests.bot.test_terminal import GOLDEN_NOW

CONTENT = load_checked()
GOLDEN = Path(__file__).resolve().parent.parent / "golden"
NOW = datetime(2027, 1, 10, 18, 0, tzinfo=UTC)


@pytest.fixture
def conversation(sessions: object) -> Conversation:
    return Conversation(lambda: CONTENT, sessions, clock=lambda: NOW, default_secretariat="STL Zapopan")


async def _member(conversation: Conversation) -> Member:
    member = Member(conversation, "cli:lupita")
    await onboard(member)
    return member


async def _commitment(sessions: Any, secretariat: str, title: str, status: str = "borrador") -> int:
    async with UnitOfWork(sessions) as uow:
        found = await uow.secretariats.named(secretariat) or await uow.secretariats.add(secretariat)
        commitment = await uow.commitments.create(found.id)
        await uow.plan.set_fields(commitment, {"title": title, "objective": "Agua diaria en 38 colonias"}, None)
        commitment.status = status
        return commitment.id


async def _indicator(sessions: Any, commitment_id: int, frequency: str = "unica") -> int:
    async with UnitOfWork(sessions) as uow:
        commitment = await uow.commitments.get(commitment_id)
        assert commitment is not None
        indicator = await uow.plan.add_indicator(
            commitment, name="Colonias con servicio diario", unit="colonias", baseline=5, target=38,
            frequency=frequency, first_due=date(2026, 12, 31), person=None)
        return indicator.id


def test_kits_5_6_and_8_in_one_conversation_fill_one_commitment(run_cocrea: ChatRunner, database: Path) -> None:
    kit8 = (GOLDEN / "kit8.in").read_text(encoding="utf-8").splitlines()
    kit6 = (GOLDEN / "kit6.in").read_text(encoding="utf-8").splitlines()
    # Kit 5 (the lines up to its «Confirmar», the same in both transcripts), then Kit 6, then Kit 8.
    kit5_ends = kit8.index("Confirmar") + 1
    assert kit6[:kit5_ends] == kit8[:kit5_ends]
    lines = kit6 + kit8[kit5_ends:]
    result = run_cocrea("chat", "--as", "cli:lupita", "--now", GOLDEN_NOW, stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    assert "2 hitos, 2 indicadores" in result.stdout
    with sqlite3.connect(database) as db:
        commitments = db.execute("SELECT id, title, fields FROM commitments").fetchall()
        assert len(commitments) == 1
        cid, title, raw = commitments[0]
        fields = json.loads(raw)
        assert title == "Agua con horarios claros en Zapopan"
        assert fields["problem"].startswith("En 38 colonias")  # Kit 5
        assert fields["ods_targets"] == ["6.1", "6.b", "16.10"] and fields["ods_goals"] == ["6", "16"]  # Kit 6
        assert fields["root_causes"] and fields["effects"] and fields["ods_contribution"]
        # Kit 6's objectives tree, its two alternatives and the inclusion lens, in its own fields
        assert fields["means"].startswith("Red sin fugas") and fields["ends"].startswith("Las familias dejan")
        assert fields["alternative_a"] and fields["alternative_b"] and fields["chosen_alternative"].startswith("La A")
        assert "perifoneo" in fields["inclusion_lens"]
        assert fields["description"].startswith("El SIAPA publicará")  # Kit 5's, untouched by Kit 6
        assert (fields["start_date"], fields["end_date"]) == ("2027-03-01", "2028-12-31")  # Kit 8
        assert "carpeta compartida" in fields["follow_up_plan"]
        milestones = db.execute("SELECT output, due_date, responsible FROM milestones WHERE commitment_id = ?",
                                (cid,)).fetchall()
        assert [m[1] for m in milestones] == ["2027-06-30", "2027-09-15"]
        indicators = db.execute("SELECT name, baseline, baseline_due, target, frequency, first_due FROM indicators "
                                "WHERE commitment_id = ? ORDER BY id", (cid,)).fetchall()
        assert indicators == [
            ("Colonias con horario de agua publicado cada semana", 0, None, 38, "trimestral", "2027-03-31"),
            # pendiente de medir, with the date the group agreed to measure it
            ("Comités vecinales que revisan el reparto cada trimestre", None, "2027-04-30", 30, "semestral",
             "2027-06-30"),
        ]
        assert (fields["self_completion"], fields["opened_government"]) == ("limitado", "marginal")
        assert fields["lessons_learned"].startswith("Publicar el calendario") and fields["evidence_source"] == "actas"


async def test_kit_6_without_commitments_points_to_kit_5(conversation: Conversation) -> None:
    member = await _member(conversation)
    await member.send("/kits")
    said = await member.send("6")
    assert "aún no tiene compromisos" in said and "Kit 5" in said
    assert "Cuando tengan su primer compromiso" in said


async def test_only_the_secretariats_own_commitments_are_offered(conversation: Conversation, sessions: Any) -> None:
    member = await _member(conversation)
    await _commitment(sessions, "STL Zapopan", "Agua potable para colonias")
    await _commitment(sessions, "STL Mérida", "Alumbrado en el centro")
    await member.send("/kits")
    await member.send("8")
    labels = [b.label for m in member.reply.messages for b in m.buttons]
    assert labels == ["Agua potable para colonias (borrador)"]
    said = await member.send("2")  # a number beyond the list: the other secretariat's is not reachable
    assert "Esa no es una de las opciones" in said


async def test_reportar_records_the_value_with_a_document_as_evidence(conversation: Conversation,
                                                                       sessions: Any) -> None:
    member = await _member(conversation)
    indicator = await _indicator(sessions, await _commitment(sessions, "STL Zapopan", "Agua potable"))
    said = await member.send("/reportar")
    assert "Colonias con servicio diario (única, vence 31/12/2026)" in [
        b.label for m in member.reply.messages for b in m.buttons]
    said = await member.send("1")
    assert "«Colonias con servicio diario» (en colonias)" in said
    assert "No pude leer" in await member.send("doce")
    await member.send("12")
    await member.send("Ya hay horario en 12 colonias del norte.")
    said = await member.send("una foto")  # words are not evidence
    assert "envía una foto o un documento" in said
    said = await member.send(File("document", "BQACAgIAAxk", "acta-diciembre.pdf", "application/pdf"))
    assert "Evidencia: Documento «acta-diciembre.pdf»" in said
    said = await member.tap("Confirmar")
    assert "Registré 12" in said
    async with UnitOfWork(sessions) as uow:
        [report] = await uow.plan.reports(indicator)
        assert (report.value, report.evidence_kind, report.evidence, report.period_due) == (
            12, "document", "BQACAgIAAxk", date(2026, 12, 31))
    said = await member.send("/reportar")  # nothing left to report
    assert "no tiene indicadores con un periodo por reportar" in said


async def test_a_report_refused_by_storage_is_explained_and_nothing_is_lost(conversation: Conversation,
                                                                          sessions: Any) -> None:
    member = await _member(conversation)
    indicator = await _indicator(sessions, await _commitment(sessions, "STL Zapopan", "Agua potable"))
    await member.send("/reportar")
    for text in ("1", "12", "saltar", "https://zapopan.gob.mx/agua"):
        await member.send(text)
    async with UnitOfWork(sessions) as uow:  # meanwhile someone else reports the only period
        found = await uow.plan.indicator((await uow.secretariats.named("STL Zapopan")).id, indicator)
        assert found is not None
        await uow.plan.report(found, value=10, note=None, evidence_kind=None, evidence=None, person=None,
                              today=NOW.date())
    said = await member.tap("Confirmar")
    assert "No guardé esto" in said and "ya tiene reportados todos sus periodos" in said
    assert "Registré" not in said
    assert [b.label for m in member.reply.messages for b in m.buttons] == ["Continuar"]
    async with UnitOfWork(sessions) as uow:
        assert [r.value for r in await uow.plan.reports(indicator)] == [10]
        run = (await uow.runs.of_person(await uow.people.get("cli:lupita")))
        state = next(r.state for r in run if r.flow_id == "reportar")
        assert state["answers"]["valor"] == 12  # the person's answers are kept
    said = await member.tap("Continuar")
    assert "no tiene indicadores con un periodo por reportar" in said


async def test_firmar_records_a_dissent_with_its_reason(conversation: Conversation, sessions: Any) -> None:
    member = await _member(conversation)
    cid = await _commitment(sessions, "STL Zapopan", "Agua potable para colonias", status="en_revision")
    said = await member.send("/firmar")
    said = await member.send("1")
    assert "📌 Agua potable para colonias" in said and "Objetivo: Agua diaria en 38 colonias" in said
    await member.tap("Disiento")
    assert "Esta pregunta es necesaria" in await member.send("saltar")  # a dissent needs its reason
    said = await member.send("No dice con qué presupuesto se repararán las fugas.")
    assert "Registré tu decisión (disiento)" in said
    async with UnitOfWork(sessions) as uow:
        [signoff] = await uow.plan.signoffs(cid)
        assert (signoff.decision, signoff.sector, signoff.reason) == (
            "disiente", "sociedad_civil", "No dice con qué presupuesto se repararán las fugas.")


async def test_firmar_when_the_commitment_left_review_is_refused_kindly(conversation: Conversation,
                                                                        sessions: Any) -> None:
    member = await _member(conversation)
    cid = await _commitment(sessions, "STL Zapopan", "Agua potable para colonias", status="en_revision")
    await member.send("/firmar")
    await member.send("1")
    await member.tap("Lo apruebo")
    async with UnitOfWork(sessions) as uow:
        commitment = await uow.session.get(Commitment, cid)
        assert commitment is not None
        commitment.status = "borrador"
    said = await member.send("saltar")
    assert "No guardé esto: Solo se firma un compromiso que está en revisión" in said
    assert "Registré tu decisión" not in said
    async with UnitOfWork(sessions) as uow:
        assert await uow.plan.signoffs(cid) == []


async def test_firmar_with_nothing_in_review_says_so(conversation: Conversation) -> None:
    member = await _member(conversation)
    said = await member.send("/firmar")
    assert "no hay compromisos en revisión" in said


def _telegram_message(**kwargs: Any) -> Any:
    from telegram import Chat, Message
    return Message(1, NOW, Chat(7, "private"), **kwargs)


def test_telegram_photos_and_documents_become_evidence_files() -> None:
    from telegram import Animation, Document, PhotoSize, Sticker

    from bot.telegram.reading import kind_of
    from bot.telegram.texts import Texts

    texts = Texts(lambda: CONTENT)
    photo = _telegram_message(photo=(PhotoSize("small", "s", 90, 60), PhotoSize("big", "b", 1280, 853),
                                     PhotoSize("mid", "m", 320, 213)))
    assert kind_of(photo, texts) == File("photo", "big", None, "image/jpeg")  # the largest size
    pdf = _telegram_message(document=Document("doc1", "d", file_name="acta.pdf", mime_type="application/pdf"))
    assert kind_of(pdf, texts) == File("document", "doc1", "acta.pdf", "application/pdf")
    gif = _telegram_message(document=Document("gif", "g"), animation=Animation("gif", "g", 1, 1, 1))
    assert not isinstance(kind_of(gif, texts), File)
    sticker = _telegram_message(sticker=Sticker("st", "s", 1, 1, False, False, "regular"))
    assert not isinstance(kind_of(sticker, texts), File)


async def test_a_photo_where_text_is_expected_is_explained(conversation: Conversation) -> None:
    member = await _member(conversation)
    await member.send("/kits")
    await member.send("5")
    said = await member.send(File("photo", "AgAC"))
    assert "no puedo leer un archivo de imagen como respuesta" in said


def test_kit_6_keeps_its_direct_causes_apart_from_kit_5s_causes(run_cocrea: ChatRunner, database: Path) -> None:
    kit6 = (GOLDEN / "kit6.in").read_text(encoding="utf-8").splitlines()
    result = run_cocrea("chat", "--as", "cli:lupita", "--now", GOLDEN_NOW,
                        stdin="\n".join([*kit6, "/compromiso 1"]) + "\n")
    assert result.returncode == 0, result.stderr
    kit5_causes = "Fugas en la red y un tandeo que se decide sin reglas públicas."
    kit6_causes = "Fugas en tuberías viejas y un tandeo que se decide sin criterios públicos."
    card = result.stdout[result.stdout.rindex("Compromiso 1:"):]
    assert f"Causas del problema: {kit5_causes}" in card
    assert f"Causas directas (árbol de problemas): {kit6_causes}" in card
    with sqlite3.connect(database) as db:
        fields = json.loads(db.execute("SELECT fields FROM commitments").fetchone()[0])
    assert (fields["causes"], fields["direct_causes"]) == (kit5_causes, kit6_causes)
    for fmt in ("md", "ogp"):
        exported = run_cocrea("export", "1", "--format", fmt)
        assert exported.returncode == 0, exported.stderr
        assert kit5_causes in exported.stdout, fmt
        assert f"**Causas directas (árbol de problemas):** {kit6_causes}" in exported.stdout, fmt
        assert "Causas de fondo (árbol de problemas)" in exported.stdout, fmt
        assert "root_causes" not in exported.stdout and "Root causes" not in exported.stdout, fmt


def test_in_the_terminal_a_second_member_is_asked_before_replacing_and_combines(
        run_cocrea: ChatRunner, database: Path) -> None:
    kit6 = (GOLDEN / "kit6.in").read_text(encoding="utf-8").splitlines()
    first = run_cocrea("chat", "--as", "cli:lupita", "--now", GOLDEN_NOW, stdin="\n".join(kit6) + "\n")
    assert first.returncode == 0, first.stderr
    memo_causes = "Nadie revisa el reparto y las pipas privadas ganan con la escasez."
    first = kit6.index("/kits") + 3  # Kit 6's first question, after «6» and the commitment «1»
    memo = ["sí", "Memo", "2", "/kits", "6", "1", *kit6[first:first + 2], memo_causes, *kit6[first + 3:], "combinar"]
    second = run_cocrea("chat", "--as", "cli:memo", "--now", GOLDEN_NOW, stdin="\n".join(memo) + "\n")
    assert second.returncode == 0, second.stderr
    assert "Esto es lo que el compromiso ya tiene" in second.stdout
    assert "«Causas directas (árbol de problemas)» ya tiene lo que escribió Lupita" in second.stdout
    assert "Combinar los dos" in second.stdout and "Guardé el árbol de problemas" in second.stdout
    with sqlite3.connect(database) as db:
        fields = json.loads(db.execute("SELECT fields FROM commitments").fetchone()[0])
        kits = db.execute("SELECT DISTINCT kit FROM commitment_changes ORDER BY kit").fetchall()
    lupita_causes = "Fugas en tuberías viejas y un tandeo que se decide sin criterios públicos."
    assert fields["direct_causes"] == f"{lupita_causes}\n{memo_causes}"
    assert fields["causes"] == "Fugas en la red y un tandeo que se decide sin reglas públicas."
    assert kits == [("kit5",), ("kit6",)]
