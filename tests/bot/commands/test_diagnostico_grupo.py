"""/diagnostico_grupo: a coordinator sees the whole group's self-diagnosis, and only their group's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.commands.diagnostico_grupo import Area, group_areas, weakest
from bot.conversation import Conversation
from flows.inputs import Command
from flows.loader import load_checked
from flows.state import ACTIVE, DONE, RunState
from storage import UnitOfWork

CONTENT = load_checked()
NOW = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)
AREAS = ["k1_conceptos", "k1_razones", "k2_pluralidad", "k2_nucleo", "k3_acuerdos", "k3_riesgos", "k4_plan",
         "k4_operacion", "k5_problemas", "k5_cocreacion", "k6_analisis", "k6_ods", "k7_actores", "k7_agenda",
         "k8_indicadores", "k8_seguimiento"]


def answers(*scores: int) -> dict[str, str]:
    """The 16 answers as the flow stores them ("1".."4"), two per kit area, in kit order."""
    assert len(scores) == 16
    return {name: str(score) for name, score in zip(AREAS, scores, strict=True)}


ALL_THREES = answers(*[3] * 16)
# Weak in Kits 2 and 8 (2+2 and 1+2), strong elsewhere.
WEAK_2_AND_8 = answers(4, 4, 1, 1, 3, 3, 4, 3, 4, 4, 3, 3, 4, 4, 1, 2)


async def person(uow: UnitOfWork, key: str, name: str, *, consent: bool = True) -> Any:
    someone = await uow.people.get_or_create(key, name=name)
    someone.sector, someone.consent_at = "sociedad_civil", NOW if consent else None
    return someone


async def diagnosis(uow: UnitOfWork, who: Any, secretariat: Any, given: dict[str, str], *,
                    status: str = DONE, days_ago: int = 1) -> None:
    state = RunState("autodiagnostico", "resultado", dict(given), status=status)
    run = await uow.runs.start(who, flow_id="autodiagnostico", content_version="1", state=state,
                               secretariat_id=secretariat.id)
    run.updated_at = NOW - timedelta(days=days_ago)


@pytest.fixture
def conversation(sessions: object) -> Conversation:
    return Conversation(lambda: CONTENT, sessions, clock=lambda: NOW)


async def ask(conversation: Conversation, key: str) -> str:
    reply = await conversation.handle(key, Command("diagnostico_grupo"))
    return "\n".join(m.text for m in reply.messages)


async def test_the_group_picture_counts_only_the_coordinators_secretariat(
    conversation: Conversation, sessions: Any
) -> None:
    async with UnitOfWork(sessions) as uow:
        oaxaca = await uow.secretariats.add("STL Oaxaca")
        puebla = await uow.secretariats.add("STL Puebla")
        coco = await person(uow, "tg:1", "Coco")
        mari = await person(uow, "tg:2", "Mari")
        dani = await person(uow, "tg:3", "Dani")
        lupe = await person(uow, "tg:4", "Lupe", consent=False)  # said no to the privacy notice
        pablo = await person(uow, "tg:5", "Pablo")
        for who, role in ((coco, "coordinator"), (mari, "member"), (dani, "member"), (lupe, "member")):
            await uow.memberships.add(who, oaxaca, role)
        await uow.memberships.add(pablo, puebla, "coordinator")
        await diagnosis(uow, coco, oaxaca, WEAK_2_AND_8)
        await diagnosis(uow, mari, oaxaca, ALL_THREES, days_ago=30)  # an older run: replaced by the next one
        await diagnosis(uow, mari, oaxaca, WEAK_2_AND_8, days_ago=2)
        await diagnosis(uow, dani, oaxaca, answers(*[1] * 16), status=ACTIVE)  # not finished: not counted
        await diagnosis(uow, lupe, oaxaca, answers(*[1] * 16))  # refused: never read
        await diagnosis(uow, pablo, puebla, answers(*[1] * 16))  # another secretariat
        await diagnosis(uow, pablo, oaxaca, answers(*[1] * 16))  # not a member of Oaxaca: not read

    said = await ask(conversation, "tg:1")
    assert "STL Oaxaca: 2 de 4 integrantes lo han respondido" in said
    assert "🔴 Kit 2 · Pluralidad y participación de la sociedad civil: 2" in said
    assert "🟢 Kit 1 · Conocer el Gobierno Abierto: 8" in said
    assert "🔴 Kit 8 · Implementación, seguimiento y evaluación: 3" in said
    recommended = said.split("les recomiendo empezar")[1]
    assert "👉 Kit 2 · Pluralidad y participación de la sociedad civil (2/8)" in recommended
    assert "👉 Kit 8 · Implementación, seguimiento y evaluación (3/8)" in recommended
    assert recommended.count("👉") == 2
    assert "Faltan 2 integrantes por responder" in said
    for name in ("Coco", "Mari", "Dani", "Lupe", "Pablo", "Puebla"):
        assert name not in said  # no names, and nothing of another secretariat

    said = await ask(conversation, "tg:5")  # Puebla's coordinator sees Puebla only
    assert "STL Puebla: 1 de 1 integrante lo ha respondido" in said
    assert said.count("(2/8)") == 3 and "una sola respuesta" in said and "Faltan" not in said
    assert "Oaxaca" not in said


async def test_members_cannot_ask_for_it(conversation: Conversation, sessions: Any) -> None:
    async with UnitOfWork(sessions) as uow:
        oaxaca = await uow.secretariats.add("STL Oaxaca")
        await uow.memberships.add(await person(uow, "tg:2", "Mari"), oaxaca, "member")
    said = await ask(conversation, "tg:2")
    assert "solo para la coordinación" in said


async def test_an_empty_group_gets_a_kind_line(conversation: Conversation, sessions: Any) -> None:
    async with UnitOfWork(sessions) as uow:
        mesa = await uow.secretariats.add("Mesa de Gobierno Abierto de Jalisco")
        await uow.memberships.add(await person(uow, "tg:1", "Coco"), mesa, "coordinator")
        await uow.memberships.add(await person(uow, "tg:2", "Mari"), mesa, "member")
    said = await ask(conversation, "tg:1")
    assert said.startswith("Todavía nadie de Mesa de Gobierno Abierto de Jalisco ha terminado el autodiagnóstico")
    assert "(son 2 integrantes)" in said and "/autodiagnostico" in said


def test_the_weakest_areas_follow_the_flows_rule() -> None:
    areas = group_areas(CONTENT, [answers(4, 4, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 3, 3)])
    assert [a.number for a in areas] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert [a.number for a in weakest(areas)] == [2, 3, 4]  # 4, then a three-way tie at 6: three kits
    tied = [Area(n, f"Kit {n}", 5.0) for n in range(1, 9)]
    assert [a.number for a in weakest(tied)] == [1, 2, 3]
    assert [a.number for a in weakest([Area(1, "Kit 1", 3.5)])] == [1]
    # An answer off the scale is left out of its area, not a crash.
    broken = group_areas(CONTENT, [{**ALL_THREES, "k1_razones": "mucho"}, ALL_THREES])
    assert broken[0].average == 6 and broken[1].average == 6
