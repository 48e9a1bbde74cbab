"""What the plan commands share: finding a commitment by its number, and showing plan values in words.

The number people see is the commitment's id; a number that does not exist and one that belongs
to another secretariat get the same kind answer, so nobody learns about another secretariat.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from bot.texts import ui_text
from flows.model import Content
from flows.plan.views import IndicatorView
from storage.models import Commitment

if TYPE_CHECKING:
    from bot.context import Context

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


async def find_commitment(ctx: Context, word: str, command: str) -> Commitment | None:
    """The commitment numbered `word` in the person's secretariat; says kindly why not when not."""
    secretariat = await ctx.secretariat()
    if not word.strip():
        ctx.say("plan_which", command=command, example=await example_number(ctx))
        return None
    number = parse_number(word)
    found = await ctx.repos.plan.commitment(secretariat.id, number) if number is not None else None
    if found is None:
        ctx.say("plan_not_found", number=word.strip())
    return found


async def commitment_and_word(
    ctx: Context, args: str, command: str, usage: str
) -> tuple[Commitment, str] | None:
    """For `/command N word`: the commitment and the word, or None after saying kindly what is wrong."""
    word, rest = split_args(args)
    if parse_number(word) is None or not rest.strip():
        if parse_number(word) is not None and await find_commitment(ctx, word, command) is None:
            return None  # a number that is not theirs: say so before explaining the command
        ctx.say(usage, example=await example_number(ctx))
        return None
    commitment = await find_commitment(ctx, word, command)
    return None if commitment is None else (commitment, rest)


async def example_number(ctx: Context) -> int:
    secretariat = await ctx.secretariat()
    commitments = await ctx.repos.plan.commitments_of(secretariat.id)
    return commitments[0].id if commitments else 1


def title_of(ctx: Context, commitment: Commitment) -> str:
    return commitment.title or str((commitment.fields or {}).get("title") or "") or ctx.text("plan_untitled")


def catalog_labels(ctx: Context, catalog: str, values: Any) -> str:
    """Catalog ids as their labels, comma-separated; unknown ids as typed."""
    if isinstance(values, str):
        values = [v.strip() for v in values.split(",") if v.strip()]
    if not isinstance(values, list | tuple):
        return ""
    labels = {o.value: o.label for o in ctx.content.catalogs.get(catalog, ())}
    return ", ".join(labels.get(str(v), str(v)) for v in values)


def sector_label(ctx: Context, sector: str | None) -> str:
    return sector_label_in(ctx.content, sector)


def sector_label_in(content: Content, sector: str | None) -> str:
    """A sector id in words, from the sectors catalog (unknown ids as typed)."""
    if not sector:
        return ui_text(content, "plan_no_sector")
    labels = {o.value: o.label for o in content.catalogs.get("sectors", ())}
    return labels.get(sector, sector.replace("_", " "))


def sectors_text(ctx: Context, sectors: tuple[str, ...] | list[str]) -> str:
    names = [sector_label(ctx, s) for s in sectors]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " y " + names[-1]


def day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


async def moment(ctx: Context, value: datetime) -> str:
    """A stored UTC time in the secretariat's time zone."""
    return value.astimezone(await ctx.zone()).strftime("%d/%m/%Y %H:%M")


def number_text(value: float) -> str:
    """12.0 → "12", 12.5 → "12.5", 1500 → "1,500"."""
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def last_value(ctx: Context, indicator: IndicatorView) -> str:
    last = indicator.last_report
    if last is None:
        return ctx.text("plan_no_reports")
    unit = f" {indicator.unit}" if indicator.unit else ""
    return ctx.text("plan_last_value", value=number_text(last.value) + unit, period=day(last.period_due))
