"""Cocrea's Rasa actions: thin adapters that hand what the person said to `Conversation`.

Every action maps Rasa's sender id to the person (linking.key_for: `rasa:<sender>`, or the person
who linked that sender with a code from Telegram), builds one engine input, calls the one shared
`Conversation` (one unit of work, committed before we answer) and returns the messages as Rasa
responses, with a step's choices as buttons (payloads.rasa_buttons). Commands go through the same
`Conversation` as on Telegram, so those that change data ask for the same confirmation there.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher

from bot.channel import fault_reply
from bot.conversation import Reply
from bot.rasa.cocrea import Cocrea
from bot.rasa.linking import is_link, key_for, link
from bot.rasa.payloads import clean, entity_value, person_key, rasa_buttons, read_message
from bot.rasa.report import ReportSubmit, ReportValidation
from flows.events import MessageOut
from flows.inputs import Command, Input

log = logging.getLogger(__name__)

STEP_SLOT = "cocrea_paso"  # the step the person is on, as the last answer left it (for stories)
TERM_SLOT = "termino"


def utter(dispatcher: CollectingDispatcher, reply: Reply) -> list[EventType]:
    """Send the reply's messages; remember the step the person is now on."""
    step_id: str | None = None
    for message in reply.messages:
        buttons = rasa_buttons(message.buttons, message.step_id)
        if buttons:
            dispatcher.utter_message(text=message.text, buttons=buttons)
        else:
            dispatcher.utter_message(text=message.text)
        step_id = message.step_id or step_id
    return [SlotSet(STEP_SLOT, step_id)] if step_id else []


class CocreaAction(Action):
    """Runs one engine input for the tracker's person and utters what came back."""

    action_name = ""

    def __init__(self, cocrea: Cocrea) -> None:
        self.cocrea = cocrea

    def name(self) -> str:
        return self.action_name

    def input_for(self, tracker: Tracker) -> Input:
        raise NotImplementedError

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
                  ) -> list[EventType]:
        reply = await self.handle(tracker.sender_id, self.input_for(tracker))
        return utter(dispatcher, reply)

    async def handle(self, sender_id: str, inp: Input) -> Reply:
        key = person_key(sender_id)
        try:
            if is_link(inp):  # `/vincular CODE`: acts as the sender itself, before it is resolved
                text, params = await link(self.cocrea.sessions, sender_id, inp.args)
                return Reply([MessageOut(self.cocrea.text(text, **params))])
            key = await key_for(self.cocrea.sessions, sender_id)
            reply = await self.cocrea.conversation.handle(key, inp)
        except Exception as exc:  # the person keeps their progress; a bug's traceback goes to the log
            said = fault_reply(exc, self.cocrea.content())
            if said is None:
                log.exception("error in %s for %s", self.action_name, key)
                said = MessageOut(self.cocrea.text("sorry"))
            return Reply([said])
        for problem in reply.content_errors:
            log.warning("content error for %s: %s", key, problem)
        return reply


class Step(CocreaAction):
    """The person's latest message (typed or a tapped button) as the answer to their current step."""

    action_name = "action_cocrea_paso"

    def input_for(self, tracker: Tracker) -> Input:
        return read_message(tracker.latest_message or {})


class Start(CocreaAction):
    """A greeting: the privacy notice for someone new, else where they were (as /start)."""

    action_name = "action_cocrea_inicio"

    def input_for(self, tracker: Tracker) -> Input:
        return Command("start")


class Kits(CocreaAction):
    action_name = "action_cocrea_kits"

    def input_for(self, tracker: Tracker) -> Input:
        return Command("kits")


class Continue(CocreaAction):
    """"sigamos con el kit 5": that kit (entity `kit`), else the kit the person was last on."""

    action_name = "action_cocrea_continuar"

    def input_for(self, tracker: Tracker) -> Input:
        kit = entity_value(tracker.latest_message or {}, "kit") or ""
        digits = "".join(ch for ch in kit if ch.isdigit())
        return Command("continuar", digits)


class Commitments(CocreaAction):
    action_name = "action_cocrea_compromisos"

    def input_for(self, tracker: Tracker) -> Input:
        return Command("compromisos")


class Indicators(CocreaAction):
    action_name = "action_cocrea_indicadores"

    def input_for(self, tracker: Tracker) -> Input:
        return Command("indicadores")


class Glossary(CocreaAction):
    """The term from the entity or slot `termino`; else the whole question («¿qué es la línea base?»)."""

    action_name = "action_cocrea_glosario"

    def input_for(self, tracker: Tracker) -> Input:
        latest = tracker.latest_message or {}
        term = entity_value(latest, TERM_SLOT) or tracker.get_slot(TERM_SLOT) or latest.get("text") or ""
        return Command("glosario", str(term).strip())

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
                  ) -> list[EventType]:
        events = await super().run(dispatcher, tracker, domain)
        return [*events, SlotSet(TERM_SLOT, None)]  # the next question starts afresh


STEP_ACTIONS: tuple[type[CocreaAction], ...] = (Start, Step, Kits, Continue, Commitments, Indicators, Glossary)


class CleanExecutor(ActionExecutor):
    """rasa-sdk's executor, handing the actions what Rasa sent without lone surrogates (payloads.clean)."""

    async def run(self, action_call: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        return await super().run(clean(action_call), *args, **kwargs)


def build_executor(cocrea: Cocrea) -> ActionExecutor:
    """An ActionExecutor with every Cocrea action registered, each sharing `cocrea`."""
    executor = CleanExecutor()
    for action in STEP_ACTIONS:
        executor.register_action(action(cocrea))
    executor.register_action(ReportValidation(cocrea))
    executor.register_action(ReportSubmit(cocrea))
    return executor
