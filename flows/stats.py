"""Figures about a flow for admins: how long it is and how long it takes."""

from __future__ import annotations

from dataclasses import dataclass

from flows.model import Flow

WORDS_PER_MINUTE = 180  # reading on a phone, in Spanish
MINUTES_TO_ANSWER = {"long_text": 2.0, "short_text": 0.5, "multi_choice": 0.5}
DEFAULT_MINUTES_TO_ANSWER = 0.3  # a tap, a number, a date


@dataclass(frozen=True)
class FlowStats:
    flow_id: str
    title: str
    steps: int
    questions: int
    branches: int
    minutes: float


def flow_stats(flow: Flow) -> FlowStats:
    words = sum(len(str(s.get("text") or "").split()) for s in flow.steps.values())
    answering = sum(
        MINUTES_TO_ANSWER.get(str(flow.steps[q].get("answer")), DEFAULT_MINUTES_TO_ANSWER) for q in flow.question_ids
    )
    return FlowStats(
        flow_id=flow.id,
        title=flow.title,
        steps=len(flow.steps),
        questions=len(flow.question_ids),
        branches=sum(1 for s in flow.steps.values() if s.type == "branch"),
        minutes=round(words / WORDS_PER_MINUTE + answering, 1),
    )
