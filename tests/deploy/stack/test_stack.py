"""The deployment as an operator runs it, exercised from the host (`make test-deploy`).

One scenario in steps that build on each other (pytest runs them in this order; -x stops at the first
failure): the image alone; the stack started in any order and healthy; the webhook's secret; /healthz
and /metrics inside only; a person through nginx over three bot processes; one of them killed, the
reminders leader among them; `down` and `up` keeping every row.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

from tests.bot.rasa.conftest import RasaClient, texts
from tests.bot.telegram.e2e.conftest import Person
from tests.bot.telegram.e2e.test_polling import KIT5_ANSWERS, join_and_onboard
from tests.deploy.stack.conftest import (
    BOTS,
    IMAGE,
    PROJECT,
    ROOT,
    RemoteBotApi,
    Stack,
    eventually,
    http,
    report,
    run,
)

PERSON = 7301
DIGEST_CHAT = 7302  # the chat the due messages go to
ACTIONS_TOKEN = "test-actions-token"  # tests/deploy/compose.test.yaml gives it to the action server
state: dict[str, Any] = {}  # what one step leaves for the next


# -- 1. the image alone ----------------------------------------------------------------------------------
def test_the_image_runs_every_command_with_its_defaults(stack: Stack) -> None:
    assert run("docker", "run", "--rm", IMAGE, "cocrea", "health").strip() == "bien"  # SQLite in /app/data
    volume = f"{PROJECT}-image-data"
    try:
        script = """set -e
            test "$(id -u)" != 0
            cocrea db upgrade
            cocrea secretariat add "STL Imagen"
            cocrea invite "STL Imagen" --role member
            cocrea content check
            cocrea content stats >/dev/null
            cocrea content graph 5 >/dev/null
            cocrea content versions
            cocrea content schema --dir /tmp/schema
            cocrea export "STL Imagen" -f md >/dev/null
            cocrea export "STL Imagen" -f xlsx -o /tmp/plan.xlsx
            cocrea reminders tick
            cocrea db copy --to sqlite:////tmp/copy.db
            echo hola | cocrea chat >/dev/null
            cocrea health"""
        out = run("docker", "run", "--rm", "-v", f"{volume}:/app/data", IMAGE, "sh", "-c", script, timeout=300)
        assert "contenido correcto" in out and out.rstrip().endswith("bien")
        # The rows stay in the volume; the root filesystem and the content can be read-only.
        out = run("docker", "run", "--rm", "--read-only", "--tmpfs", "/tmp", "-v", f"{volume}:/app/data",
                  "-v", f"{ROOT / 'content'}:/app/content:ro", IMAGE,
                  "sh", "-c", 'cocrea invite "STL Imagen" --role member && cocrea content check')
        assert "STL Imagen" in out and "contenido correcto" in out
        # `cocrea actions` serves; `cocrea run` without a token says what is missing.
        server = run("docker", "run", "-d", "-e", "COCREA_ACTIONS_TOKEN=test-actions-token",
                     "-v", f"{volume}:/app/data", IMAGE, "cocrea", "actions").strip()
        try:
            eventually("the action server to answer /health", lambda: _answers(stack, server), timeout=60)
        finally:
            run("docker", "rm", "-f", server)
        bare = run("docker", "run", "--rm", IMAGE, "sh", "-c", "cocrea run 2>&1; echo exit=$?")
        assert "falta COCREA_TELEGRAM_TOKEN" in bare and "exit=2" in bare
    finally:
        run("docker", "volume", "rm", "-f", volume, check=False)
    # Nothing to build with, no caches, no tests (the project's or the dependencies').
    leftovers = run("docker", "run", "--rm", IMAGE, "sh", "-c",
                    "command -v gcc cc make; ls -d /build ~/.cache 2>/dev/null; "
                    "find / -xdev \\( -name tests -o -name conftest.py -o -name .pytest_cache \\) "
                    "2>/dev/null; true")
    assert leftovers.strip() == ""


def _answers(stack: Stack, container: str) -> bool:
    if run("docker", "inspect", "-f", "{{.State.Running}}", container).strip() != "true":
        raise AssertionError(f"the container exited:\n{run('docker', 'logs', container, check=False)}")
    try:
        return stack.inside(container, "http://127.0.0.1:5055/health")[0] == 200
    except AssertionError:  # not listening yet
        return False


# -- 2. the stack, in any order ------------------------------------------------------------------------
def test_nginx_starts_before_any_bot_and_the_stack_comes_up_healthy(stack: Stack) -> None:
    stack.compose("up", "-d", "--no-deps", "proxy")
    (proxy,) = stack.containers("proxy")
    # No bot yet: nginx runs and answers 502 (Telegram retries) instead of exiting on an unknown host.
    status, _ = eventually("nginx to answer", lambda: _post(stack, {"update_id": 1}, stack.secret), timeout=30)
    assert status == 502
    time.sleep(2)
    assert stack.inspect(proxy, "{{.State.Status}} {{.RestartCount}}") == "running 0"

    started = time.monotonic()
    stack.compose("up", "-d", "--wait", "--scale", f"bot={BOTS}", timeout=600)
    report(f"from `up` to every service healthy: {time.monotonic() - started:.0f} s")
    states = stack.health()
    assert sorted(k.split("#")[0] for k in states) == sorted(
        ["actions", "fakeapi", "migrate", "postgres", "proxy"] + ["bot"] * BOTS), states
    for name, value in states.items():
        expected = "exited 0" if name.startswith("migrate#") else "running healthy"
        assert value == expected, states
    assert stack.inspect(proxy, "{{.RestartCount}}") == "0"


def _post(stack: Stack, update: dict[str, Any], secret: str | None) -> tuple[int, str] | None:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    try:
        return http("POST", stack.hook, json.dumps(update).encode(), headers)
    except OSError:
        return None


# -- 3. what the internet can reach ----------------------------------------------------------------------
def test_the_webhook_refuses_calls_without_the_secret(stack: Stack) -> None:
    update = {"update_id": 900_001, "message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"},
                                                "text": "/start"}}
    assert _post(stack, update, None) == (403, "")
    assert _post(stack, update, "not-the-secret") == (403, "")
    registered = RemoteBotApi(stack.fakeapi).get("webhook")  # each process set it, with the secret
    assert registered == {"url": stack.env["COCREA_WEBHOOK_URL"], "secret_token": stack.secret}


def test_health_and_metrics_answer_inside_and_not_through_nginx(stack: Stack) -> None:
    for path in ("/healthz", "/metrics"):
        assert http("GET", stack.public + path)[0] == 404
    bots = stack.containers("bot")
    assert len(bots) == BOTS
    for bot in bots:
        assert stack.inside(bot, "http://127.0.0.1:8080/healthz") == (200, "ok\n")
        status, body = stack.inside(bot, "http://127.0.0.1:8080/metrics")
        assert status == 200 and "cocrea_updates_total" in body
        assert re.search(r"^cocrea_outbox_depth 0(\.0)?$", body, re.M), body
    (actions,) = stack.containers("actions")
    assert stack.inside(actions, "http://127.0.0.1:5055/health")[0] == 200


def test_the_action_server_answers_rasas_webhook_on_the_stacks_network(stack: Stack) -> None:
    rasa = RasaClient(None)  # type: ignore[arg-type] - only its request bodies
    rasa.says("deploy-test", "hola", "saludar")
    token = ACTIONS_TOKEN
    (bot,) = stack.containers("bot")[:1]  # any container of the stack's network, as Rasa would be
    status, body = stack.post_inside(bot, f"http://actions:5055/webhook?token={token}",
                                     rasa.body("action_cocrea_inicio", "deploy-test"),
                                     {"Authorization": f"Bearer {token}"})
    assert status == 200, body
    assert "aviso de privacidad" in texts(json.loads(body))


# -- 4. a person, through nginx, over three bots ---------------------------------------------------------
def test_a_person_joins_and_answers_three_steps_over_three_bots_in_order(stack: Stack) -> None:
    api = RemoteBotApi(stack.fakeapi)
    stack.cli("secretariat", "add", "STL Xalapa")
    out = stack.cli("invite", "STL Xalapa", "--role", "member")
    prefix = "enlace: https://t.me/cocrea_e2e_bot?start="
    code = next(line for line in out.splitlines() if line.startswith(prefix))[len(prefix):]
    bots = stack.containers("bot")
    before = sum(stack.metric(bot, "cocrea_updates_total") for bot in bots)
    posted = 0

    def deliver(body: dict[str, Any]) -> None:
        nonlocal posted
        assert _post(stack, api.new_update(body), stack.secret) == (200, "")  # handled before the 200
        posted += 1

    person = Person(api, PERSON, deliver=deliver)  # type: ignore[arg-type]
    said = join_and_onboard(person, code)
    assert "¡Listo! Ya formas parte de «STL Xalapa» como integrante." in said
    for answer in KIT5_ANSWERS[:3]:
        person.answer(answer)
    assert _stored_answers(stack) == {"mecanismos": ["mesas_de_trabajo", "encuesta"],
                                      "titulo": KIT5_ANSWERS[1], "problema": KIT5_ANSWERS[2]}
    chat = "\n".join(m.get("text", "") for m in api.sent_to(PERSON))
    assert "Inténtalo de nuevo" not in chat and "algo falló" not in chat
    steps = [chat.index(f"Paso {n} de") for n in range(1, 5)]
    assert steps == sorted(steps)  # asked in order: each update handled after the one before

    # Every process takes its share of the calls (nginx spreads them): a few more updates with no
    # person in them make a share of zero practically impossible, then each is counted exactly once.
    for _ in range(30):
        deliver({})
    counts = [stack.metric(bot, "cocrea_updates_total") for bot in bots]
    assert sum(counts) - before == posted, counts
    assert all(count > 0 for count in counts), counts
    report(f"updates per bot process: {[int(c) for c in counts]}")
    state["person"], state["posted"] = person, posted


def _stored_answers(stack: Stack) -> dict[str, Any]:
    (row,) = stack.psql("SELECT state FROM flow_runs WHERE flow_id = 'kit5'")
    answers = json.loads(row[0])["answers"]
    return {k: v for k, v in answers.items() if k in ("mecanismos", "titulo", "problema", "linea_base", "causas")}


# -- 5. a bot process killed: the reminders leader ---------------------------------------------------------
def test_the_reminders_leader_is_killed_and_the_person_and_the_reminders_go_on(stack: Stack) -> None:
    person: Person = state["person"]
    leaders = stack.psql("SELECT application_name FROM pg_stat_activity "
                         "WHERE application_name LIKE 'cocrea reminders leader%'")
    assert len(leaders) == 1, leaders
    hostname = leaders[0][0].removeprefix("cocrea reminders leader ").rsplit(":", 1)[0]
    leader = next(bot for bot in stack.containers("bot") if stack.inspect(bot, "{{.Config.Hostname}}") == hostname)
    run("docker", "kill", leader)

    said = person.answer(KIT5_ANSWERS[3])  # through nginx, to whichever processes are alive
    assert "Paso 5 de" in said
    assert _stored_answers(stack)["linea_base"] == KIT5_ANSWERS[3]

    (secretariat,) = stack.psql("SELECT id FROM secretariats WHERE name = 'STL Xalapa'")[0]
    # A broadcast: sent whatever the hour (a digest would wait for the secretariat's 09:00-19:00 window,
    # and this test runs at any hour of Xalapa's day).
    stack.psql("INSERT INTO outbox (key, kind, secretariat_id, channel, address, item_kind, item_id, period, rule, "
               "due_at, body, status, attempts, next_attempt_at, created_at) VALUES ('deploy-test', 'broadcast', "
               f"{secretariat}, 'telegram', '{DIGEST_CHAT}', 'broadcast', {secretariat}, NULL, "
               "'broadcast', now(), 'Resumen de prueba', 'pending', 0, now(), now())")
    api = RemoteBotApi(stack.fakeapi)
    eventually("another process to take the lead and send the due message",
               lambda: api.sent_to(DIGEST_CHAT), timeout=120, every=1)
    assert stack.psql("SELECT status FROM outbox WHERE key = 'deploy-test'") == [["sent"]]
    assert [m["text"] for m in api.sent_to(DIGEST_CHAT)] == ["Resumen de prueba"]  # exactly once
    leaders = stack.psql("SELECT application_name FROM pg_stat_activity "
                         "WHERE application_name LIKE 'cocrea reminders leader%'")
    assert len(leaders) == 1 and hostname not in leaders[0][0]


# -- 6. down and up ------------------------------------------------------------------------------------------
def test_down_and_up_keep_every_row_and_the_person_goes_on(stack: Stack) -> None:
    person: Person = state["person"]
    tables = ("people", "memberships", "secretariats", "flow_runs", "outbox", "invites")
    count = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in tables)
    before = stack.psql(count)
    answers = _stored_answers(stack)
    dangling = set(run("docker", "volume", "ls", "-q", "--filter", "dangling=true").split())
    stack.compose("down", timeout=300)  # the containers go; the named volume stays
    assert stack.containers("postgres") == []
    assert set(run("docker", "volume", "ls", "-q", "--filter", "dangling=true").split()) - dangling == {
        f"{PROJECT}_pgdata"}  # and nothing else: no anonymous volume left behind
    started = time.monotonic()
    stack.compose("up", "-d", "--wait", "--scale", f"bot={BOTS}", timeout=600)
    report(f"from `up` to healthy again, on the kept volume: {time.monotonic() - started:.0f} s")
    assert stack.psql(count) == before
    assert _stored_answers(stack) == answers
    person.mark = 0  # the fake Bot API server started afresh: an empty chat on Telegram's side
    said = person.answer(KIT5_ANSWERS[4])
    assert "Paso 6 de" in said
