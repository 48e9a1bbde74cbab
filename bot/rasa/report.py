"""The form that reports an indicator value: which indicator, the value, an optional note.

`validate_reporte_indicador_form` checks each slot with the kits' own rules (numbers are read by
flows/answers/numbers.py, so "35", "35.5", "35,5" and "35 %" all work) and, when an answer does not
fit, explains why in Spanish and empties the slot so Rasa asks again. Once the note is in, it
summarizes what would be recorded and the form asks «¿Lo registro así?» (`confirmar_reporte`), as
/reportar asks on Telegram. `action_cocrea_reportar` (the form's submit) records the report in one
unit of work only after a «sí», and confirms the value and the period; after a «no» it writes nothing.
The submit checks again: slots can be set by anyone who can talk to Rasa, so an indicator of
another secretariat, or one with nothing left to report, writes nothing and says so kindly.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.notices import write_notices
from bot.rasa.cocrea import Cocrea
from bot.rasa.linking import person_for
from flows.answers import Spec
from flows.answers import get as answer_type
from flows.answers.dates import spoken
from flows.errors import Rejected
from flows.plan.readiness import parse_date
from flows.plan.schedule import period_for
from flows.text import normalize
from storage import UnitOfWork
from storage.errors import NothingDue
from storage.models import Indicator, Person
from storage.records import pick, split_pick

log = logging.getLogger(__name__)

FORM = "reporte_indicador_form"
INDICATOR, VALUE, NOTE, CONFIRM = "indicador", "valor", "nota", "confirmar_reporte"
YES, NO = "si", "no"
NO_NOTE = frozenset({"no", "ninguna", "ninguno", "nada", "sin nota", "no gracias", "n/a", "-"})
YES_WORDS = frozenset({"si", "sí", "confirmar", "confirmo", "correcto", "esta bien", "de acuerdo", "registralo", "ok"})
NO_WORDS = frozenset({"no", "cancelar", "cancela", "mejor no", "no gracias", "no lo registres"})
PERCENT_UNITS = frozenset({"%", "porcentaje", "por ciento"})
NOTE_MAX = 2000
_ID = re.compile(r"^(?:indicador\s*)?(?:#|no\.?\s*|numero\s*)?(\d+)$")
_STOPWORDS = frozenset({"indicador", "indicadores", "quiero", "reportar", "para", "sobre", "del", "las", "los"})


def _show(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")


def _listing(indicators: Sequence[Indicator]) -> str:
    return "; ".join(f"#{i.id} {i.name}" for i in indicators)


def match_indicators(text: str, indicators: Sequence[Indicator]) -> list[Indicator]:
    """Indicators that `text` names: by id ("3", "#3"), by a fragment of the name, or by its words."""
    wanted = normalize(str(text)).strip(" .¿?¡!«»\"")
    by_id = _ID.match(wanted)
    if by_id:
        return [i for i in indicators if i.id == int(by_id.group(1))]
    if not wanted:
        return []
    found = [i for i in indicators if wanted in normalize(i.name)]
    if found:
        return found
    words = [w for w in re.findall(r"\w+", wanted) if len(w) >= 3 and w not in _STOPWORDS]
    scored = [(sum(w in normalize(i.name) for w in words), i) for i in indicators]
    best = max((score for score, _ in scored), default=0)
    return [i for score, i in scored if best and score == best]


class _Person:
    """The person and secretariat a Rasa sender stands for, inside one unit of work."""

    @staticmethod
    async def load(uow: UnitOfWork, sender_id: str) -> tuple[Person | None, Any]:
        person = await person_for(uow, sender_id)
        if person is None:
            return None, None
        return person, await uow.secretariats.acting_for(person)


async def indicators_of(uow: UnitOfWork, secretariat_id: int) -> list[Indicator]:
    return list(await uow.plan.indicators_of(secretariat_id))


class ReportValidation(FormValidationAction):
    """validate_reporte_indicador_form: one method per slot, each with the kits' rules."""

    def __init__(self, cocrea: Cocrea) -> None:
        self.cocrea = cocrea

    def name(self) -> str:
        return f"validate_{FORM}"

    async def validate_indicador(self, slot_value: Any, dispatcher: CollectingDispatcher,
                                 tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        text = str(slot_value or "").strip()
        async with UnitOfWork(self.cocrea.sessions, read_only=True) as uow:
            person, secretariat = await _Person.load(uow, tracker.sender_id)
            if secretariat is None:
                dispatcher.utter_message(text=self.cocrea.text("needs_secretariat"))
                return {INDICATOR: None, "requested_slot": None}
            indicators = await indicators_of(uow, secretariat.id)
            found = match_indicators(text, indicators)
            if len(found) == 1:  # the period due now travels with the choice: the report is for it
                due = await uow.plan.due_dates(found[0])
                reported = [r.period_due for r in await uow.plan.reports(found[0].id)]
                period = period_for(due, reported, self.cocrea.today(secretariat))
                return {INDICATOR: pick(found[0].id, period.isoformat()) if period else str(found[0].id)}
        if not indicators:
            dispatcher.utter_message(text=self.cocrea.text("rasa_report_no_indicators"))
            return {INDICATOR: None, "requested_slot": None}
        key = "rasa_report_ambiguous" if found else "rasa_report_unknown_indicator"
        dispatcher.utter_message(text=self.cocrea.text(key, text=text, names=_listing(found or indicators)))
        return {INDICATOR: None}

    async def validate_valor(self, slot_value: Any, dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        kind = "number"
        chosen, _ = split_pick(tracker.get_slot(INDICATOR))
        if chosen is not None:
            async with UnitOfWork(self.cocrea.sessions, read_only=True) as uow:
                indicator = await uow.session.get(Indicator, chosen)
                if indicator is not None and normalize(indicator.unit or "") in PERCENT_UNITS:
                    kind = "percentage"
        parser = answer_type(kind)
        assert parser is not None
        try:
            value = parser.parse(str(slot_value or ""), Spec({}))
        except Rejected as rejected:
            dispatcher.utter_message(text=self.cocrea.rejected(rejected.key, **rejected.params))
            return {VALUE: None}
        return {VALUE: float(value)}

    async def validate_nota(self, slot_value: Any, dispatcher: CollectingDispatcher,
                            tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        text = str(slot_value or "").strip()
        if normalize(text).strip(".!") in NO_NOTE:
            note = ""
        else:
            parser = answer_type("long_text")
            assert parser is not None
            try:
                note = str(parser.parse(text, Spec({"max_length": NOTE_MAX})))
            except Rejected as rejected:
                dispatcher.utter_message(text=self.cocrea.rejected(rejected.key, **rejected.params))
                return {NOTE: None}
        await self.summarize(dispatcher, tracker, note)
        return {NOTE: note}

    async def summarize(self, dispatcher: CollectingDispatcher, tracker: Tracker, note: str) -> None:
        """What would be recorded, before the form asks to confirm it (as /reportar's summary on Telegram)."""
        (chosen, _), value = split_pick(tracker.get_slot(INDICATOR)), tracker.get_slot(VALUE)
        if chosen is None or not isinstance(value, int | float):
            return
        async with UnitOfWork(self.cocrea.sessions, read_only=True) as uow:
            _, secretariat = await _Person.load(uow, tracker.sender_id)
            indicator = await uow.plan.indicator(secretariat.id, chosen) if secretariat else None
            if indicator is None:  # not theirs: the submit will say so and write nothing
                return
            name, unit = indicator.name, indicator.unit or ""
        dispatcher.utter_message(text=self.cocrea.text("rasa_report_confirm", value=_show(float(value)), unit=unit,
                                                       name=name, note=note))

    async def validate_confirmar_reporte(self, slot_value: Any, dispatcher: CollectingDispatcher,
                                         tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        said = normalize(str(slot_value or "")).strip(" .!¡")
        if said in YES_WORDS:
            return {CONFIRM: YES}
        if said in NO_WORDS:
            return {CONFIRM: NO}
        dispatcher.utter_message(text=self.cocrea.text("rasa_report_yes_or_no"))
        return {CONFIRM: None}


class ReportSubmit(Action):
    """action_cocrea_reportar: records the form's report in one unit of work, then confirms it."""

    def __init__(self, cocrea: Cocrea) -> None:
        self.cocrea = cocrea

    def name(self) -> str:
        return "action_cocrea_reportar"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
                  ) -> list[EventType]:
        text = await self.record(tracker)
        if text:  # empty when the form stopped early: its validation already said why
            dispatcher.utter_message(text=text)
        return [SlotSet(INDICATOR, None), SlotSet(VALUE, None), SlotSet(NOTE, None), SlotSet(CONFIRM, None)]

    async def record(self, tracker: Tracker) -> str:
        (chosen, shown), value = split_pick(tracker.get_slot(INDICATOR)), tracker.get_slot(VALUE)
        note = str(tracker.get_slot(NOTE) or "").strip() or None
        if chosen is None or not isinstance(value, int | float):
            return ""
        if tracker.get_slot(CONFIRM) != YES:  # only what the person saw summarized and said «sí» to
            return self.cocrea.text("rasa_report_cancelled")
        async with UnitOfWork(self.cocrea.sessions) as uow:
            person, secretariat = await _Person.load(uow, tracker.sender_id)
            if person is None or secretariat is None:
                return self.cocrea.text("needs_secretariat")
            await uow.people.lock(person)
            indicator = await uow.plan.indicator(secretariat.id, chosen)
            if indicator is None:
                return self.cocrea.text("rasa_report_not_yours")
            try:  # for the period chosen with the indicator; refused (not moved) when taken meanwhile
                report = await uow.plan.report(indicator, value=float(value), note=note, evidence_kind=None,
                                               evidence=None, person=person, today=self.cocrea.today(secretariat),
                                               period=parse_date(shown))
            except NothingDue as nothing:  # PeriodTaken too
                return self.cocrea.text(nothing.key, **nothing.params)  # nothing was written
            await write_notices(uow.repositories(), self.cocrea.content(), self.cocrea.clock())  # the group hears
            period: date = report.period_due
            reply = self.cocrea.text("rasa_report_done", value=_show(float(value)), unit=indicator.unit or "",
                                     name=indicator.name, period=spoken(period))
        return reply
