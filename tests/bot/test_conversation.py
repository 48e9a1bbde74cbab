"""The shared loop, in process: consent first, kits, resuming, progress, duplicate updates."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.conversation import Conversation, Reply
from flows.inputs import Command, Input, Tap, Text
from flows.loader import load_checked
from storage import UnitOfWork
from storage.models import Commitment, FlowRun, Person

CONTENT = load_checked()


class Member:
    """One person talking to the loop, remembering the last buttons like a client would."""

    def __init__(self, conversation: Conversation, key: str) -> None:
        self.conversation, self.key = conversation, key
        self.reply = Reply()
        self.step_id: str | None = None

    async def send(self, inp: Input | str, update: tuple[str, int] | None = None) -> str:
        if isinstance(inp, str):
            inp = Command(inp[1:]) if inp.startswith("/") else Text(inp)
        self.reply = await self.conversation.handle(self.key, inp, update=update)
        for message in self.reply.messages:
            if message.step_id:
                self.step_id = message.step_id
        return self.said

    async def tap(self, label: str) -> str:
        for message in reversed(self.reply.messages):
            for button in message.buttons:
                if button.label == label:
                    return await self.send(Tap(button.value, message.step_id))
        raise AssertionError(f"no button {label!r} in {self.said!r}")

    @property
    def said(self) -> str:
        return "\n".join(m.text for m in self.reply.messages)


@pytest.fixture
def conversation(sessions: object) -> Conversation:
    return Conversation(lambda: CONTENT, sessions, default_secretariat="Secretariado de prueba")


async def person(sessions: object, key: str) -> Person | None:
    async with UnitOfWork(sessions) as uow:  # type: ignore[arg-type]
        return await uow.people.get(key)


async def onboard(member: Member) -> None:
    await member.send("/start")
    await member.tap("Sí")
    await member.send("Lupita")
    await member.tap("Sociedad civil")


async def into_kit5(member: Member) -> None:
    """Onboarded, in Kit 5, with its first question answered: on Paso 2."""
    await onboard(member)
    await member.tap("Kit 5 · Definir compromisos de manera participativa")
    await member.send("1")


async def test_consent_comes_before_anything_else_is_stored(conversation: Conversation, sessions: object) -> None:
    ana = Member(conversation, "tg:1001")
    said = await ana.send("/start")
    assert "aviso de privacidad" in said
    said = await ana.tap("No")
    assert "no guardaré ningún dato tuyo" in said
    stored = await person(sessions, "tg:1001")
    assert stored is not None and stored.consent_at is None and stored.name is None
    said = await ana.send("/kits")
    assert "aviso de privacidad" in said  # no kit before consent


async def test_onboarding_then_a_kit_then_resume_where_it_was(conversation: Conversation, sessions: object) -> None:
    lupita = Member(conversation, "tg:1002")
    await onboard(lupita)
    stored = await person(sessions, "tg:1002")
    assert stored is not None and stored.name == "Lupita" and stored.sector == "sociedad_civil"
    assert stored.consent_at is not None
    said = await lupita.tap("Kit 5 · Definir compromisos de manera participativa")
    assert "Paso 1 de" in said
    await lupita.send("1, 2")
    said = await lupita.send("Agua con horarios claros")
    assert "Paso 3 de" in said
    await lupita.send("pausa")
    said = await lupita.send("/progreso")
    assert "Kit 5 · Definir compromisos de manera participativa: en pausa (paso 3 de" in said
    said = await lupita.send("/continuar")
    assert "Retomamos «Kit 5 · Definir compromisos de manera participativa»" in said
    assert "Paso 3 de" in said


async def test_kits_menu_and_back_to_a_started_kit(conversation: Conversation) -> None:
    member = Member(conversation, "cli:beto")
    await into_kit5(member)
    said = await member.send("/kits")
    assert "¿Cuál quieres trabajar?" in said
    said = await member.tap("Kit 5 · Definir compromisos de manera participativa")
    assert "Ya habías empezado «Kit 5" in said and "Paso 2 de" in said


async def test_a_repeated_update_is_ignored(conversation: Conversation, sessions: object) -> None:
    member = Member(conversation, "tg:1003")
    await member.send("/start", update=("telegram", 1))
    await member.send(Tap("si", member.step_id), update=("telegram", 2))
    assert "¿Cómo te gustaría que te llame?" in member.said
    await member.send(Tap("si", "consentimiento"), update=("telegram", 2))
    assert member.reply.duplicate and member.reply.messages == []
    async with UnitOfWork(sessions) as uow:  # type: ignore[arg-type]
        runs = await uow.session.scalar(select(func.count()).select_from(FlowRun))
    assert runs == 1


async def test_kit5_leaves_a_draft_commitment(conversation: Conversation, sessions: object) -> None:
    member = Member(conversation, "cli:carla")
    await onboard(member)
    await member.tap("Kit 5 · Definir compromisos de manera participativa")
    for answer in ("1, 2", "Agua con horarios claros",
                   "En 40 colonias del oriente de Xalapa el agua llega sin horario fijo ni aviso.",
                   "3,200 reportes de falta de agua en 2023", "Tuberías viejas y tandeo sin reglas",
                   "Unas 60,000 personas", "Vecinas de 6 colonias, el municipio y la universidad",
                   "Afecta a más personas", "Publicar el calendario de tandeo cada semana",
                   "La comisión de agua publicará cada semana el calendario de tandeo por colonia.",
                   "1, 3", "Los horarios se publican y hay un buzón con respuesta en 10 días",
                   "Comisión Municipal de Agua de Xalapa", "saltar", "saltar",
                   "Modesto"):  # the group's judgement of its potential for results
        said = await member.send(answer)
    assert "Agua con horarios claros" in said
    await member.tap("Confirmar")
    async with UnitOfWork(sessions) as uow:  # type: ignore[arg-type]
        commitment = await uow.session.scalar(select(Commitment))
    assert commitment is not None
    assert commitment.title == "Agua con horarios claros"
    assert commitment.fields["ogp_values"] == ["transparencia", "rendicion_de_cuentas"]
    assert commitment.fields["lead_institution"] == "Comisión Municipal de Agua de Xalapa"
    assert commitment.status == "borrador"


async def test_glossary_answers_questions_and_the_kit_goes_on(conversation: Conversation) -> None:
    member = Member(conversation, "cli:dora")
    await into_kit5(member)
    said = await member.send("¿Qué es la línea base?")
    assert "Línea base" in said.split("\n")[0]
    assert "Paso 2 de" in said  # the question they were on, asked again
    said = await member.send("glosario indicadr")
    assert "«Indicador»" in said
    said = await member.send("/glosario")
    assert "Hito" in said or "hito" in said
    said = await member.send("Agua con horarios claros")
    assert "Paso 3 de" in said


async def test_a_question_form_that_is_not_in_the_glossary_is_an_answer(conversation: Conversation) -> None:
    member = Member(conversation, "cli:eli")
    await into_kit5(member)
    said = await member.send("Qué es lo que falta en las colonias del oriente")
    assert "Paso 3 de" in said


async def test_an_unknown_term_asked_at_a_question_is_never_saved_as_the_answer(
        conversation: Conversation, sessions: object) -> None:
    member = Member(conversation, "cli:gala")
    await into_kit5(member)
    said = await member.send("¿Qué es el cuórum?")
    assert "No tengo «cuorum» en el glosario; ¿quisiste decir «Quórum»?" in said
    assert "«Cuorum»" not in said and "«Cuórum»" not in said  # the typo is not offered back
    assert "Paso 2 de" in said  # the same question, asked again
    said = await member.send("qué significa gobernanza algorítmica")
    assert "No tengo «gobernanza algoritmica» en el glosario" in said
    assert "Paso 2 de" in said
    said = await member.send("Agua con horarios claros")
    assert "Paso 3 de" in said
    async with UnitOfWork(sessions) as uow:  # type: ignore[arg-type]
        run = await uow.session.scalar(select(FlowRun).where(FlowRun.flow_id == "kit5"))
    assert run is not None
    assert "cuórum" not in str(run.state).lower() and "gobernanza" not in str(run.state).lower()


async def test_a_term_question_outside_a_kit_does_not_open_the_kit_menu(conversation: Conversation) -> None:
    member = Member(conversation, "cli:hugo")
    await onboard(member)
    await member.tap("Kit 5 · Definir compromisos de manera participativa")
    await member.send("pausa")
    said = await member.send("¿qué es el cuórum?")
    assert "¿quisiste decir «Quórum»?" in said
    assert "Kit 5 · Definir" not in said and "Paso" not in said
    said = await member.send("¿Qué es el quórum?")
    assert said.startswith("📖 Quórum:")
    assert "Kit 5 · Definir" not in said


async def test_self_diagnosis_from_its_command(conversation: Conversation) -> None:
    member = Member(conversation, "cli:fer")
    await onboard(member)
    said = await member.send("/autodiagnostico")
    assert "Paso 1 de 16" in said
