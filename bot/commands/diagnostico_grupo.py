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

from sqlalchemy import select

from bot.commands.registry import COORDINATOR, command
from flows.events import MessageOut
from flows.model import Content
from flows.state import DONE
from storage.models import FlowRun, Membership, Person

if TYPE_CHECKING:
    from bot.turn import Turn
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


async def _members(turn: Turn, secretariat_id: int) -> list[Person]:
    rows = await turn.uow.session.scalars(
        select(Person).join(Membership, Membership.person_id == Person.id)
        .where(Membership.secretariat_id == secretariat_id).order_by(Person.id))
    return list(rows)


async def _latest_answers(turn: Turn, secretariat_id: int, people: list[Person]) -> list[dict[str, Any]]:
    """The answers of each person's latest finished self-diagnosis for this secretariat."""
    if not people:
        return []
    runs = await turn.uow.session.scalars(
        select(FlowRun).where(FlowRun.flow_id == FLOW, FlowRun.status == DONE,
                              FlowRun.secretariat_id == secretariat_id,
                              FlowRun.person_id.in_([p.id for p in people]))
        .order_by(FlowRun.person_id, FlowRun.updated_at, FlowRun.id))
    latest: dict[int, FlowRun] = {}
    for run in runs:
        latest[run.person_id] = run  # ordered oldest first: the last one wins
    return [dict((run.state or {}).get("answers") or {}) for run in latest.values()]


@command("diagnostico_grupo", role=COORDINATOR)
async def diagnostico_grupo(turn: Turn, inp: Command) -> None:
    secretariat = await turn.secretariat()
    members = await _members(turn, secretariat.id)
    consenting = [p for p in members if p.consent_at is not None]
    answer_sets = await _latest_answers(turn, secretariat.id, consenting)
    areas = group_areas(turn.content, answer_sets)
    answered, total = len(answer_sets) if areas else 0, len(members)
    if not answered:
        turn.say("group_diagnosis_empty", secretariat=secretariat.name, members=total)
        return
    lines = [turn.text("group_diagnosis_header", secretariat=secretariat.name, answered=answered, members=total)]
    for area in areas:
        mark = "🟢" if area.average >= 7 else "🟡" if area.average >= 5 else "🔴"
        lines.append(turn.text("group_diagnosis_line", mark=mark, title=area.title, average=_points(area.average)))
    top = max(len(names) for names in area_questions(turn.content).values()) * TOP_SCORE_PER_STATEMENT
    low = weakest(areas)
    if all(area.average >= top for area in areas):
        lines += ["", turn.text("group_diagnosis_strong")]
    else:
        lines += ["", turn.text("group_diagnosis_recommend")]
        lines += [turn.text("group_diagnosis_kit", title=a.title, average=_points(a.average)) for a in low]
    lines += ["", turn.text("group_diagnosis_one" if answered == 1 else "group_diagnosis_private")]
    if total > answered:
        lines.append(turn.text("group_diagnosis_pending", pending=total - answered))
    turn.reply.messages.append(MessageOut("\n".join(lines)))
