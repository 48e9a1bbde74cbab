"""Reporting an indicator value through the form: each slot validated, the report in the database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from bot.conversation import Conversation
from bot.rasa.cocrea import Cocrea
from storage import UnitOfWork
from storage.models import Commitment, Indicator, IndicatorReport
from tests.bot.rasa.conftest import CONTENT, Clock, RasaClient, link_sender, texts

FORM_VALIDATION, SUBMIT = "validate_reporte_indicador_form", "action_cocrea_reportar"


async def seed(sessions: Any, key: str, secretariat: str = "STL Oaxaca", *, frequency: str = "trimestral",
               reported: bool = False) -> dict[str, int]:
    """A member of `secretariat`, one commitment and two indicators; ids by name."""
    async with UnitOfWork(sessions) as uow:
        person = await uow.people.get_or_create(key, name="Lupita")
        person.consent_at = datetime(2026, 1, 5, tzinfo=UTC)
        stl = await uow.secretariats.add(secretariat)
        await uow.memberships.add(person, stl, "member")
        commitment = Commitment(secretariat_id=stl.id, title="Agua para todas las colonias")
        uow.session.add(commitment)
        await uow.session.flush()
        water = await uow.plan.add_indicator(
            commitment, name="Hogares con agua diaria", unit="%", baseline=20, target=80,
            frequency=frequency, first_due=date(2026, 3, 31), person=None)
        budget = await uow.plan.add_indicator(
            commitment, name="Presupuesto ejercido", unit="millones de pesos", baseline=0, target=12,
            frequency="trimestral", first_due=date(2026, 3, 31), person=None)
        if reported:
            await uow.plan.report(water, value=30, note=None, evidence_kind=None, evidence=None,
                                  person=person, today=date(2026, 4, 1))
        return {"agua": water.id, "presupuesto": budget.id}


async def answer(rasa: RasaClient, sender: str, slot: str, text: str, **entities: str) -> dict[str, Any]:
    """The person answers; Rasa's slot mapping fills `slot` with the text; the form validates it."""
    rasa.says(sender, text, "reportar_indicador" if entities else "responder", **entities)
    rasa.set_slot(sender, slot, entities.get(slot, text))
    return await rasa.run(FORM_VALIDATION, sender)


async def reports(sessions: Any) -> list[IndicatorReport]:
    async with UnitOfWork(sessions) as uow:
        return list(await uow.session.scalars(select(IndicatorReport).order_by(IndicatorReport.id)))


async def test_a_report_through_the_form_lands_in_the_database(rasa: RasaClient, sessions: Any) -> None:
    ids = await seed(sessions, "tg:777")
    sender = "777"  # Rasa's Telegram channel: the chat id, linked to tg:777 with a code from Telegram
    await link_sender(rasa, sessions, "tg:777", sender)
    chosen = await answer(rasa, sender, "indicador", "quiero reportar el indicador de agua", indicador="agua")
    # the indicator and the period it is chosen for
    assert rasa.slots[sender]["indicador"] == f"{ids['agua']}@2026-03-31" and not chosen["responses"]

    refused = await answer(rasa, sender, "valor", "muchos")
    assert "No pude leer «muchos» como un número" in texts(refused)
    assert rasa.slots[sender]["valor"] is None  # so Rasa asks again

    await answer(rasa, sender, "valor", "35,5")
    assert rasa.slots[sender]["valor"] == 35.5
    summary = await answer(rasa, sender, "nota", "ninguna")
    assert rasa.slots[sender]["nota"] == ""
    assert "Voy a registrar 35,5 % en «Hogares con agua diaria», sin nota" in texts(summary)
    unsure = await answer(rasa, sender, "confirmar_reporte", "quizá")
    assert "Responde «sí»" in texts(unsure) and rasa.slots[sender]["confirmar_reporte"] is None
    assert await reports(sessions) == []  # nothing before the «sí»
    await answer(rasa, sender, "confirmar_reporte", "Sí")

    done = await rasa.run(SUBMIT, sender)
    assert "Registré 35,5 % en «Hogares con agua diaria»" in texts(done)
    assert "31 de marzo de 2026" in texts(done)
    [report] = await reports(sessions)
    assert report.indicator_id == ids["agua"] and report.value == 35.5 and report.note is None
    assert report.period_due == date(2026, 3, 31)
    assert {e["name"]: e["value"] for e in done["events"]} == {"indicador": None, "valor": None, "nota": None,
                                                               "confirmar_reporte": None}


async def test_a_report_is_written_only_after_a_yes_as_on_telegram(rasa: RasaClient, sessions: Any) -> None:
    """Issue 22, item 1: what changes data through Rasa is confirmed first, like /reportar on Telegram."""
    ids = await seed(sessions, "rasa:web-6")
    sender = "web-6"
    await answer(rasa, sender, "indicador", "agua")
    await answer(rasa, sender, "valor", "40")
    summary = await answer(rasa, sender, "nota", "Dato del organismo operador")
    assert "Voy a registrar 40 % en «Hogares con agua diaria», con la nota «Dato del organismo operador»" \
        in texts(summary)
    await answer(rasa, sender, "confirmar_reporte", "no")
    said = await rasa.run(SUBMIT, sender)
    assert "no registré nada" in texts(said) and await reports(sessions) == []

    rasa.set_slot(sender, "indicador", str(ids["agua"]))  # the submit called
    rasa.set_slot(sender, "valor", 40.0)  # directly, with every slot but the confirmation
    rasa.set_slot(sender, "nota", "")
    said = await rasa.run(SUBMIT, sender)
    assert "no registré nada" in texts(said) and await reports(sessions) == []


async def test_values_are_read_like_in_the_kits(rasa: RasaClient, sessions: Any) -> None:
    ids = await seed(sessions, "rasa:web-1")
    sender = "web-1"
    await answer(rasa, sender, "indicador", str(ids["agua"]))
    for typed, read in (("35", 35), ("35.5", 35.5), ("35 %", 35)):
        await answer(rasa, sender, "valor", typed)
        assert rasa.slots[sender]["valor"] == read
    too_much = await answer(rasa, sender, "valor", "135")  # a percentage
    assert "100" in texts(too_much) and rasa.slots[sender]["valor"] is None


async def test_an_indicator_is_found_by_id_or_name_or_explained(rasa: RasaClient, sessions: Any) -> None:
    ids = await seed(sessions, "rasa:web-2")
    sender = "web-2"
    await answer(rasa, sender, "indicador", f"#{ids['presupuesto']}")
    assert rasa.slots[sender]["indicador"] == f"{ids['presupuesto']}@2026-03-31"
    unknown = await answer(rasa, sender, "indicador", "luz eléctrica")
    assert "No encontré un indicador que coincida con «luz eléctrica»" in texts(unknown)
    assert "Hogares con agua diaria" in texts(unknown) and rasa.slots[sender]["indicador"] is None


async def test_another_secretariats_indicator_writes_nothing(rasa: RasaClient, sessions: Any) -> None:
    theirs = await seed(sessions, "rasa:otra", "STL Chiapas")
    await seed(sessions, "rasa:web-3")
    sender = "web-3"
    refused = await answer(rasa, sender, "indicador", str(theirs["agua"]))
    assert rasa.slots[sender]["indicador"] is None and "No encontré" in texts(refused)
    rasa.set_slot(sender, "indicador", str(theirs["agua"]))  # set by hand, past the validation
    rasa.set_slot(sender, "valor", 50.0)
    rasa.set_slot(sender, "nota", "")
    rasa.set_slot(sender, "confirmar_reporte", "si")
    said = await rasa.run(SUBMIT, sender)
    assert "no es de tu secretariado" in texts(said) and "no registré nada" in texts(said)
    assert await reports(sessions) == []


async def test_nothing_due_is_said_kindly_and_nothing_is_written(rasa: RasaClient, sessions: Any) -> None:
    ids = await seed(sessions, "rasa:web-4", frequency="unica", reported=True)
    sender = "web-4"
    await answer(rasa, sender, "indicador", "agua")
    await answer(rasa, sender, "valor", "40")
    await answer(rasa, sender, "nota", "Dato del organismo operador")
    await answer(rasa, sender, "confirmar_reporte", "sí")
    said = await rasa.run(SUBMIT, sender)
    assert "ya tiene reportados todos sus periodos" in texts(said)
    assert [r.value for r in await reports(sessions)] == [30]
    assert ids


async def test_a_period_reported_meanwhile_is_refused_not_moved_to_another(rasa: RasaClient, sessions: Any) -> None:
    ids = await seed(sessions, "rasa:web-6")
    sender = "web-6"
    await answer(rasa, sender, "indicador", "agua")  # chosen for the period due 31/03/2026
    await answer(rasa, sender, "valor", "40")
    await answer(rasa, sender, "nota", "ninguna")
    await answer(rasa, sender, "confirmar_reporte", "sí")
    async with UnitOfWork(sessions) as uow:  # meanwhile Ana reports that period
        ana = await uow.people.get_or_create("rasa:ana", name="Ana")
        water = await uow.session.get(Indicator, ids["agua"])
        assert water is not None
        await uow.plan.report(water, value=30, note=None, evidence_kind=None, evidence=None, person=ana,
                              today=date(2026, 4, 1))
    said = texts(await rasa.run(SUBMIT, sender))
    assert "Ana ya reportó 30 % en «Hogares con agua diaria» para el periodo que vence el 31/03/2026" in said
    assert "no guardé el tuyo (40 %)" in said and "Registré" not in said
    assert [(r.value, r.period_due) for r in await reports(sessions)] == [(30, date(2026, 3, 31))]


async def test_someone_without_a_secretariat_is_told_how_to_join(rasa: RasaClient) -> None:
    said = await answer(rasa, "web-5", "indicador", "agua")
    assert "necesitas pertenecer a un secretariado" in texts(said)
    assert rasa.slots["web-5"]["indicador"] is None and rasa.slots["web-5"]["requested_slot"] is None


async def test_commitments_and_indicators_show_what_telegram_shows(rasa: RasaClient, sessions: Any) -> None:
    await seed(sessions, "tg:778")
    await link_sender(rasa, sessions, "tg:778", "778")
    rasa.says("778", "qué indicadores tenemos", "ver_indicadores")
    indicators = texts(await rasa.run("action_cocrea_indicadores", "778"))
    assert "Hogares con agua diaria" in indicators and "Presupuesto ejercido" in indicators
    rasa.says("778", "ver compromisos", "ver_compromisos")
    assert "Agua para todas las colonias" in texts(await rasa.run("action_cocrea_compromisos", "778"))


async def test_the_day_is_the_secretariats_not_the_servers(rasa: RasaClient, sessions: Any, clock: Clock) -> None:
    """At 23:30 on 31 March in Mexico City it is already 1 April in UTC: the report is for 31/03, as
    the person sees the date, and the form's "today" is theirs."""
    clock.moment = datetime(2026, 4, 1, 5, 30, tzinfo=UTC)  # 23:30 on 31/03 in America/Mexico_City
    ids = await seed(sessions, "rasa:web-7", frequency="mensual")
    sender = "web-7"
    async with UnitOfWork(sessions) as uow:
        person = await uow.people.get("rasa:web-7")
        secretariat = await uow.secretariats.acting_for(person)
    assert secretariat.timezone == "America/Mexico_City"
    cocrea = Cocrea(Conversation(lambda: CONTENT, sessions), sessions, lambda: CONTENT, clock)
    assert cocrea.today(secretariat) == date(2026, 3, 31)
    await answer(rasa, sender, "indicador", "agua")
    assert rasa.slots[sender]["indicador"] == f"{ids['agua']}@2026-03-31"
    await answer(rasa, sender, "valor", "40")
    await answer(rasa, sender, "nota", "ninguna")
    await answer(rasa, sender, "confirmar_reporte", "sí")
    said = texts(await rasa.run(SUBMIT, sender))
    assert "31 de marzo de 2026" in said
    assert [(r.value, r.period_due) for r in await reports(sessions)] == [(40, date(2026, 3, 31))]
