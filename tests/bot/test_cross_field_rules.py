"""Kit 8's dates through the conversation: the rules across fields hold from the first answer and
from a correction at the summary alike; a refused date names both dates and asks again."""

from __future__ import annotations

from typing import Any

import pytest

from bot.conversation import Conversation
from storage import UnitOfWork
from tests.bot.test_conversation import Member
from tests.bot.test_kits_6_8 import CONTENT, NOW, _commitment, _member


@pytest.fixture
def conversation(sessions: object) -> Conversation:
    return Conversation(lambda: CONTENT, sessions, clock=lambda: NOW, default_secretariat="STL Zapopan")


async def _to_summary(member: Member) -> None:
    for line in ("/kits", "8", "1", "01/03/2027", "31/12/2028",
                 "Calendario de tandeo por colonia publicado", "30/06/2027", "Dirección de Agua Potable", "1",
                 "Colonias con horario publicado", "colonias", "Sí, tenemos el dato", "0", "38", "Trimestral",
                 "31/03/2027", "SIAPA, área de planeación", "1", "Sí, al menos uno",
                 "El SIAPA reporta cada trimestre con /reportar y el grupo revisa en sesión."):
        await member.send(line)
    said = await member.send("Más adelante")  # the self-assessment, another day
    assert "Del 1 de marzo de 2027 al 31 de diciembre de 2028" in said


async def test_an_end_date_corrected_from_the_summary_must_come_after_the_start(
        conversation: Conversation, sessions: Any) -> None:
    member = await _member(conversation)
    number = await _commitment(sessions, "STL Zapopan", "Agua con horarios claros")
    await _to_summary(member)
    await member.tap("Corregir")
    await member.tap("Fecha de término")
    said = await member.send("01/02/2027")
    assert ("La fecha de término (1 de febrero de 2027) quedó antes o igual que la de inicio "
            "(1 de marzo de 2027)") in said
    assert "¿Cuándo termina?" in said and "Del 1 de marzo" not in said
    said = await member.send("31/05/2027")  # before the milestone saved for 30/06/2027
    assert "Un hito quedaría para el 30 de junio de 2027, después de que termine el compromiso (31 de mayo de 2027)" \
        in said
    said = await member.send("31/12/2027")
    assert "Del 1 de marzo de 2027 al 31 de diciembre de 2027" in said
    assert "El SIAPA reporta cada trimestre" in said  # everything else typed is kept
    await member.tap("Confirmar")
    async with UnitOfWork(sessions) as uow:
        commitment = await uow.commitments.get(number)
        assert commitment is not None
        assert (commitment.fields["start_date"], commitment.fields["end_date"]) == ("2027-03-01", "2027-12-31")


async def test_a_start_corrected_after_a_milestone_is_refused(conversation: Conversation,
                                                              sessions: Any) -> None:
    member = await _member(conversation)
    await _commitment(sessions, "STL Zapopan", "Agua con horarios claros")
    await _to_summary(member)
    await member.tap("Corregir")
    await member.tap("Fecha de inicio")
    said = await member.send("01/07/2027")
    assert "Un hito quedaría para el 30 de junio de 2027, antes de que empiece el compromiso (1 de julio de 2027)" \
        in said
    assert "escribe de nuevo la fecha de inicio" in said


async def test_a_milestone_after_the_end_is_refused_at_its_first_answer(conversation: Conversation,
                                                                         sessions: Any) -> None:
    member = await _member(conversation)
    await _commitment(sessions, "STL Zapopan", "Agua con horarios claros")
    for line in ("/kits", "8", "1", "01/03/2027", "31/12/2027", "Calendario de tandeo por colonia publicado"):
        await member.send(line)
    said = await member.send("15/01/2028")
    assert "Un hito quedaría para el 15 de enero de 2028, después de que termine el compromiso" in said
    assert "escribe de nuevo la fecha del hito" in said
    said = await member.send("30/06/2027")
    assert "¿Quién responde por este hito?" in said
