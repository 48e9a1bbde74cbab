"""`cocrea run` by long polling, as a new member meets it: invite link, consent, Kit 5, a saved commitment."""

from __future__ import annotations

import sqlite3

from tests.bot.telegram.e2e.conftest import Cocrea, Person
from tests.bot.telegram.e2e.fake_api import FakeBotApi

KIT5_ANSWERS = (
    "Mesas de trabajo y Encuesta",
    "Agua con horarios claros",
    "Desde hace años, en unas 40 colonias del oriente de Xalapa el agua llega por tandeo sin horario fijo ni aviso.",
    "3,200 reportes de falta de agua en 2023 según la comisión municipal",
    "Tuberías con más de 40 años, fugas y un tandeo que se decide sin reglas públicas.",
    "Unas 60,000 personas, sobre todo mujeres que cuidan a otras personas y comercios pequeños.",
    "Unas 45 personas del gobierno municipal, dos colectivos vecinales y la universidad.",  # who took part
    "Votamos por el problema que afecta a más personas y se puede avanzar en dos años.",  # the criteria
    "Publicar cada semana el calendario de tandeo en datos abiertos y en carteles, con un buzón que responda "
    "en 10 días.",
    "La comisión de agua publicará cada semana el calendario de tandeo por colonia.",  # ¿qué es el compromiso?
    "1, 2",
    "Transparencia: el calendario se publica. Participación: los comités vecinales revisan el calendario cada mes.",
    "Comisión Municipal de Agua Potable y Saneamiento de Xalapa",
    "saltar",  # supporting actors
    "saltar",  # budget and resources
    "Modesto",  # the group's judgement of its potential for results
)


def kit_button(person: Person, number: int) -> str:
    for message in reversed(person.api.sent_to(person.id)):
        for row in message.get("reply_markup", {}).get("inline_keyboard", []):
            for button in row:
                if button["text"].startswith(f"Kit {number} ·"):
                    return str(button["text"])
    raise AssertionError(f"no Kit {number} button")


def join_and_onboard(person: Person, code: str) -> str:
    """From the invite link to the first question of Kit 5; what the bot said on the way."""
    person.send(f"/start {code}")
    said = person.wait_question()
    said += person.answer("Sí")
    said += person.answer("Rogelio")
    said += person.answer("Gobierno")
    said += person.answer(kit_button(person, 5))
    return said


def query(cocrea: Cocrea, sql: str, *params: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(cocrea.database) as db:
        return list(db.execute(sql, params))


def test_a_member_walks_from_the_invite_link_to_a_saved_commitment(api: FakeBotApi, cocrea: Cocrea) -> None:
    code = cocrea.invite("member")
    cocrea.start()
    rogelio = Person(api, 7001)

    said = join_and_onboard(rogelio, code)
    assert "(STL Xalapa)" in said and "aviso de privacidad" in said
    assert "¡Listo! Ya formas parte de «STL Xalapa» como integrante." in said
    assert "Paso 1 de" in said

    for answer in KIT5_ANSWERS:
        rogelio.answer(answer)
    rogelio.tap("Confirmar")
    said = rogelio.wait_for("¡Gran trabajo, Rogelio!")
    assert "Guardé el compromiso «Agua con horarios claros» como borrador de tu secretariado (STL Xalapa)" in said

    assert query(cocrea, "SELECT c.title, s.name FROM commitments c JOIN secretariats s ON s.id = c.secretariat_id"
                 ) == [("Agua con horarios claros", "STL Xalapa")]
    assert query(cocrea, "SELECT p.key, p.name, p.sector, m.role FROM people p JOIN memberships m "
                 "ON m.person_id = p.id") == [("tg:7001", "Rogelio", "gobierno", "member")]
    assert all(p.get("parse_mode") == "HTML" for p in api.of("sendMessage"))
    assert api.of("answerCallbackQuery"), "every tap is answered"

    assert cocrea.stop() == 0  # SIGTERM: a clean exit
