"""Injection: HTML in names and answers arrives escaped on Telegram, Jinja in answers is shown as
typed (never evaluated), SQL-looking text is stored verbatim, and the sandbox refuses attribute tricks
in admin content (the checker reports them; rendering raises a TemplateProblem, never executes).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import func, select

from flows import engine, templating
from flows.checker import check
from flows.events import ContentError, MessageOut
from flows.inputs import Begin
from flows.loader import default_content_dir, load
from storage import UnitOfWork
from storage.models import Person
from tests.bot.telegram.conftest import Client, Harness
from tests.hardening.conftest import NOW

TRICKS = ["{{ ''.__class__.__mro__ }}", "{{ answers.__class__ }}", "{{ cycler.__init__.__globals__ }}",
          "{{ lipsum.__globals__['os'].popen('id').read() }}", "{{ person.__class__.__base__.__subclasses__() }}",
          "{{ joiner.__init__.__globals__.__builtins__ }}", "{% for x in range(10**9) %}{% endfor %}",
          "{{ self._TemplateReference__context }}", "{{ ().__class__.__base__.__subclasses__() }}"]


async def onboard(client: Client, name: str) -> tuple[str, list[dict[str, Any]]]:
    """Through the privacy notice and the name; what the bot answered the name (read, and as sent)."""
    await client.send("/start")
    await client.tap("Sí")
    said = await client.send(name)
    raw = client.since("sendMessage")
    await client.tap("Sociedad civil")  # the person's row is written at the end of the onboarding
    return said, raw


async def stored_name(harness: Harness, user_id: int) -> str | None:
    async with UnitOfWork(harness.sessions) as uow:
        person = await uow.people.get(f"tg:{user_id}")
        return person.name if person else None


async def test_html_in_a_name_arrives_escaped(harness: Harness) -> None:
    client = harness.client(6101, first_name="<b>Ana</b>")
    name = "<b>Lupita</b> & <a href='x'>yo</a>"
    said, raw = await onboard(client, name)
    assert raw and all(p.get("parse_mode") == "HTML" for p in raw)
    sent = "\n".join(p["text"] for p in raw)
    assert "&lt;b&gt;Lupita&lt;/b&gt; &amp; &lt;a href=" in sent and "<b>Lupita" not in sent
    assert name in said  # as the person reads it: exactly what they typed
    assert await stored_name(harness, 6101) == name


async def test_jinja_in_an_answer_is_shown_literally(harness: Harness) -> None:
    client = harness.client(6102)
    said, _ = await onboard(client, "{{ 7*7 }} {% if true %}sí{% endif %}")
    assert "{{ 7*7 }} {% if true %}sí{% endif %}" in said and "49" not in said
    said = await client.send("/mis_datos")
    assert "{{ 7*7 }}" in said


async def test_sql_looking_text_is_stored_verbatim_and_harmless(harness: Harness) -> None:
    name = "Robert'); DROP TABLE people; --"
    client = harness.client(6103)
    await onboard(client, name)
    await harness.client(6104).send("/start")
    assert await stored_name(harness, 6103) == name
    async with UnitOfWork(harness.sessions) as uow:
        assert await uow.session.scalar(select(func.count()).select_from(Person)) == 2


@pytest.mark.parametrize("trick", TRICKS)
def test_the_sandbox_refuses_attribute_tricks_when_rendering(trick: str) -> None:
    with pytest.raises(templating.TemplateProblem):
        templating.render(trick, {"answers": {}, "person": {"name": "Ana"}})


@pytest.mark.parametrize("trick", TRICKS[:6])
def test_the_checker_reports_attribute_tricks(trick: str) -> None:
    tree = templating.parse_template(trick)
    assert templating.unsafe_attributes(tree)


def test_a_trick_in_running_content_becomes_a_content_error_not_output(tmp_path: Path) -> None:
    """If such a text slipped past the checker into running content, the engine reports it, shows nothing."""
    directory = tmp_path / "content"
    shutil.copytree(default_content_dir(), directory)
    kit = directory / "kits" / "kit1.yaml"
    flow = yaml.safe_load(kit.read_text(encoding="utf-8"))
    first = flow["steps"][0]
    assert first["type"] == "message"
    first["text"] = TRICKS[0]
    kit.write_text(yaml.safe_dump(flow, allow_unicode=True, sort_keys=False), encoding="utf-8")
    content, problems = load(directory)
    assert any("__class__" in str(p) for p in problems + check(content))
    _, events = engine.step(content, engine.start("kit1"), Begin(), NOW, {})
    errors = [e for e in events if isinstance(e, ContentError)]
    text = "\n".join(e.text for e in events if isinstance(e, MessageOut))
    assert errors and "mro" not in text and "<class" not in text and "object" not in text


def test_answers_with_template_syntax_are_never_rendered_as_templates() -> None:
    """An answer reaches a template as a value: Jinja does not evaluate a value's own braces."""
    out = templating.render("Hola {{ person.name }}", {"person": {"name": "{{ ''.__class__ }} {{ 7*7 }}"}})
    assert out == "Hola {{ ''.__class__ }} {{ 7*7 }}"


async def test_no_message_text_echoes_raw_html_from_the_person(harness: Harness) -> None:
    client = harness.client(6105)
    await onboard(client, "Ana")
    await client.send("<script>alert(1)</script>")  # at the sector question: refused, maybe echoed
    for params in client.since("sendMessage"):
        assert "<script>" not in params["text"]

