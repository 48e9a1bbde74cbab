"""Live reload: broken content is refused with every error, good edits swap in, runs in progress survive."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.conversation import Conversation
from bot.reload import ContentHolder, Watcher, describe
from flows.loader import default_content_dir
from flows.model import Content
from storage import UnitOfWork
from storage.models import Commitment, ContentVersion, FlowRun
from tests.bot.test_conversation import Member, onboard

ADMIN_ID = 4242


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the shipped content that the test edits like an admin would."""
    target = tmp_path / "content"
    shutil.copytree(default_content_dir(), target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    stat = path.stat()  # a new mtime even within the file system's time resolution
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def line_of(path: Path, fragment: str) -> int:
    return path.read_text(encoding="utf-8")[: path.read_text(encoding="utf-8").index(fragment)].count("\n") + 1


LINEA_BASE = re.compile(r"\n  - id: linea_base\n.*?(?=\n  - id: )", re.S)


def remove_linea_base(folder: Path) -> None:
    kit5 = folder / "kits" / "kit5.yaml"
    text = kit5.read_text(encoding="utf-8")
    block = LINEA_BASE.search(text)
    assert block is not None
    edit(kit5, block.group(0), "")
    # and, as the checker asks, the places that used its answer
    for used in ("      • Línea base: {{ shown.linea_base }}\n", "      - linea_base\n",
                 "      baseline: linea_base\n"):
        edit(kit5, used, "")


def break_two_files(folder: Path) -> tuple[int, int]:
    kit5, kit1 = folder / "kits" / "kit5.yaml", folder / "kits" / "kit1.yaml"
    edit(kit5, "  - id: linea_base\n    type: question", "  - id: linea_base\n    type: pregunta")
    first_kit1_step = re.search(r"  - id: (\w+)\n", kit1.read_text(encoding="utf-8"))
    assert first_kit1_step is not None
    step = first_kit1_step.group(1)
    edit(kit1, f"  - id: {step}\n", f"  - id: {step}\n    next: paso_que_no_existe\n")
    return line_of(kit5, "  - id: linea_base"), line_of(kit1, "    next: paso_que_no_existe")


def test_a_broken_edit_is_refused_the_old_content_stays_and_every_error_is_reported(folder: Path) -> None:
    holder = ContentHolder(folder)
    before = holder()
    kit5_line, kit1_line = break_two_files(folder)
    result = holder.reload()
    assert not result.ok
    assert holder() is before
    said = describe(result)
    assert "Sigue activo el contenido anterior" in said
    # each error at its file and line
    assert re.search(rf"kits/kit5\.yaml:{kit5_line + 1}: .*pregunta", said), said
    assert re.search(rf"kits/kit1\.yaml:{kit1_line}: .*paso_que_no_existe", said), said
    assert all(str(problem) in said for problem in result.errors)  # every one, not just the first
    assert {p.file for p in result.errors} == {"content/kits/kit1.yaml", "content/kits/kit5.yaml"}


def test_a_good_edit_swaps_in_and_names_the_kit_that_changed(folder: Path) -> None:
    holder = ContentHolder(folder)
    old = holder().flows["kit5"].version
    remove_linea_base(folder)
    result = holder.reload()
    assert result.ok
    assert "linea_base" not in holder().flows["kit5"].steps
    said = describe(result)
    assert said.startswith(f"Contenido recargado: {len(holder().kits())} kits")
    assert f"kit5: versión {old} → {holder().flows['kit5'].version}" in said
    assert "kit1" not in said


async def reach_fourth_question(member: Member) -> None:
    """Onboarded, in Kit 5, with its first three questions answered: on «Línea base»."""
    await onboard(member)
    await member.tap("Kit 5 · Definir compromisos de manera participativa")
    await member.send("1, 2")
    await member.send("Agua con horarios claros")
    said = await member.send("En 40 colonias del oriente de Xalapa el agua llega sin horario fijo ni aviso.")
    assert "línea base" in said.lower()


async def test_an_admin_edits_kit5_while_a_member_is_on_its_fourth_step(folder: Path, sessions: object) -> None:
    """The issue's 'done when': the member finishes the kit without an error and keeps every answer."""
    holder = ContentHolder(folder)
    conversation = Conversation(holder, sessions, admins=frozenset({ADMIN_ID}), default_secretariat="STL Xalapa")
    member = Member(conversation, "tg:100")
    admin = Member(conversation, f"tg:{ADMIN_ID}")
    await reach_fourth_question(member)
    await onboard(admin)

    remove_linea_base(folder)
    said = await admin.send("/recargar")
    assert "Contenido recargado" in said and "kit5: versión" in said

    said = await member.send("/continuar")
    assert "se actualizó" in said
    assert "Causas" in said or "causas" in said
    for answer in ("Tuberías viejas y tandeo sin reglas", "Unas 60,000 personas",
                   "Vecinas de 6 colonias, el municipio y la universidad", "Afecta a más personas",
                   "Publicar el calendario de tandeo cada semana",
                   "La comisión de agua publicará cada semana el calendario de tandeo por colonia.", "1, 3",
                   "Los horarios se publican y hay un buzón con respuesta en 10 días",
                   "Comisión Municipal de Agua de Xalapa", "saltar", "saltar",
                   "Modesto"):  # the group's judgement of its potential for results
        said = await member.send(answer)
        assert "Perdón, algo falló" not in said
        assert not member.reply.content_errors
    assert "Agua con horarios claros" in said and "Tuberías viejas" in said  # the summary keeps both
    await member.tap("Confirmar")

    async with UnitOfWork(sessions) as uow:  # type: ignore[arg-type]
        commitment = await uow.session.scalar(select(Commitment))
        run = await uow.session.scalar(select(FlowRun).where(FlowRun.flow_id == "kit5"))
        versions = list(await uow.session.scalars(select(ContentVersion).where(ContentVersion.flow_id == "kit5")))
    assert commitment is not None and commitment.title == "Agua con horarios claros"
    assert "40 colonias" in str(commitment.fields)
    assert run is not None and run.status == "done" and run.content_version == holder().flows["kit5"].version
    assert [v.version for v in versions] == [holder().flows["kit5"].version]  # /recargar recorded it


async def test_an_update_in_flight_finishes_on_the_content_it_started_with(folder: Path, sessions: object) -> None:
    holder = ContentHolder(folder)
    reload_midway = False

    def content() -> Content:
        current = holder()
        if reload_midway:  # the reload lands right after this update began
            holder.reload()
        return current

    member = Member(Conversation(content, sessions), "cli:ana")
    await onboard(member)
    await member.tap("Kit 5 · Definir compromisos de manera participativa")
    await member.send("1, 2")
    edit(folder / "kits" / "kit5.yaml", "¿Cuál es el problema público que quieren resolver?",
         "¿Qué problema público quieren resolver?")
    reload_midway = True
    said = await member.send("Agua con horarios claros")
    assert "¿Cuál es el problema público" in said  # the text it started with, whole
    reload_midway = False
    said = await member.send("/continuar")
    assert "¿Qué problema público quieren resolver?" in said


class Told:
    def __init__(self) -> None:
        self.texts: list[str] = []

    async def __call__(self, text: str) -> None:
        self.texts.append(text)


async def test_the_watcher_reloads_on_change_and_tells_admins_each_failure_once(
        folder: Path, sessions: object) -> None:
    holder = ContentHolder(folder)
    told = Told()
    watcher = Watcher(holder, sessions=sessions, notify=told)
    assert await watcher.check() is None  # nothing changed

    remove_linea_base(folder)
    result = await watcher.check()
    assert result is not None and result.ok
    assert "linea_base" not in holder().flows["kit5"].steps
    assert told.texts == []  # a good reload is not news

    good = holder()
    kit7 = folder / "kits" / "kit7.yaml"
    edit(kit7, "format: 1", "format: 7")
    assert (await watcher.check()).ok is False  # type: ignore[union-attr]
    assert holder() is good
    assert len(told.texts) == 1 and "kits/kit7.yaml:" in told.texts[0]
    assert "Sigue activo el contenido anterior" in told.texts[0]
    assert await watcher.check() is None  # the same files: not checked again

    edit(folder / "ui.yaml", "format: 1", "format: 1\n")  # another file touched, the same error
    assert await watcher.check() is not None
    assert len(told.texts) == 1  # told once per distinct failure

    edit(kit7, "format: 7", "format: 8")
    await watcher.check()
    assert len(told.texts) == 2

    edit(kit7, "format: 8", "format: 1")
    result = await watcher.check()
    assert result is not None and result.ok

    async with UnitOfWork(sessions) as uow:  # type: ignore[arg-type]
        kit5 = list(await uow.session.scalars(select(ContentVersion).where(ContentVersion.flow_id == "kit5")))
    assert len(kit5) == 1  # recorded once, though two reloads succeeded


class FakeBot:
    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []

    async def send_message(self, chat_id: int, text: str) -> None:
        self.sent.append((chat_id, text))


class FakeApp:
    """What `attach_watcher` uses of python-telegram-bot's Application."""

    def __init__(self) -> None:
        self.bot = FakeBot()
        self.post_init: Any = None
        self.post_stop: Any = None


async def test_cocrea_run_records_the_versions_at_start_and_tells_every_admin_of_a_refused_edit(
        folder: Path, sessions: object) -> None:
    from bot.reload import attach_watcher

    app = FakeApp()
    holder = ContentHolder(folder)
    watcher = attach_watcher(app, holder, sessions, frozenset({7, 8}))
    await app.post_init(app)
    try:
        async with UnitOfWork(sessions) as uow:  # type: ignore[arg-type]
            recorded = {(v.flow_id, v.version) for v in await uow.content_versions.all()}
        assert recorded == {(f.id, f.version) for f in holder().flows.values()}
        edit(folder / "kits" / "kit5.yaml", "format: 1", "format: 2")
        await watcher.check()
        assert [chat for chat, _ in app.bot.sent] == [7, 8]
        assert "kits/kit5.yaml:3: `format` debe ser 1" in app.bot.sent[0][1]
    finally:
        await app.post_stop(app)
