"""Asks, then waits for an answer of its type; a rejected answer is explained and asked again."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import flows.steps.crossfield as crossfield
import flows.steps.earlier as carry
import flows.steps.paging as paging
from flows import answers
from flows.errors import Problem, Rejected
from flows.events import AnswerSaved, Button, RunFinished
from flows.inputs import File, Input, Tap, Text, Unsupported
from flows.model import Content, Flow, Option, Step
from flows.records import DYNAMIC_LISTS, SAMPLE_LISTS
from flows.state import DONE
from flows.steps.registry import STAY, STOP, STRING, TEMPLATE, Go, Outcome, StepKind, problem, register
from flows.turn import Turn

KEEP = "~keep"  # the "keep my earlier answer" button
REUSE = carry.REUSE  # «Usarlo tal cual»: what the person answered in an earlier flow (`default_from`)
GO_ON = "~go_on"  # "Continuar", under a question whose host list became empty
PAST_OK = "~past_ok"  # «Sí, es correcta»: a past date for a `future` question, kept
PAST_CHANGE = "~past_change"  # «No, la cambio»: ask the date again


def _empty_list(turn: Turn, step: Step) -> bool:
    """Does the question take its options from a host list that has nothing in it right now?"""
    source = step.get("options_from")
    return source is not None and str(source) in DYNAMIC_LISTS and not turn.spec(step).options


def answer_type_named(name: str) -> answers.AnswerType:
    kind = answers.get(name)
    if kind is None:
        raise KeyError(name)
    return kind


def answer_type(step: Step) -> answers.AnswerType:
    kind = answers.get(str(step.get("answer")))
    if kind is None:
        raise KeyError(step.get("answer"))
    return kind


def _hints(turn: Turn, step: Step, kind: answers.AnswerType) -> tuple[str, ...]:
    """The lines under the question (how to choose several, how to skip): the same at every turn."""
    hints: tuple[str, ...] | None = step.derived.get("hints")
    if hints is None:
        hints = step.derived["hints"] = (
            *([turn.ui("multi_choice_hint")] if kind.name == "multi_choice" else []),
            *([turn.ui("optional_hint")] if step.get("optional") else []),
        )
    return hints


def _buttons(step: Step, kind: answers.AnswerType, spec: answers.Spec) -> tuple[Button, ...]:
    """The answer's buttons, built once for a question whose options never change (its spec is kept)."""
    if step.derived.get("spec") is not spec:
        return kind.buttons(spec)
    buttons: tuple[Button, ...] | None = step.derived.get("buttons")
    if buttons is None:
        buttons = step.derived["buttons"] = kind.buttons(spec)
    return buttons


def shown_answer(turn: Turn, step: Step) -> str | None:
    """The person's earlier answer to `step` as they would read it, if there is one."""
    value = turn.state.answers.get(step.save_as)
    if value is None:
        return None
    spec = turn.spec(step)
    if any(o.short for o in spec.options):  # under the question, as its buttons read (not whole ODS targets)
        spec = answers.Spec(spec.data, tuple(Option(o.value, o.button) for o in spec.options))
    return answer_type(step).show(value, spec)


def earlier_offer(turn: Turn, step: Step) -> str | None:
    """What the person answered in the flow `default_from` names, as they read it, while offered."""
    value = carry.offered(turn, step)
    return None if value is None else answer_type(step).show(value, turn.spec(step))


@register
class Question(StepKind):
    name = "question"
    waits = True
    properties = {
        "answer": {"enum": sorted(answers.REGISTRY)},
        "text": TEMPLATE, "help": TEMPLATE, "example": TEMPLATE,
        "save_as": STRING, "label": STRING, "optional": {"type": "boolean"},
        "min_length": {"type": "integer", "minimum": 0}, "max_length": {"type": "integer", "minimum": 1},
        "min": {"type": ["number", "string"]}, "max": {"type": ["number", "string"]},
        "min_choices": {"type": "integer", "minimum": 0}, "max_choices": {"type": "integer", "minimum": 1},
        "options": {"type": "array", "items": {
            "type": "object", "required": ["value", "label"], "additionalProperties": False,
            "properties": {"value": {"type": ["string", "number"]}, "label": STRING}}},
        "options_from": STRING,
        "per_screen": {"type": "integer", "minimum": 2,
                       "description": "opciones por pantalla de una lista larga; las demás, con «Ver más opciones»"},
        "within": {"type": "string",
                   "description": "respuesta anterior que acota las opciones (metas ODS de los objetivos elegidos)"},
        "future": {"type": "boolean",
                   "description": "fecha de algo por venir: si ya pasó, se pregunta «¿es correcta?»"},
        "if_empty": {"type": "string",
                     "description": "paso al que se sigue si la lista del anfitrión (options_from) está vacía"},
        "default_from": {"type": "string", "pattern": "^[a-z0-9_]+\\.[a-z0-9_]+$",
                         "description": "flujo.respuesta: ofrece lo que la persona ya respondió ahí"},
    }
    required = ("answer", "text")

    def enter(self, turn: Turn, step: Step) -> Outcome:
        if _empty_list(turn, step):
            return self.nothing_to_choose(turn, step)
        if turn.state.page is not None or turn.state.confirm is not None:  # asked afresh
            turn.state = turn.state.evolve(page=None, confirm=None)
        self._ask(turn, step)
        return STAY

    def nothing_to_choose(self, turn: Turn, step: Step) -> Outcome:
        """A host list with nothing in it: say what is missing kindly, and go on (or end)."""
        turn.say(turn.ui(DYNAMIC_LISTS[str(step.get("options_from"))]))
        target = step.get("if_empty")
        if target:
            return Go(str(target))
        turn.state = turn.state.evolve(step_id=step.id, status=DONE, mode=None, return_to=None)
        turn.events.append(RunFinished(None))
        return STOP

    def prompt(self, turn: Turn, step: Step) -> None:
        if _empty_list(turn, step):  # emptied since it was asked: one tap goes on
            turn.say(turn.ui(DYNAMIC_LISTS[str(step.get("options_from"))]),
                     (Button(turn.button_label("go_on"), GO_ON),), None, step.id)
            return
        self._ask(turn, step)

    def _screen_buttons(
        self, turn: Turn, step: Step, kind: answers.AnswerType, spec: answers.Spec
    ) -> tuple[Button, ...]:
        """The answer's buttons; for a paged list, those of the screen shown and «Ver más»."""
        shown = paging.screen(turn, step, spec).numbered
        if shown is None:
            return _buttons(step, kind, spec)
        return (*kind.buttons(answers.Spec(spec.data, shown)), *paging.controls(turn, step, spec))

    def _ask(self, turn: Turn, step: Step, brief: bool = False) -> None:
        """The question; `brief`: only the next screen of its list, the question is just above."""
        kind, spec = answer_type(step), turn.spec(step)
        question = [] if brief else [turn.progress(step), turn.render(step.get("text"), step.id)]
        lines = [*question, paging.heading(turn, step, spec), *_hints(turn, step, kind)]
        buttons = self._screen_buttons(turn, step, kind, spec)
        earlier = shown_answer(turn, step) if turn.state.mode in ("review", "edit") else None
        if earlier is not None:
            lines.append(turn.ui("previous_answer", answer=earlier))
            buttons = (*buttons, Button(turn.button_label("keep"), KEEP))
        carried = earlier_offer(turn, step)
        if carried:
            lines.append(turn.ui("earlier_offer", where=carry.where(turn, step), answer=carried))
            buttons = (*buttons, Button(turn.button_label("reuse"), REUSE))
        placeholder = turn.ui(kind.placeholder) if not buttons or kind.name == "multi_choice" else None
        turn.say("\n\n".join(filter(None, lines)), buttons, placeholder, step.id)

    def receive(self, turn: Turn, step: Step, inp: Input) -> Outcome:
        if _empty_list(turn, step):
            return self.nothing_to_choose(turn, step)
        kind, spec = answer_type(step), turn.spec(step)
        wanted = paging.wants(turn, step, spec, inp)
        if wanted == paging.MORE:
            paging.turn_page(turn, step, spec)
            self._ask(turn, step, brief=True)
            return STAY
        if wanted == paging.FULL:
            shown = paging.screen(turn, step, spec).numbered or ()
            turn.say(paging.full_texts(shown), self._screen_buttons(turn, step, kind, spec),
                     turn.ui(kind.placeholder), step.id)
            return STAY
        spec = paging.screen(turn, step, spec)
        pending = turn.state.confirm
        if pending is not None and pending[0] == step.id:
            turn.state = turn.state.evolve(confirm=None)
            decided = self._past_date_decision(turn, inp)
            if decided is True:
                return self.save(turn, step, pending[1])
            if decided is False:
                self._ask(turn, step)
                return STAY  # anything else is read below as a new answer
        keeping = turn.state.mode in ("review", "edit") and step.save_as in turn.state.answers
        try:
            if isinstance(inp, Tap) and inp.value == REUSE and carry.offered(turn, step) is not None:
                value: Any = carry.offered(turn, step)
                value = kind.parse(value, spec) if isinstance(value, str) else value  # still within limits
            elif keeping and (
                (isinstance(inp, Tap) and inp.value == KEEP)
                or (isinstance(inp, Text) and turn.is_word(inp.text, "keep"))
            ):
                value = turn.state.answers[step.save_as]
            elif isinstance(inp, Tap):
                value = kind.tap(inp.value, spec)
            elif isinstance(inp, Text):
                value = kind.parse(inp.text, spec)
            elif isinstance(inp, File) and kind.name == "file":
                value = kind.receive_file(inp, spec)
            elif isinstance(inp, File):
                raise Rejected("unsupported_input", kind=turn.ui(f"file_kind_{inp.kind}"))
            elif isinstance(inp, Unsupported) and kind.name == "file":
                raise Rejected("not_a_file")
            elif isinstance(inp, Unsupported):
                raise Rejected("unsupported_input", kind=inp.kind)
            else:
                raise Rejected("not_an_option", count=len(spec.options))
        except Rejected as rejection:
            self.explain(turn, step, rejection, remember=not isinstance(inp, Tap))
            return STAY
        if step.get("future") and kind.name == "date" and str(value) < turn.today() \
                and value != turn.state.answers.get(step.save_as):  # a date kept need not be asked twice
            turn.state = turn.state.evolve(confirm=(step.id, value))
            buttons = (Button(turn.button_label("past_ok"), PAST_OK),
                       Button(turn.button_label("past_change"), PAST_CHANGE))
            turn.say(turn.ui("date_in_past", date=kind.show(value, spec)), buttons, None, step.id)
            return STAY
        return self.save(turn, step, value)

    @staticmethod
    def _past_date_decision(turn: Turn, inp: Input) -> bool | None:
        """After «esa fecha ya pasó»: True keeps it, False asks again, None is a new answer."""
        if isinstance(inp, Tap) and inp.value in (PAST_OK, PAST_CHANGE):
            return inp.value == PAST_OK
        if isinstance(inp, Text):
            try:
                return bool(answer_type_named("yes_no").parse(inp.text, answers.Spec({})))
            except Rejected:
                return None
        return None

    def explain(self, turn: Turn, step: Step, rejection: Rejected, remember: bool = True) -> None:
        """The refusal, the example and, once per step, «Inténtalo de nuevo». A refused tap (an old
        or forged button) leaves the run's state as it was, so it does not count as that once."""
        kind, spec = answer_type(step), turn.spec(step)
        lines = [turn.ui(rejection.key, **{"label": step.get("label") or "", **rejection.params})]
        if step.get("example"):
            lines.append(turn.ui("example_line", example=turn.render(step.get("example"), step.id)))
        if turn.state.retried != step.id:  # once per step: after that, the refusal and the example are enough
            lines.append(turn.ui("try_again"))
            if remember:
                turn.state = turn.state.evolve(retried=step.id)
        buttons = self._screen_buttons(turn, step, kind, spec)
        if turn.state.mode in ("review", "edit") and step.save_as in turn.state.answers:
            buttons = (*buttons, Button(turn.button_label("keep"), KEEP))
        if earlier_offer(turn, step):
            buttons = (*buttons, Button(turn.button_label("reuse"), REUSE))
        turn.say("\n".join(lines), buttons, turn.ui(kind.placeholder), step.id)

    def save(self, turn: Turn, step: Step, value: Any) -> Outcome:
        refusal = crossfield.refused(turn, step, value)
        if refusal is not None:  # a rule across fields: said, and the same question asked again
            turn.say(refusal)
            self._ask(turn, step)
            return STAY
        state = turn.state
        history = state.history if state.history[-1:] == (step.id,) else (*state.history, step.id)
        going_back_to = state.return_to if state.mode == "edit" else None
        turn.state = state.evolve(
            answers={**state.answers, step.save_as: value},
            history=history,
            mode=None,
            return_to=None,
        )
        turn.events.append(AnswerSaved(step.save_as, value, step.id))
        return Go(going_back_to or turn.flow.next_of(step))

    def texts(self, step: Step) -> list[tuple[str, str]]:
        return [(k, str(step.get(k))) for k in ("text", "help", "example") if step.get(k) is not None]

    def targets(self, flow: Flow, step: Step) -> list[tuple[str, str]]:
        found = super().targets(flow, step)
        if step.get("if_empty"):
            found.append((str(step.get("if_empty")), "if_empty"))
        return found

    def check(self, flow: Flow, step: Step, content: Content) -> Iterable[Problem]:
        if not step.get("text"):
            yield problem(step, "text", f"la pregunta '{step.id}' necesita `text`")
        for key, why in (("help", "«¿por qué te pregunto esto?»"), ("example", "un ejemplo")):
            if not step.get(key):
                yield problem(step, key, f"la pregunta '{step.id}' no tiene `{key}`: la persona no tendrá {why}",
                              "warning")
        name = step.get("answer")
        kind = answers.get(str(name))
        if kind is None:
            known = ", ".join(sorted(answers.REGISTRY))
            yield problem(step, "answer", f"tipo de respuesta desconocido '{name}' (usa: {known})")
            return
        source = step.get("options_from")
        dynamic = source is not None and str(source) in DYNAMIC_LISTS
        if source and not dynamic and str(source) not in content.catalogs:
            known = ", ".join(sorted(content.catalogs))
            lists = ", ".join(sorted(DYNAMIC_LISTS))
            yield problem(step, "options_from",
                          f"catálogo desconocido '{source}' (hay: {known}; listas del secretariado: {lists})")
            return
        within = step.get("within")
        if within and str(within) not in {flow.steps[s].save_as for s in flow.question_ids}:
            yield problem(step, "within", f"variable no definida: ninguna pregunta guarda '{within}'")
        if step.get("if_empty") and not dynamic:
            lists = ", ".join(sorted(DYNAMIC_LISTS))
            yield problem(step, "if_empty", f"`if_empty` solo sirve con una lista del anfitrión ({lists})")
        yield from carry.check(flow, step, content)
        options = content.options_for(step, SAMPLE_LISTS) if dynamic else content.options_for(step)
        for key, message in kind.config_problems(answers.Spec(step.data, options)):
            yield problem(step, key, message)
