"""One update, inside its unit of work: route it, answer the glossary, step, start or hand over runs.

The loop around it (bot/conversation.py) loads and locks the person and commits; a turn only
decides what this one input does and collects the reply.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date, datetime
from typing import Any, Protocol

from bot.commands import ADMIN, COMMAND_BUTTON, COMMANDS, COORDINATOR, MEMBER, CommandSpec
from bot.context import Context
from bot.effects import Reply
from bot.export import PlanSnapshot, load_snapshot
from bot.flow_ids import MENU_FLOW, START_FLOW
from bot.invites import join_pending
from bot.lists import host_lists
from bot.local_time import today_for
from bot.records import reads_a_commitment, records_context
from bot.texts import ui_text
from flows import engine
from flows.events import ContentError, Event, MessageOut, RunFinished
from flows.inputs import Begin, Command, Input, Repeat, Tap, Text
from flows.model import Content
from flows.state import ACTIVE, PAUSED, RunState
from flows.text import normalize
from storage import UnitOfWork
from storage.models import FlowRun, Person, Secretariat
from storage.records import Refusal
from storage.repositories.arrivals import Arrival

log = logging.getLogger(__name__)

# "glosario línea base", "¿qué es un hito?", "qué significa ODS": questions for the glossary.
GLOSSARY_ASKED = re.compile(r"^(glosario\b|(que|q) (es|son|significa|significan)\b|que quiere decir\b)")
# «¿qué es el cuórum?» is a question about a term even when the glossary lacks it; «Qué es lo que falta
# en las colonias del oriente» is an answer. A term has at most this many words once the question words
# are gone (the longest in the glossary has five).
TERM_QUESTION_WORDS = 5
MAX_HANDOVERS = 3  # a flow that ends may start another: at most this many in one update


class Host(Protocol):
    """What a turn reads from the loop that runs it (bot/conversation.py's Conversation)."""

    admins: frozenset[int]
    bot_username: str | None
    content_source: Callable[[], Content]
    default_secretariat: str | None


def _capitalized(term: str) -> str:
    return term[:1].upper() + term[1:]


def _asks_about_a_term(text: str, term: str) -> bool:
    """Whether a «¿qué es …?» message is a question about one term (never an answer to store):
    one line, and what is asked about is short enough to be a term."""
    return bool(term) and "\n" not in text.strip() and len(term.split()) <= TERM_QUESTION_WORDS


def _either(options: Iterable[str]) -> str:
    """Suggestions read as a choice: «A», «A o B», «A, B o C»."""
    items = list(options)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " o " + items[-1]


class Turn:
    """One update inside one unit of work."""

    def __init__(self, host: Host, uow: UnitOfWork, person: Person, content: Content, now: datetime,
                 group_chat: int | None = None, arrival: Arrival | None = None) -> None:
        """`arrival`: the person's current run and secretariat, loaded with them (None: ask storage)."""
        self.host, self.uow, self.person, self.content = host, uow, person, content
        self.arrival = arrival
        # The secretariat they act in, once known (loaded with them, or asked once); None: in none.
        self._secretariat, self._secretariat_known = (arrival.secretariat, True) if arrival else (None, False)
        self.reply = Reply()
        self.now = now
        self.today: date | None = None  # in the secretariat's time zone, once context() knew it
        self.group_chat = group_chat  # the group chat this came from (None: a private chat)

    # -- routing -------------------------------------------------------------------------------
    async def dispatch(self, inp: Input) -> None:
        if isinstance(inp, Tap) and inp.step_id and inp.step_id.startswith(COMMAND_BUTTON):
            inp = Command(inp.step_id[len(COMMAND_BUTTON):], inp.value)  # a command's own button
        spec = COMMANDS.get(inp.name) if isinstance(inp, Command) else None
        if self.group_chat is not None:  # a group: only its own commands, never a kit
            if isinstance(inp, Command) and spec is not None and spec.in_group:
                if self.person.consent_at is None:
                    self.say("group_needs_private")
                else:
                    await self.command(spec, inp)
            return
        if isinstance(inp, Command) and spec is not None:
            await self.command(spec, inp)
            return
        current = self.arrival.current if self.arrival else await self.uow.runs.current(self.person)
        if isinstance(inp, Text) and self.person.consent_at is not None and self.glossary(inp.text):
            if current is not None:
                await self.step(current, Repeat())  # then the question they were on, again
            return
        if current is None:
            if self.person.consent_at is None:
                await self.start_flow(START_FLOW)
            elif isinstance(inp, Command):
                self.say("unknown_command", command=inp.name)
            else:
                self.say("no_run")
                await self.start_flow(MENU_FLOW)
            return
        await self.step(current, inp)

    async def command(self, spec: CommandSpec, inp: Command) -> None:
        if self.person.consent_at is None and not spec.before_consent:
            await self.resume_or_start(START_FLOW)  # the privacy notice comes first
        elif await self.allowed(spec.role):
            await spec.handler(Context(self), inp)

    # -- runs ----------------------------------------------------------------------------------
    async def start_flow(self, flow_id: str, *, commitment_id: int | None = None,
                         preset: dict[str, Any] | None = None) -> FlowRun | None:
        """Start `flow_id`; `commitment_id`: the commitment its records go to (a comment's), `preset`:
        answers it starts with (what a comment replies to). The run, or None when there is no such flow."""
        flow = self.content.flows.get(flow_id)
        if flow is None:
            self.reply.content_errors.append(f"el flujo '{flow_id}' no existe")
            self.say("sorry")
            return None
        secretariat = await self.secretariat()
        state = engine.start(flow_id)
        run = await self.uow.runs.start(
            self.person,
            flow_id=flow_id,
            content_version=flow.version,
            state=state.evolve(answers=dict(preset)) if preset else state,
            secretariat_id=secretariat.id if secretariat else None,
        )
        if commitment_id is not None:
            run.commitment_id = commitment_id
        await self.uow.runs.pause_others(self.person, run)
        await self.step(run, Begin())
        return run

    async def resume_or_start(self, flow_id: str) -> None:
        existing = await self.unfinished_here(flow_id)
        if existing is None:
            await self.start_flow(flow_id)
        else:
            await self.resume(existing)

    async def resume(self, run: FlowRun) -> None:
        await self.uow.runs.pause_others(self.person, run)
        await self.step(run, Begin())

    def kit_named(self, name: str) -> str | None:
        """The id of the kit called `name` ("5", "kit 5", "kit5"), or None."""
        number = normalize(name).replace("kit", "").strip()
        return next((f.id for f in self.content.kits() if number and str(f.number) == number), None)

    async def unfinished_here(self, flow_id: str) -> FlowRun | None:
        """The run of `flow_id` to resume: one of the secretariat they act in, since a run keeps the
        secretariat it was started in (one of another waits there). The onboarding is anyone's."""
        secretariat = None if flow_id == START_FLOW else await self.secretariat()
        return await self.uow.runs.unfinished(self.person, flow_id, secretariat.id if secretariat else None)

    async def latest_kit_run(self, anywhere: bool = False, flow_id: str | None = None) -> FlowRun | None:
        """Their latest unfinished kit (`flow_id`: that one) in the secretariat they act in
        (`anywhere`: in any of theirs)."""
        secretariat = None if anywhere else await self.secretariat()
        for run in await self.newest_first():
            flow = self.content.flows.get(run.flow_id)
            if flow and flow.kind == "kit" and run.status in (ACTIVE, PAUSED) and flow_id in (None, run.flow_id) and (
                    secretariat is None or run.secretariat_id in (None, secretariat.id)):
                return run
        return None

    async def newest_first(self) -> list[FlowRun]:
        runs = await self.uow.runs.of_person(self.person)
        return sorted(runs, key=lambda r: (r.updated_at, r.id), reverse=True)

    async def step(self, run: FlowRun, inp: Input, handovers: int = 0, fresh: bool = False) -> None:
        state = engine.start(run.flow_id) if fresh else RunState.from_json(run.state)
        new_state, events = engine.step(self.content, state, inp, self.now, await self.context(run, state.answers))
        flow = self.content.flows.get(run.flow_id)
        if flow is not None:
            run.content_version = flow.version  # the text this run is on from now on
        refusal = await self.uow.apply(self.person, run, new_state, events, today=self.today)
        if refusal is not None:  # storage would not write a record: nothing of it was saved
            await self.refused(run, new_state, events, refusal)
            return
        before = len(self.reply.messages)
        self.collect(events)
        if isinstance(inp, Begin) and flow is not None and flow.kind == "kit":
            await self.name_secretariat(run, before)
        if run.flow_id == START_FLOW:  # consent given with an invite waiting: join now
            await join_pending(Context(self), run, before)
        finished = next((e for e in events if isinstance(e, RunFinished)), None)
        if finished and finished.next_flow and handovers < MAX_HANDOVERS:
            await self.hand_over(finished.next_flow, handovers + 1)

    async def hand_over(self, flow_id: str, handovers: int) -> None:
        if flow_id not in self.content.flows:
            self.reply.content_errors.append(f"next_flow apunta a '{flow_id}', que no existe")
            self.say("sorry")
            return
        existing = await self.unfinished_here(flow_id)
        if existing is not None:
            self.say("resuming_kit", title=self.content.flows[flow_id].title)
            await self.uow.runs.pause_others(self.person, existing)
            await self.step(existing, Begin(), handovers)
            return
        await self.start_flow(flow_id)

    def glossary(self, text: str, always: bool = False) -> bool:
        """Answer a glossary question; False when the text was not one (so it is an answer)."""
        glossary = self.content.glossary
        asked = normalize(text).lstrip("¿¡ \"«")
        if glossary is None or not GLOSSARY_ASKED.match(asked):
            return False
        found = glossary.lookup(text)
        explicit = always or asked.startswith("glosario")
        if found.entry is not None:
            lines = [self.text("glossary_entry", term=_capitalized(found.entry.term),
                               definition=found.entry.definition)]
            related = [e.term for e in glossary.related(found.entry)]
            if related:
                lines.append(self.text("glossary_see_also", terms=", ".join(related)))
            self.reply.messages.append(MessageOut("\n".join(lines)))
        elif not explicit and not _asks_about_a_term(text, found.query):
            return False  # "¿qué es …" starting a longer sentence: it may be an answer to the question
        elif not found.query:
            self.say("glossary_intro", terms=", ".join(glossary.terms()[:12]))
        elif found.suggestions:
            self.say("glossary_suggestions", query=found.query,
                     terms=_either(f"«{_capitalized(e.term)}»" for e in found.suggestions))
        else:
            self.say("glossary_not_found", query=found.query)
        return True

    async def allowed(self, role: str) -> bool:
        """May this person use a command that needs `role`? If not, they are told why, kindly."""
        if role == ADMIN:
            if not self.is_admin:
                self.say("admins_only")
            return self.is_admin
        if role not in (MEMBER, COORDINATOR):
            return True
        secretariat = await self.secretariat()
        if secretariat is None:
            self.say("needs_secretariat")
            return False
        if role == COORDINATOR and await self.uow.memberships.role_of(self.person, secretariat) != COORDINATOR:
            self.say("coordinators_only")
            return False
        return True

    @property
    def is_admin(self) -> bool:
        """Only Telegram people ('tg:<id>') listed in COCREA_ADMINS; never the terminal's."""
        key = self.person.key
        return key.startswith("tg:") and key[3:].isdigit() and int(key[3:]) in self.host.admins

    async def plan_snapshot(self, secretariat_id: int) -> PlanSnapshot | None:
        return await load_snapshot(self.uow.plan, secretariat_id, self.now)

    # -- context -------------------------------------------------------------------------------
    async def secretariat(self) -> Any:
        """The secretariat they act in (secretariats.acting_for); None for nobody's member."""
        if self._secretariat_known and (self._secretariat is not None or not self.host.default_secretariat):
            return self._secretariat
        found = await self.uow.secretariats.acting_for(self.person)
        if found is None and self.host.default_secretariat:
            found = await self.uow.secretariats.named(self.host.default_secretariat)
            if found is None:
                found = await self.uow.secretariats.add(self.host.default_secretariat)
            await self.uow.memberships.add(self.person, found, "coordinator")
        self._secretariat, self._secretariat_known = found, True
        return found

    def joined(self, secretariat: Secretariat) -> None:
        """They joined `secretariat` in this turn: it is theirs now, unless they had one before."""
        if self._secretariat is None:
            self._secretariat, self._secretariat_known = secretariat, True

    def acts_in(self, secretariat: Secretariat) -> None:
        """They chose to act in `secretariat` (/secretariado): the rest of this turn works there."""
        self._secretariat, self._secretariat_known = secretariat, True

    async def name_secretariat(self, run: FlowRun, at: int) -> None:
        """For people in several secretariats, a kit's first message names the one it works in."""
        if at >= len(self.reply.messages) or run.secretariat_id is None:
            return
        mine = await self.uow.secretariats.of_person(self.person)
        where = next((s for s in mine if s.id == run.secretariat_id), None)
        if len(mine) < 2 or where is None:
            return
        first = self.reply.messages[at]
        line = self.text("working_in", secretariat=where.name)
        self.reply.messages[at] = replace(first, text=f"{line}\n\n{first.text}" if first.text else line)

    async def context(self, run: FlowRun, answers: dict[str, Any] | None = None) -> dict[str, Any]:
        """What the engine reads besides the run's state; `answers`: the run's answers, when newer
        than the saved ones (they choose which commitments are read)."""
        secretariat = await self.secretariat()
        if run.secretariat_id is not None and (secretariat is None or secretariat.id != run.secretariat_id):
            # A run keeps the secretariat it was started in, while they still belong to it
            # (with none yet: invited, not joined).
            own = await self.uow.secretariats.get(run.secretariat_id)
            if secretariat is None or (own is not None and await self.uow.memberships.role_of(self.person, own)):
                secretariat = own
        if secretariat is not None:
            self.today = today_for(secretariat, self.now)
        flow = self.content.flows.get(run.flow_id)
        wanted = flow.dynamic_lists() if flow is not None else set()
        carried = flow.earlier_sources() if flow is not None else set()
        return {
            "person": {"name": self.person.name, "sector": self.person.sector},
            "secretariat": {"name": secretariat.name, "kind": secretariat.kind, **(
                # read for the welcome only: its privacy notice names who is responsible for the data
                {"data_controller": await self.uow.secretariats.data_controller(secretariat.id)}
                if run.flow_id == START_FLOW else {})} if secretariat else {},
            "lists": await host_lists(self.uow, secretariat, wanted, self.today) if wanted else {},
            # what this person answered in the flows its questions offer again (`default_from`)
            **({"earlier": {flow_id: await self.uow.runs.latest_answers(self.person, flow_id, run.secretariat_id)
                            for flow_id in sorted(carried)}} if carried else {}),
            # today in the secretariat's time zone: «esa fecha ya pasó» and examples of dates
            **({"today": self.today.isoformat()} if self.today is not None else {}),
            # what the commitments it writes or shows already hold, and who wrote each field
            **({"records": await records_context(
                self.uow, self.person, run, flow, RunState.from_json(run.state).answers if answers is None else answers,
                run.secretariat_id or (secretariat.id if secretariat else None))}
               if flow is not None and reads_a_commitment(flow) else {}),
        }

    async def refused(self, run: FlowRun, new_state: RunState, events: list[Event], refusal: Refusal) -> None:
        """A record storage refused: say what came before it and why, then ask the choosing question again.

        Every answer is kept; only the record was not written. Without a question to go back to,
        the run stays where it was before this input.
        """
        self.collect(events[:refusal.index])
        if refusal.again and refusal.step_id is not None:
            await self.ask_again(run, new_state, refusal)
            return
        reason = self.text(refusal.key, **refusal.params)
        self.reply.messages.append(MessageOut(ui_text(self.content, "record_refused", section="texts", reason=reason)))
        flow = self.content.flows.get(run.flow_id)
        if refusal.step_id is None or flow is None or refusal.step_id not in flow.steps:
            await self.uow.runs.save(run, RunState.from_json(run.state))
            return
        back = engine.back_to(self.content, new_state, refusal.step_id)
        again, prompt = engine.step(self.content, back, Repeat(), self.now, await self.context(run))
        await self.uow.apply(self.person, run, again, prompt, today=self.today)
        self.collect(prompt)

    async def ask_again(self, run: FlowRun, new_state: RunState, refusal: Refusal) -> None:
        """Someone else changed what a record step was about to replace: the person is told, and the
        step reads the record again and asks «mantener / reemplazar / combinar»; their answers stay."""
        assert refusal.step_id is not None
        self.say(refusal.key, **refusal.params)
        again, events = engine.enter_again(self.content, new_state, refusal.step_id, self.now,
                                           await self.context(run, new_state.answers))
        if await self.uow.apply(self.person, run, again, events, today=self.today) is not None:
            self.say("sorry")  # changed yet again in between: the run stays where it was, answers kept
            await self.uow.runs.save(run, RunState.from_json(run.state))
            return
        self.collect(events)

    # -- output --------------------------------------------------------------------------------
    def collect(self, events: list[Event]) -> None:
        for event in events:
            if isinstance(event, MessageOut):
                self.reply.messages.append(event)
            elif isinstance(event, ContentError):
                log.warning("content error: %s", event.message)
                self.reply.content_errors.append(event.message)

    def text(self, key: str, **params: Any) -> str:
        return ui_text(self.content, key, **params)

    def say(self, key: str, **params: Any) -> None:
        self.reply.messages.append(MessageOut(self.text(key, **params)))
