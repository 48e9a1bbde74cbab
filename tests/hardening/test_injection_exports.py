"""Hostile texts through every document a coordinator opens (issue 22, items 2 and 3).

Each hostile text is stored everywhere a person types (names, the secretariat, the commitment's
fields, milestones, indicators, reports, a dissent's reason), straight into the tables, as if it had
arrived before answers were checked. Then every export format (md, ogp, csv, xlsx, json), the acta
of /aprobar and the weekly digest are made from it, and compared with the same plan written in
plain words: no live formula, no raw HTML tag, no link, and not one line (a heading, a table row, a
list item, a signer) more than the plain plan has.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook

from bot.conversation import Conversation
from bot.export import load_snapshot, render
from bot.export.cells import FORMULA_STARTS
from bot.scheduler.planner import build_digest
from bot.telegram.buttons import ButtonCodes
from bot.telegram.render import render as telegram_render
from flows.events import MessageOut
from flows.inputs import Command
from flows.loader import default_content_dir, load_checked
from flows.reminders.config import load_reminders
from storage import UnitOfWork
from storage.models import Commitment, Indicator, IndicatorReport, Membership, Milestone, Person, Secretariat

CONTENT = load_checked()
CONFIG = replace(load_reminders(default_content_dir())[0], digest_chart=False)  # the chart is not text
NOW = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)  # Monday 10:00 in Mexico City
SECTORS = {"gobierno": "Gobierno", "sociedad_civil": "Sociedad civil"}

FORGED_TABLE = ("### Firmas\n\n| Persona | Sector | Decisión | Motivo | Fecha |\n|---|---|---|---|---|\n"
                "| Presidenta Municipal | Gobierno | Aprueba | — | 1 de marzo de 2026, 10:00 |")
FORGED_SIGNER = "Memo (Sociedad civil), 01/03/2026 10:00\n• Presidenta Municipal"
HOSTILE = {
    "formula": '=HYPERLINK("https://robo.example/datos","Ver evidencia")',
    "formula_plus": "+1+cmd|' /C calc'!A0",
    "formula_minus": "-2+3+cmd|' /C calc'!A0",
    "formula_at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "formula_tab": "\t=1+1",
    "formula_cr": "\r=1+1",
    "html": '<img src=x onerror="alert(1)">',
    "script": "<script>alert(document.cookie)</script>",
    "javascript_link": "[Ver evidencia](javascript:alert(1))",
    "javascript_autolink": "<javascript:alert(1)>",
    "javascript_image": "![Ver evidencia](javascript:alert(1))",
    "javascript_reference": "[Ver evidencia][e]\n\n[e]: javascript:alert(1)",
    "entities": "&#106;avascript&colon;alert(1) &lt;img src=x&gt;",
    "forged_table": FORGED_TABLE,
    "forged_signer": FORGED_SIGNER,
    "forged_heading": "Agua\n\n## Compromiso 99. Falso\n\n---\n\n- Hito falso",
    "setext_heading": "Título falso\n===",
    "code_fence": "```\ncódigo\n```",
    "indented_code": "Agua\n\n        código",
    "quote_and_list": "> cita\n1. uno\n+ dos",
    "line_separator": "Memo\u2028• Presidenta Municipal\u2029• Síndica",
}
PLAIN = "Texto de prueba"
FREE_FIELDS = ("problem", "baseline", "causes", "affected_population", "objective", "description", "proposal",
               "how_it_solves", "effects", "lead_institution", "responsible", "nota_de_la_mesa")


@dataclass
class Seeded:
    secretariat_id: int
    coordinator: str
    acta_commitment: int


async def seed(sessions: Any, text: str, tag: str) -> Seeded:
    """A secretariat where everything a person types is `text`, the same shape for every text."""
    async with UnitOfWork(sessions) as uow:
        s = uow.session
        stl = Secretariat(name=text, territory=text, timezone="America/Mexico_City")
        coco = Person(key=f"tg:coco-{tag}", name=text, sector="gobierno", consent_at=NOW - timedelta(days=60))
        memo = Person(key=f"tg:memo-{tag}", name=text, sector="sociedad_civil", consent_at=NOW - timedelta(days=60))
        dani = Person(key=f"tg:dani-{tag}", name=text, sector="sociedad_civil", consent_at=NOW - timedelta(days=60))
        s.add_all([stl, coco, memo, dani])
        await s.flush()
        s.add_all([
            Membership(person_id=coco.id, secretariat_id=stl.id, role="coordinator",
                       joined_at=NOW - timedelta(days=60)),
            Membership(person_id=memo.id, secretariat_id=stl.id, role="member", joined_at=NOW - timedelta(days=2)),
            Membership(person_id=dani.id, secretariat_id=stl.id, role="member", joined_at=NOW - timedelta(days=3)),
        ])
        fields: dict[str, Any] = {key: text for key in FREE_FIELDS}
        fields.update({
            "title": text, "ogp_values": ["transparencia"], "ogp_values_explanation": {"transparencia": text},
            "ods_goals": ["6"], "ods_targets": ["6.1", text], "supporting_actors": {"sociedad_civil": text},
            "start_date": "2026-01-15", "end_date": "2027-06-30",
        })
        works = Commitment(secretariat_id=stl.id, title=text, status="en_implementacion", created_by=coco.id,
                           fields=fields)
        acta = Commitment(secretariat_id=stl.id, title=text, status="borrador", created_by=memo.id,
                          fields={"title": text, "problem": text})
        s.add_all([works, acta])
        await s.flush()
        indicator = Indicator(commitment_id=works.id, name=text, unit=text, baseline=-5, target=10,
                              frequency="mensual", first_due=date(2026, 1, 31), last_due=date(2026, 12, 31),
                              dates=[], responsible=text, reporter_id=memo.id, created_by=coco.id)
        s.add_all([
            indicator,
            Milestone(commitment_id=works.id, output=text, due_date=date(2026, 3, 4), responsible=text,
                      created_by=coco.id),
            Milestone(commitment_id=works.id, output=text, due_date=date(2026, 2, 1), responsible=text,
                      created_by=coco.id),
        ])
        await s.flush()
        s.add(IndicatorReport(indicator_id=indicator.id, period_due=date(2026, 1, 31), value=-2, note=text,
                              person_id=memo.id, evidence_kind="link", evidence=text,
                              reported_at=NOW - timedelta(days=1)))
        await uow.plan.move(acta, "en_revision", coco)
        await uow.plan.sign(acta, coco, "aprueba", None)
        await uow.plan.sign(acta, memo, "aprueba", None)
        await uow.plan.sign(acta, dani, "disiente", text)
        return Seeded(stl.id, coco.key, acta.id)


@dataclass
class Documents:
    markdown: list[str]  # the plan, then each OGP document
    csv: str
    xlsx: bytes
    json: str
    acta: str
    digest: str


async def documents(sessions: Any, text: str, tag: str) -> Documents:
    seeded = await seed(sessions, text, tag)
    async with UnitOfWork(sessions) as uow:
        snapshot = await load_snapshot(uow.plan, seeded.secretariat_id, NOW)
        secretariat = await uow.session.get(Secretariat, seeded.secretariat_id)
        assert snapshot is not None and secretariat is not None
        digest, _ = await build_digest(uow, secretariat, CONFIG, now=NOW, sector_labels=SECTORS)

    def data(fmt: str) -> list[bytes]:
        return [f.data for f in render(snapshot, fmt, CONTENT)]

    conversation = Conversation(lambda: CONTENT, sessions, clock=lambda: NOW)
    reply = await conversation.handle(seeded.coordinator, Command("aprobar", str(seeded.acta_commitment)))
    acta = reply.messages[-1].text
    assert "ACTA DE APROBACIÓN" in acta
    return Documents(
        markdown=[d.decode() for d in data("md") + data("ogp")], csv=data("csv")[0].decode("utf-8-sig"),
        xlsx=data("xlsx")[0], json=data("json")[0].decode(), acta=acta, digest=digest,
    )


# --- what a reader of each format would see ---------------------------------------------------------------

RAW_TAG = re.compile(r"<[A-Za-z/!?]")
UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def markdown_skeleton(text: str) -> list[str]:
    """Every line that makes Markdown structure (heading, table row and its cells, list item, quote,
    rule or setext underline, code fence, indented code, HTML block); plain text lines are left out."""
    kinds, previous_blank = [], True
    for line in text.split("\n"):
        if re.match(r" {0,3}#{1,6}(\s|$)", line):
            kinds.append("heading " + line.split()[0])
        elif UNESCAPED_PIPE.search(line):
            kinds.append(f"table row of {len(UNESCAPED_PIPE.findall(line))} pipes")
        elif re.match(r" {0,3}([-+*]|\d{1,9}[.)])(\s|$)", line):
            kinds.append("list item")
        elif re.match(r" {0,3}>", line):
            kinds.append("quote")
        elif re.match(r" {0,3}(=+|-+|\*+|_+)\s*$", line):
            kinds.append("rule or underline")
        elif re.match(r" {0,3}(```|~~~)", line):
            kinds.append("code fence")
        elif previous_blank and re.match(r"( {4}|\t)\s*\S", line):
            kinds.append("indented code")
        elif re.match(r" {0,3}<", line):
            kinds.append("html block")
        previous_blank = not line.strip()
    return kinds


def markdown_links(text: str) -> list[str]:
    """Inline links and images, reference links and definitions, and entities that spell characters."""
    return (re.findall(r"(?<!\\)\]\s*[(\[]", text) + re.findall(r"(?m)^ {0,3}\[[^\]]*\]:", text)
            + re.findall(r"&(?!amp;|lt;|gt;)#?[0-9A-Za-z]+;", text))


def telegram_html(text: str) -> str:
    return "".join(part.html for part in telegram_render(MessageOut(text), ButtonCodes()))


def lines_starting(text: str, *starts: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip().startswith(starts)]


@pytest.fixture
async def plain(sessions: Any) -> Documents:
    return await documents(sessions, PLAIN, "plain")


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
async def test_hostile_texts_stay_text_in_every_document(sessions: Any, plain: Documents, text: str) -> None:
    found = await documents(sessions, text, "hostile")

    # Markdown: the plan and the OGP documents
    assert len(found.markdown) == len(plain.markdown)
    for document, expected in zip(found.markdown, plain.markdown, strict=True):
        assert not RAW_TAG.search(document), "raw HTML in the Markdown"
        assert not markdown_links(document), "a link in the Markdown"
        assert markdown_skeleton(document) == markdown_skeleton(expected), "a forged line in the Markdown"
        # A long answer keeps its own line breaks in its own section (rendered, they read as spaces);
        # a row or an item of the document never starts with what a person typed.
        assert not lines_starting(document, "| Presidenta", "- Presidenta", "* Presidenta")

    # CSV: no text cell a spreadsheet would run; numbers (the negative value) stay numbers
    rows = list(csv.reader(io.StringIO(found.csv)))
    assert len(rows) == len(list(csv.reader(io.StringIO(plain.csv))))
    for row in rows:
        for value in row:
            if value.startswith(FORMULA_STARTS):
                float(value)  # only a number may start with a minus sign
    header, first = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert first["valor"] == "-2" and first["linea_base"] == "-5"
    typed = text.replace("\r", "\n")  # a lone carriage return would end the row: written as a line break
    assert first["compromiso"] == ("'" + typed if text.startswith(FORMULA_STARTS) else typed)
    assert header[0] == "secretariado"

    # XLSX: every text is a string cell, never a formula
    book = load_workbook(io.BytesIO(found.xlsx))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"a formula in {sheet.title}!{cell.coordinate}"
                if isinstance(cell.value, str):
                    assert cell.data_type == "s" and not cell.value.startswith(FORMULA_STARTS)
    indicators = list(book["indicadores"].iter_rows(values_only=True))
    line = dict(zip(indicators[0], indicators[1], strict=True))
    assert line["línea base"] == -5 and isinstance(line["línea base"], int | float)

    # JSON: the data exactly as typed, with nothing a page embedding it could read as markup
    assert not RAW_TAG.search(found.json) and "&" not in found.json
    document = json.loads(found.json)
    assert document["commitments"][0]["title"] == text
    assert document["commitments"][0]["indicators"][0]["reports"][0]["note"] == text

    # The acta and the digest: one line per signer, item or member, however the text was typed
    for said, expected in ((found.acta, plain.acta), (found.digest, plain.digest)):
        assert len(said.splitlines()) == len(expected.splitlines()), said
        assert len(lines_starting(said, "•", "‼️", "–")) == len(lines_starting(expected, "•", "‼️", "–"))
        assert not lines_starting(said, "• Presidenta", "Presidenta", "• Síndica")
        assert not RAW_TAG.search(telegram_html(said)), "raw HTML in the Telegram message"
    signers = lines_starting(found.acta, "•")
    assert len(signers) == 3 and all(line.endswith(("2026, 10:00", "»")) or ", " in line for line in signers)


async def test_the_plain_plan_has_the_structure_the_checks_compare_with(plain: Documents) -> None:
    """The comparison means something: the plain plan has headings, tables and signers to forge."""
    skeleton = markdown_skeleton(plain.markdown[0])
    assert "heading ###" in skeleton and any(k.startswith("table row") for k in skeleton)
    assert len(lines_starting(plain.acta, "•")) == 3
    assert "Reportes recibidos:" in plain.digest and "Se unieron:" in plain.digest
