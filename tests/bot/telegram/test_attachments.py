"""Files on Telegram: an export goes as a document, a chart as a photo, after the words that explain them."""

from __future__ import annotations

from typing import Any

from bot.conversation import Reply
from bot.telegram import menus
from flows.events import Attachment, MessageOut
from tests.bot.plan_seed import person_in, seed_plan
from tests.bot.telegram.conftest import CONTENT, Harness, Scripted

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def upload(params: dict[str, Any], field: str) -> tuple[str, bytes]:
    name, data, _mime = params["files"][field]
    return name, data


async def test_a_document_and_a_photo_are_uploaded_in_order(make_harness: Any) -> None:
    reply = Reply([
        MessageOut("Aquí está el plan <de prueba>."),
        MessageOut("", attachment=Attachment("plan-1.csv", b"a,b\n1,2\n", "document")),
        MessageOut("", attachment=Attachment("indicador-3.png", PNG, "photo", "Meta: 14 & más")),
    ])
    harness: Harness = await make_harness(Scripted(reply))
    ana = harness.client(801)
    await ana.send("/exportar csv")
    methods = [name for name, _ in ana.calls if name != "sendChatAction"]
    assert methods == ["sendMessage", "sendDocument", "sendPhoto"]
    [document] = ana.since("sendDocument")
    assert upload(document, "document") == ("plan-1.csv", b"a,b\n1,2\n")
    [photo] = ana.since("sendPhoto")
    assert upload(photo, "photo") == ("indicador-3.png", PNG)
    assert photo["caption"] == "Meta: 14 &amp; más" and photo["parse_mode"] == "HTML"


async def test_a_failed_upload_is_retried_without_losing_the_file(make_harness: Any) -> None:
    reply = Reply([MessageOut("", attachment=Attachment("plan-1.json", b"{}", "document"))])
    harness: Harness = await make_harness(Scripted(reply))
    harness.api.fail("sendDocument", 429, "Too Many Requests: retry after 3", retry_after=3)
    ana = harness.client(802)
    await ana.send("/exportar json")
    sent = ana.since("sendDocument")
    assert len(sent) == 2 and upload(sent[1], "document") == ("plan-1.json", b"{}")
    assert harness.pauses == [3]


async def test_exportar_through_the_real_loop_sends_the_workbook(harness: Harness) -> None:
    seeded = await seed_plan(harness.sessions, "STL Xalapa")
    await person_in(harness.sessions, "tg:803", seeded.secretariat_id, "coordinator")
    ana = harness.client(803)
    said = await ana.send("/exportar xlsx")
    assert "Aquí está el plan de STL Xalapa en formato XLSX" in said
    [document] = ana.since("sendDocument")
    name, data = upload(document, "document")
    assert name == f"plan-{seeded.secretariat_id}.xlsx" and data.startswith(b"PK")  # a zip: an XLSX workbook


def test_grafica_is_in_every_menu_and_exportar_in_the_coordinators_only() -> None:
    texts = CONTENT.ui["bot"]

    def text(key: str) -> str:
        return str(texts.get(key, key))

    member = [c.command for c in menus.member_menu(text)]
    coordinator = [c.command for c in menus.coordinator_menu(text)]
    assert "grafica" in member and "exportar" not in member
    assert {"grafica", "exportar"} <= set(coordinator)
