"""/diagnostico_grupo: the whole group's self-diagnosis, for its coordination (COORDINATOR).

Reads the latest finished `autodiagnostico` run of each member of the coordinator's secretariat
(runs started for that secretariat only), averages each kit area (2 to 8 points, as the flow scores
it) and recommends the weakest areas with the flow's own rule: the two lowest, or three when the
third ties with the second. Privacy: only counts and averages are shown, never a person's name or
answers; people who declined the privacy notice are never read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.commands.registry import COORDINATOR, command
from flows.events import MessageOut
from flows.model import Content

if TYPE_CHECKING:
    from bot.context import Context
    from flows.inputs import Command

FLOW = "autodiagnostico"
AREA_OF = re.compile(r"^k(\d+)_")  # k1_conceptos, k1_razones … belong to Kit 1's area
TOP_SCORE_PER_STATEMENT = 4


@dataclass(frozen=True)
class Area:
    number: int
    title: str
    average: float  # of the people who answered every statement of the area


def area_questions(content: Content) -> dict[int, list[str]]:
    """The self-diagnosis answers of each kit area, by kit number, from the flow's question ids."""
    flow = content.flows.get(FLOW)
    areas: dict[int, list[str]] = {}
    for step_id in flow.question_ids if flow is not None else ():
        found = AREA_OF.match(step_id)
        if found:
            areas.setdefault(int(found.group(1)), []).append(flow.steps[step_id].save_as)  # type: ignore[union-attr]
    return areas


def group_areas(content: Content, answer_sets: Iterable[Mapping[str, Any]]) -> list[Area]:
    """Each area's average score over the people who answered it, in kit order."""
    titles = {kit.number: kit.title for kit in content.kits()}
    sets = list(answer_sets)
    areas = []
    for number, names in sorted(area_questions(content).items()):
        scores = []
        for answers in sets:
            try:
                scores.append(sum(int(answers[name]) for name in names))
            except (KeyError, TypeError, ValueError):  # an answer missing or not on the scale
                continue
        if scores:
            areas.append(Area(number, titles.get(number, f"Kit {number}"), sum(scores) / len(scores)))
    return areas


def weakest(areas: list[Area]) -> list[Area]:
    """The two lowest areas, or three when the third ties with the second; ties keep kit order."""
    ranked = sorted(areas, key=lambda a: a.average)
    if len(ranked) < 2:
        return ranked
    return [a for a in ranked if a.average <= ranked[1].average][:3]


def _points(value: float) -> str:
    """5.5, or 6 rather than 6.0."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


@command("diagnostico_grupo", role=COORDINATOR)
async def diagnostico_grupo(ctx: Context, inp: Command) -> None:
    secretariat = await ctx.secretariat()
    members = await ctx.repos.memberships.people_of(secretariat.id)
    consenting = [p.id for p in members if p.consent_at is not None]
    answer_sets = await ctx.repos.runs.latest_finished_answers(FLOW, secretariat.id, consenting)
    areas = group_areas(ctx.content, answer_sets)
    answered, total = len(answer_sets) if areas else 0, len(members)
    if not answered:
        ctx.say("group_diagnosis_empty", secretariat=secretariat.name, members=total)
        return
    lines = [ctx.text("group_diagnosis_header", secretariat=secretariat.name, answered=answered, members=total)]
    for area in areas:
        mark = "🟢" if area.average >= 7 else "🟡" if area.average >= 5 else "🔴"
        lines.append(ctx.text("group_diagnosis_line", mark=mark, title=area.title, average=_points(area.average)))
    top = max(len(names) for names in area_questions(ctx.content).values()) * TOP_SCORE_PER_STATEMENT
    low = weakest(areas)
    if all(area.average >= top for area in areas):
        lines += ["", ctx.text("group_diagnosis_strong")]
    else:
        lines += ["", ctx.text("group_diagnosis_recommend")]
        lines += [ctx.text("group_diagnosis_kit", title=a.title, average=_points(a.average)) for a in low]
    lines += ["", ctx.text("group_diagnosis_one" if answered == 1 else "group_diagnosis_private")]
    if total > answered:
        lines.append(ctx.text("group_diagnosis_pending", pending=total - answered))
    ctx.send(MessageOut("\n".join(lines)))
