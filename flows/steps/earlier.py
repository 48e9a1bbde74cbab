"""`default_from: kit1.problema_municipio`: a question offers what the person answered in an earlier flow.

What one kit promises to carry forward (Kit 1's problem, to Kit 5) is shown under the question with
«Usarlo tal cual»; typing an adjusted version answers as usual. The host puts the person's latest
answers of each flow named this way in the engine's context as `context["earlier"][flow_id]`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flows.errors import Problem
from flows.model import Content, Flow, Step
from flows.steps.registry import problem
from flows.turn import Turn

REUSE = "~reuse"  # the «Usarlo tal cual» button


def source(step: Step) -> tuple[str, str] | None:
    """(flow id, answer name) of a question's `default_from`, or None."""
    named = step.get("default_from")
    if not named or "." not in str(named):
        return None
    flow_id, _, name = str(named).partition(".")
    return flow_id, name


def offered(turn: Turn, step: Step) -> Any | None:
    """The earlier answer to offer: only while this run has none of its own (`atrás` offers its own)."""
    found = source(step)
    if found is None or step.save_as in turn.state.answers or turn.state.mode in ("review", "edit"):
        return None
    earlier = turn.context.get("earlier")
    answers = earlier.get(found[0]) if isinstance(earlier, dict) else None
    value = answers.get(found[1]) if isinstance(answers, dict) else None
    return None if value in (None, "", []) else value


def where(turn: Turn, step: Step) -> str:
    """Where it was answered, as a person says it: «el Kit 1», or the flow's title."""
    flow_id = (source(step) or ("", ""))[0]
    flow = turn.content.flows.get(flow_id)
    if flow is None:
        return flow_id
    return turn.ui("earlier_kit", number=flow.number) if flow.number else f"«{flow.title}»"


def check(flow: Flow, step: Step, content: Content) -> Iterable[Problem]:
    named = step.get("default_from")
    if named is None:
        return
    found = source(step)
    if found is None:
        yield problem(step, "default_from",
                      f"`default_from` se escribe flujo.respuesta (p. ej. kit1.problema), no '{named}'")
        return
    other = content.flows.get(found[0])
    if other is None:
        yield problem(step, "default_from", f"flujo desconocido '{found[0]}' en `default_from`")
        return
    asked = next((other.steps[s] for s in other.question_ids if other.steps[s].save_as == found[1]), None)
    if asked is None:
        yield problem(step, "default_from", f"ninguna pregunta de '{found[0]}' guarda '{found[1]}'")
    elif asked.get("answer") != step.get("answer"):
        yield problem(step, "default_from",
                      f"'{named}' es de tipo {asked.get('answer')} y esta pregunta de tipo {step.get('answer')}")
