"""`cocrea run` in webhook mode, killed mid-kit, and flooded by one person: nothing lost, nothing reordered."""

from __future__ import annotations

import json
import signal
import sqlite3
import time
import urllib.error
import urllib.request
from typing import Any

from tests.bot.telegram.e2e.conftest import Cocrea, Person, free_port
from tests.bot.telegram.e2e.fake_api import FakeBotApi
from tests.bot.telegram.e2e.test_polling import KIT5_ANSWERS, join_and_onboard

SECRET = "e2e-secret_123"
KIT5 = "Kit 5 · Definir compromisos de manera participativa"


def answers(cocrea: Cocrea, flow_id: str = "kit5") -> dict[str, Any]:
    with sqlite3.connect(cocrea.database) as db:
        (state,) = db.execute("SELECT state FROM flow_runs WHERE flow_id = ? ORDER BY id DESC", (flow_id,)).fetchone()
    return dict(json.loads(state)["answers"])


def post(url: str, body: dict[str, Any], secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return exc.code
        except urllib.error.URLError:  # the webhook server may be a moment behind setWebhook
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_webhook_mode_checks_the_secret_and_walks_a_member_to_a_saved_commitment(
        api: FakeBotApi, cocrea: Cocrea) -> None:
    code = cocrea.invite("member")
    port = free_port()
    hook = f"http://127.0.0.1:{port}/hook"
    cocrea.start(COCREA_WEBHOOK_URL=hook, COCREA_WEBHOOK_SECRET=SECRET, COCREA_LISTEN="127.0.0.1",
                 COCREA_PORT=str(port))
    assert api.webhook == {"url": hook, "secret_token": SECRET}

    def deliver(body: dict[str, Any]) -> None:
        assert post(hook, api.new_update(body), SECRET) == 200

    rogelio = Person(api, 7101, deliver=deliver)
    stranger = Person(api, 7102)
    forged = api.new_update(stranger.message("/start"))
    assert post(hook, forged, None) == 403
    assert post(hook, forged, "not-the-secret") == 403

    said = join_and_onboard(rogelio, code)
    assert "¡Listo! Ya formas parte de «STL Xalapa» como integrante." in said
    for answer in KIT5_ANSWERS:
        rogelio.answer(answer)
    rogelio.tap("Confirmar")
    said = rogelio.wait_for("¡Gran trabajo, Rogelio!")
    assert "Guardé el compromiso «Agua con horarios claros»" in said
    assert api.sent_to(stranger.id) == []  # the forged updates did nothing
    assert cocrea.stop() == 0


def test_sigkill_mid_kit_then_continuar_resumes_at_the_same_step_with_every_answer(
        api: FakeBotApi, cocrea: Cocrea) -> None:
    code = cocrea.invite("member")
    cocrea.start()
    rogelio = Person(api, 7201)
    join_and_onboard(rogelio, code)
    for answer in KIT5_ANSWERS[:4]:
        said = rogelio.answer(answer)
    assert "Paso 5 de" in said  # told the fourth answer was taken: it must survive the kill
    before = answers(cocrea)

    assert cocrea.stop(signal.SIGKILL) == -signal.SIGKILL
    cocrea.start()
    rogelio.send("/continuar")
    said = rogelio.wait_question()
    assert f"Retomamos «{KIT5}» donde lo dejaste." in said
    assert "Paso 5 de" in said and "¿Cuáles creen que son las causas del problema?" in said
    assert answers(cocrea) == before
    assert before["titulo"] == KIT5_ANSWERS[1] and before["linea_base"] == KIT5_ANSWERS[3]
    assert before["mecanismos"] == ["mesas_de_trabajo", "encuesta"]

    for answer in KIT5_ANSWERS[4:]:  # and it goes on to the end
        rogelio.answer(answer)
    rogelio.tap("Confirmar")
    rogelio.wait_for("Guardé el compromiso «Agua con horarios claros»")
    assert cocrea.stop() == 0


def test_five_messages_within_100_ms_are_all_handled_in_order(api: FakeBotApi, cocrea: Cocrea) -> None:
    code = cocrea.invite("member")
    cocrea.start()
    rogelio = Person(api, 7301)
    join_and_onboard(rogelio, code)
    rogelio.answer(KIT5_ANSWERS[0])  # the multiple choice; the next five questions take text

    burst = KIT5_ANSWERS[1:6]
    rogelio.mark = len(api.sent_to(rogelio.id))
    started = time.monotonic()
    for text in burst:
        api.queue(rogelio.message(text))
    assert time.monotonic() - started < 0.1
    said = rogelio.wait_for("Paso 7 de")

    stored = answers(cocrea)
    assert [stored[k] for k in ("titulo", "problema", "linea_base", "causas", "poblacion_afectada")] == list(burst)
    steps = [said.index(f"Paso {n} de") for n in range(3, 8)]
    assert steps == sorted(steps)  # each answer taken, then the next question, in order
    assert "Inténtalo de nuevo" not in said
    assert cocrea.stop() == 0
