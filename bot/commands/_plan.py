"""What the plan commands share: finding a commitment by its number, and showing plan values in words.

The number people see is the commitment's id; a number that does not exist and one that belongs
to another secretariat get the same kind answer, so nobody learns about another secretariat.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.local_time import today_for, zone_of
from flows.plan.views import IndicatorView
from storage.models import Commitment

if TYPE_CHECKING:
    from bot.turn import Turn

_NUMBER = re.compile(r"^(?:n[uú]m(?:ero)?\.?\s*|#|no\.?\s*)?(\d{1,9})$", re.IGNORECASE)


def split_args(args: str) -> tuple[str, str]:
    """The first word (the number) and the rest."""
    parts = args.strip().split(maxsplit=1)
    if not parts:
        return "", ""
    return parts[0], parts[1] if len(parts) > 1 else ""


def parse_number(word: str) -> int | None:
    match = _NUMBER.match(word.strip())
    return int(match.group(1)) if match else None


async def find_commitment(turn: Turn, word: str, command: str) -> Commitment | None:
    """The commitment numbered `word` in the person's secretariat; says kindly why not when not."""
    secretariat = await turn.secretariat()
    if not word.strip():
        turn.say("plan_which", command=command, example=await example_number(turn))
        return None
    number = parse_number(word)
    found = await turn.uow.plan.commitment(secretariat.id, number) if number is not None else None
    if found is None:
        turn.say("plan_not_found", number=word.strip())
    return found


async def commitment_and_word(
    turn: Turn, args: str, command: str, usage: str
) -> tuple[Commitment, str] | None:
    """For `/command N word`: the commitment and the word, or None after saying kindly what is wrong."""
    word, rest = split_args(args)
    if parse_number(word) is None or not rest.strip():
        if parse_number(word) is not None and await find_commitment(turn, word, command) is None:
            return None  # a number that is not theirs: say so before explaining the command
        turn.say(usage, example=await example_number(turn))
        return None
    commitment = await find_commitment(turn, word, command)
    return None if commitment is None else (commitment, rest)


async def example_number(turn: Turn) -> int:
    secretariat = await turn.secretariat()
    commitments = await turn.uow.plan.commitments_of(secretariat.id)
    return commitments[0].id if commitments else 1


def title_of(turn: Turn, commitment: Commitment) -> str:
    return commitment.title or str((commitment.fields or {}).get("title") or "") or turn.text("plan_untitled")


def catalog_labels(turn: Turn, catalog: str, values: Any) -> str:
    """Catalog ids as their labels, comma-separated; unknown ids as typed."""
    if isinstance(values, str):
        values = [v.strip() for v in values.split(",") if v.strip()]
    if not isinstance(values, list | tuple):
        return ""
    labels = {o.value: o.label for o in turn.content.catalogs.get(catalog, ())}
    return ", ".join(labels.get(str(v), str(v)) for v in values)


def sector_label(turn: Turn, sector: str | None) -> str:
    if not sector:
        return turn.text("plan_no_sector")
    labels = {o.value: o.label for o in turn.content.catalogs.get("sectors", ())}
    return labels.get(sector, sector.replace("_", " "))


def sectors_text(turn: Turn, sectors: tuple[str, ...] | list[str]) -> str:
    names = [sector_label(turn, s) for s in sectors]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " y " + names[-1]


def day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


async def zone(turn: Turn) -> ZoneInfo:
    """The secretariat's time zone (Mexico City when it has a bad one)."""
    return zone_of(await turn.secretariat())


async def moment(turn: Turn, value: datetime) -> str:
    """A stored UTC time in the secretariat's time zone."""
    return value.astimezone(await zone(turn)).strftime("%d/%m/%Y %H:%M")


async def local_today(turn: Turn) -> date:
    return today_for(await turn.secretariat(), turn.now)


def number_text(value: float) -> str:
    """12.0 → "12", 12.5 → "12.5", 1500 → "1,500"."""
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def last_value(turn: Turn, indicator: IndicatorView) -> str:
    last = indicator.last_report
    if last is None:
        return turn.text("plan_no_reports")
    unit = f" {indicator.unit}" if indicator.unit else ""
    return turn.text("plan_last_value", value=number_text(last.value) + unit, period=day(last.period_due))
