"""/grafica N: the chart of indicator N (values over time against the target), as an image.

Without N it lists the secretariat's indicators with their numbers. Only indicators of the
person's own secretariat are found; any other number gets the same kind «not found».
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING

from bot.chart import chart_filename, indicator_png
from bot.commands.registry import MEMBER, command
from bot.export import load_snapshot
from bot.export.labels import day, number
from flows.events import Attachment, MessageOut

if TYPE_CHECKING:
    from bot.conversation import HostTurn
    from flows.inputs import Command

log = logging.getLogger(__name__)
_NUMBER = re.compile(r"^(?:#|n[uú]m(?:ero)?\.?\s*|no\.?\s*)?(\d{1,9})$", re.IGNORECASE)


@command("grafica", role=MEMBER)
async def grafica(turn: HostTurn, inp: Command) -> None:
    secretariat = await turn.secretariat()
    snapshot = await load_snapshot(turn.uow.plan, secretariat.id, turn.now)
    indicators = snapshot.indicators if snapshot is not None else []
    if not indicators:
        turn.say("chart_no_indicators")
        return
    word = inp.args.strip()
    if not word:
        lines = [turn.text("chart_list_header")]
        lines += [turn.text("chart_list_line", id=i.id, name=i.name, commitment=c.id, reports=len(i.reports))
                  for c, i in indicators]
        lines.append(turn.text("chart_list_footer", example=indicators[0][1].id))
        turn.reply.messages.append(MessageOut("\n".join(lines)))
        return
    match = _NUMBER.match(word)
    if match is None:
        turn.say("chart_not_a_number", word=word, example=indicators[0][1].id)
        return
    found = next(((c, i) for c, i in indicators if i.id == int(match.group(1))), None)
    if found is None:
        turn.say("chart_not_found", number=match.group(1))
        return
    commitment, indicator = found
    last = indicator.last_report
    if last is None:
        turn.say("chart_no_reports", name=indicator.name, id=indicator.id)
        return
    subtitle = turn.text("chart_subtitle", number=commitment.id, title=commitment.title or "")
    caption = turn.text(
        "chart_caption", name=indicator.name, reports=len(indicator.reports), value=number(last.value),
        unit=indicator.unit or "", period=day(last.period_due),
        target=number(indicator.target) if indicator.target is not None else "",
    )
    try:
        image = await asyncio.to_thread(indicator_png, indicator, subtitle)
    except Exception:  # a chart that cannot be drawn still leaves its figures in words
        log.exception("the chart of indicator %s could not be drawn", indicator.id)
        turn.reply.messages.append(MessageOut(caption))
        return
    turn.reply.messages.append(MessageOut("", attachment=Attachment(chart_filename(indicator), image, "photo",
                                                                    caption)))
