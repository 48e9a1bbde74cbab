"""The engine: `(content, state, input, now) -> (new state, events)`. Pure; no I/O.

Navigation every waiting step understands (atrás, saltar, ayuda, pausa) lives here, so each step
kind only knows how to ask and how to read an answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flows.events import AnswerSaved, ContentError, Event, RunFinished, RunPaused
from flows.inputs import Begin, Command, Input, Repeat, Tap, Text
from flows.model import Content, Step
from flows.state import ACTIVE, DONE, PAUSED, RunState
from flows.steps import REGISTRY, STAY, Go, Outcome, Stop
from flows.turn import Turn, word

MAX_HOPS = 500  # steps passed in one call before we call it a loop in the content

LIST_SHOWN_AGAIN = 8  # after «ayuda», a question with more options than this is not asked again
NAVIGATION_COMMANDS = {"atras": "back", "saltar": "skip", "ayuda": "help", "pausa": "pause"}


def start(flow_id: str) -> RunState:
    return RunState(flow_id=flow_id)


def step(
    content: Content,
    state: RunState,
    inp: Input,
    now: datetime,
    context: Mapping[str, Any] | None = None,
) -> tuple[RunState, list[Event]]:
    flow = content.flows.get(state.flow_id)
    if flow is None:
        return state, [ContentError(f"el flujo '{state.flow_id}' ya no existe")]
    turn = Turn(content, flow, state, now, context or {})
    if isinstance(inp, Begin):
        _begin(turn)
    elif isinstance(inp, Repeat):
        if _is_waiting_step(turn, state.step_id) and state.status != DONE:
            current = flow.steps[str(state.step_id)]
            REGISTRY[current.type].prompt(turn, current)
    elif state.status == DONE:
        turn.say(turn.ui("run_done", title=flow.title))
    else:
        _receive(turn, inp)
    return turn.state, turn.events


def back_to(content: Content, state: RunState, step_id: str) -> RunState:
    """The run waiting again on `step_id`, a step it passed: every answer kept, the history cut
    back to before that step, the steps below it ahead again. Used when what followed that step's
    answer could not be kept (storage refused the record it chose); a step the flow lacks changes
    nothing. Step the result with `Repeat()` to ask its question again."""
    flow = content.flows.get(state.flow_id)
    if flow is None or step_id not in flow.steps:
        return state
    history = list(state.history)
    while history and history.pop() != step_id:
        pass
    return state.evolve(step_id=step_id, status=ACTIVE, mode=None, return_to=None, history=tuple(history),
                        ahead=flow.ahead_of(step_id))


def enter_again(
    content: Content, state: RunState, step_id: str, now: datetime, context: Mapping[str, Any] | None = None
) -> tuple[RunState, list[Event]]:
    """The run entering `step_id`, a step it passed, anew (back_to, then the step's own entry): a
    record step whose fields someone else changed meanwhile reads the record again and asks."""
    flow = content.flows.get(state.flow_id)
    back = back_to(content, state, step_id)
    if flow is None or back is state:
        return state, []
    turn = Turn(content, flow, back, now, context or {})
    _advance(turn, step_id)
    return turn.state, turn.events


def _begin(turn: Turn) -> None:
    state = turn.state
    if state.step_id is None:
        _advance(turn, turn.flow.first)
        return
    if state.status == DONE:
        turn.say(turn.ui("run_done", title=turn.flow.title))
        return
    turn.state = state.evolve(status=ACTIVE)
    if not _is_waiting_step(turn, state.step_id):
        _relocate(turn)
        return
    current = turn.flow.steps[str(state.step_id)]
    turn.say(turn.ui("resumed", title=turn.flow.title))
    REGISTRY[current.type].prompt(turn, current)


def _relocate(turn: Turn) -> None:
    """The step the run stood on was removed or changed kind: find where the person goes on.

    In order: the flow's `moved_to` mapping, a step that `replaces` it, the first step that was
    ahead of it and still exists, the first unanswered question. Answers are always kept.
    """
    flow, lost = turn.flow, str(turn.state.step_id)
    moved = flow.data.get("moved_to") or {}
    candidates = [str(moved[lost])] if lost in moved else []
    candidates += [s.id for s in flow.steps.values() if lost in (s.get("replaces") or ())]
    if lost in flow.steps:  # still there but no longer waits (a question turned into a message)
        candidates.append(lost)
    candidates += list(turn.state.ahead)
    answered = set(turn.state.answers)
    candidates += [q for q in flow.question_ids if flow.steps[q].save_as not in answered]
    target = next((c for c in candidates if c in flow.steps), flow.first)
    turn.say(turn.ui("step_moved"))
    turn.state = turn.state.evolve(mode=None, return_to=None)
    _advance(turn, target)


def _is_waiting_step(turn: Turn, step_id: str | None) -> bool:
    step = turn.flow.steps.get(str(step_id))
    return step is not None and REGISTRY[step.type].waits


def _receive(turn: Turn, inp: Input) -> None:
    if not _is_waiting_step(turn, turn.state.step_id):
        _relocate(turn)
        return
    current = turn.flow.steps[str(turn.state.step_id)]
    kind = REGISTRY[current.type]
    if turn.state.status == PAUSED:
        turn.state = turn.state.evolve(status=ACTIVE)
    action = _navigation(turn, inp)
    if isinstance(inp, Tap) and inp.step_id not in (None, current.id):
        turn.say(turn.ui("stale_button"))  # a button of an earlier message: it cannot act twice
        kind.prompt(turn, current)
    elif action == "unknown_command":
        assert isinstance(inp, Command)
        turn.say(turn.ui("unknown_command", command=inp.name))
        kind.prompt(turn, current)
    elif action is not None:
        _navigate(turn, current, action)
    else:
        _follow(turn, kind.receive(turn, current, inp))


def _navigation(turn: Turn, inp: Input) -> str | None:
    if isinstance(inp, Command):
        return NAVIGATION_COMMANDS.get(inp.name, "unknown_command")
    if isinstance(inp, Text):
        typed, words = word(inp.text), turn.content.navigation_words
        for group in ("back", "skip", "help", "pause"):
            if typed in words.get(group, ()):
                return group
    return None


def _navigate(turn: Turn, current: Step, action: str) -> None:
    kind = REGISTRY[current.type]
    state = turn.state
    if action == "help":
        if current.type == "question":
            lines = [turn.ui("help", help=turn.render(current.get("help"), current.id))]
            if current.get("example"):
                example = turn.render(current.get("example"), current.id)
                lines.append(turn.ui("example_line", example=example))
            if len(turn.spec(current).options) > LIST_SHOWN_AGAIN:
                # A long list is not sent again: its buttons are still above, and its numbers still work.
                lines.append(turn.ui("help_list_above"))
                turn.say("\n".join(lines), (), None, current.id)
                return
            turn.say("\n".join(lines))
        else:
            turn.say(turn.ui("record_conflict_help" if current.type == "record" else "summary_help"))
        kind.prompt(turn, current)
    elif action == "pause":
        turn.state = state.evolve(status=PAUSED)
        turn.events.append(RunPaused())
        turn.say(turn.ui("paused", title=turn.flow.title))
    elif action == "skip":
        if not current.get("optional"):
            turn.say(turn.ui("cannot_skip"))
            kind.prompt(turn, current)
            return
        history = state.history if state.history[-1:] == (current.id,) else (*state.history, current.id)
        answers = {k: v for k, v in state.answers.items() if k != current.save_as}
        target = state.return_to if state.mode == "edit" else turn.flow.next_of(current)
        turn.state = state.evolve(answers=answers, history=history, mode=None, return_to=None)
        turn.events.append(AnswerSaved(current.save_as, None, current.id))
        _follow(turn, Go(target))
    elif action == "back":
        stack = [s for s in state.history if s in turn.flow.steps]  # removed steps are skipped
        if stack and stack[-1] == current.id:
            stack.pop()  # we are reviewing an answered step: go before it
        if not stack:
            turn.say(turn.ui("first_step"))
            kind.prompt(turn, current)
            return
        previous = stack.pop()
        turn.state = state.evolve(history=tuple(stack), mode="review", return_to=None)
        turn.say(turn.ui("going_back"))
        _advance(turn, previous)


def _follow(turn: Turn, outcome: Outcome) -> None:
    if isinstance(outcome, Go):
        _advance(turn, outcome.step_id)


def _advance(turn: Turn, step_id: str | None) -> None:
    """Enter steps one after another until one waits for the person or the run ends."""
    for _ in range(MAX_HOPS):
        if step_id is None:
            _finish_without_end(turn)
            return
        target = turn.flow.steps.get(step_id)
        if target is None:
            turn.events.append(ContentError(f"{turn.flow.file}: el paso '{step_id}' no existe"))
            turn.say(turn.ui("content_error"))
            return
        outcome = REGISTRY[target.type].enter(turn, target)
        if outcome is STAY:
            turn.state = turn.state.evolve(step_id=target.id, ahead=turn.flow.ahead_of(target.id))
            return
        if isinstance(outcome, Stop):
            return
        assert isinstance(outcome, Go)
        step_id = outcome.step_id
    turn.events.append(ContentError(f"{turn.flow.file}: más de {MAX_HOPS} pasos sin pausa (¿un ciclo?)"))
    turn.say(turn.ui("content_error"))


def _finish_without_end(turn: Turn) -> None:
    turn.state = turn.state.evolve(status=DONE, mode=None, return_to=None)
    turn.events.append(RunFinished(None))
