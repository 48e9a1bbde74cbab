"""/grafica N: the chart of indicator N (values over time against the target), as an image.

Without N it lists the secretariat's indicators with their numbers. Only indicators of the
person's own secretariat are found; any other number gets the same kind «not found».
"""

from __future__ import annotations

import logging
import re
from functools import partial
from typing import TYPE_CHECKING

from bot.chart import chart_filename, indicator_png
from bot.commands.registry import MEMBER, MEMBER_MENU, command
from bot.effects import Rendered
from bot.export.labels import day, number
from flows.events import Attachment, MessageOut

if TYPE_CHECKING:
    from bot.context import Context
    from bot.export.snapshot import IndicatorSnap
    from flows.inputs import Command

log = logging.getLogger(__name__)
_NUMBER = re.compile(r"^(?:#|n[uú]m(?:ero)?\.?\s*|no\.?\s*)?(\d{1,9})$", re.IGNORECASE)


@command("grafica", role=MEMBER, menu=MEMBER_MENU, menu_order=7)
async def grafica(ctx: Context, inp: Command) -> None:
    secretariat = await ctx.secretariat()
    snapshot = await ctx.plan_snapshot(secretariat.id)
    indicators = snapshot.indicators if snapshot is not None else []
    if not indicators:
        ctx.say("chart_no_indicators")
        return
    word = inp.args.strip()
    if not word:
        lines = [ctx.text("chart_list_header")]
        lines += [ctx.text("chart_list_line", id=i.id, name=i.name, commitment=c.id, reports=len(i.reports))
                  for c, i in indicators]
        lines.append(ctx.text("chart_list_footer", example=indicators[0][1].id))
        ctx.send(MessageOut("\n".join(lines)))
        return
    match = _NUMBER.match(word)
    if match is None:
        ctx.say("chart_not_a_number", word=word, example=indicators[0][1].id)
        return
    found = next(((c, i) for c, i in indicators if i.id == int(match.group(1))), None)
    if found is None:
        ctx.say("chart_not_found", number=match.group(1))
        return
    commitment, indicator = found
    last = indicator.last_report
    if last is None:
        ctx.say("chart_no_reports", name=indicator.name, id=indicator.id)
        return
    subtitle = ctx.text("chart_subtitle", number=commitment.id, title=commitment.title or "")
    caption = ctx.text(
        "chart_caption", name=indicator.name, reports=len(indicator.reports), value=number(last.value),
        unit=indicator.unit or "", period=day(last.period_due),
        target=number(indicator.target) if indicator.target is not None else "",
    )
    ctx.render_later(partial(draw, indicator, subtitle, caption))  # after the commit: nobody waits on it


def draw(indicator: IndicatorSnap, subtitle: str, caption: str) -> Rendered:
    try:
        image = indicator_png(indicator, subtitle)
    except Exception:  # a chart that cannot be drawn still leaves its figures in words
        log.exception("the chart of indicator %s could not be drawn", indicator.id)
        return Rendered([MessageOut(caption)])
    return Rendered([MessageOut("", attachment=Attachment(chart_filename(indicator), image, "photo", caption))])
