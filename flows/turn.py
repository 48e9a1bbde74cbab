"""One call of the engine: the content, the run state as it evolves, and the events produced."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from flows import templating
from flows.answers import Spec, get
from flows.events import Button, ContentError, Event, MessageOut
from flows.model import Content, Flow, Option, Step
from flows.records import DYNAMIC_LISTS, is_dynamic, list_items
from flows.state import RunState
from flows.text import normalize


@lru_cache(maxsize=4096)
def _ui_render_cached(source: str, params: tuple[tuple[str, Any], ...]) -> str:
    return templating.render(source, dict(params))


def _ui_render(source: str, params: dict[str, Any]) -> str:
    """ui.yaml's texts read only their parameters: the same ones («Pregunta 3 de 12») render once."""
    try:
        return _ui_render_cached(source, tuple(sorted(params.items())))
    except TypeError:  # a parameter that cannot be a cache key (a list): render it each time
        return templating.render(source, params)


class LazyVariables(Mapping[str, Any]):
    """Template variables computed on first use: most texts read `answers` or nothing, and
    `shown` (every answer's label) costs more than the rest of a step."""

    def __init__(self, turn: Turn, answers: Mapping[str, Any]) -> None:
        self._turn = turn
        self._answers = answers
        self._values: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        if key not in self._values:
            self._values[key] = _MAKERS[key](self._turn, self._answers)
        return self._values[key]

    def __contains__(self, key: object) -> bool:  # without computing it (Mapping's would)
        return key in _MAKERS

    def __iter__(self) -> Iterator[str]:
        return iter(_MAKERS)

    def __len__(self) -> int:
        return len(_MAKERS)


@dataclass
class Turn:
    content: Content
    flow: Flow
    state: RunState
    now: datetime
    context: Mapping[str, Any] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    _variables: LazyVariables | None = field(default=None, repr=False)
    _variables_for: object = field(default=None, repr=False)

    # -- templates ---------------------------------------------------------------------------
    def variables(self) -> Mapping[str, Any]:
        # Built once per set of answers: a turn renders several texts between two answers.
        if self._variables is None or self._variables_for is not self.state.answers:
            self._variables, self._variables_for = LazyVariables(self, self.state.answers), self.state.answers
        return self._variables

    @property
    def lists(self) -> Mapping[str, Any]:
        """The lists the host filled for this turn (context["lists"]), by name."""
        lists = self.context.get("lists")
        return lists if isinstance(lists, Mapping) else {}

    def chosen_items(self, answers: Mapping[str, Any] | None = None) -> dict[str, dict[str, Any]]:
        """For each answer chosen from a host list, the whole item (its title, objective, …)."""
        answers = self.state.answers if answers is None else answers
        chosen: dict[str, dict[str, Any]] = {}
        for step_id in self.flow.questions:
            step = self.flow.steps[step_id]
            source = str(step.get("options_from"))
            value = answers.get(step.save_as)
            if source in DYNAMIC_LISTS and value is not None:
                item = next((i for i in list_items(self.lists, source) if str(i["value"]) == str(value)), None)
                if item is not None:
                    chosen[step.save_as] = dict(item)
        return chosen

    def shown_answers(self, answers: Mapping[str, Any] | None = None) -> dict[str, str]:
        """Each answer as the person would read it: labels instead of option values."""
        answers = self.state.answers if answers is None else answers
        shown: dict[str, str] = {}
        for step_id in self.flow.questions:
            step = self.flow.steps[step_id]
            value = answers.get(step.save_as)
            kind = get(str(step.get("answer")))
            if value is not None and kind is not None:
                shown[step.save_as] = kind.show(value, self.spec(step))
        return shown

    def today(self) -> str:
        """Today as an ISO date: the host's (in the secretariat's time zone) or the clock's."""
        return str(self.context.get("today") or self.now.date().isoformat())

    def render(self, source: Any, where: str) -> str:
        """Render admin text; a broken template is reported, never shown as a traceback."""
        try:
            return templating.render(str(source or ""), self.variables())
        except templating.TemplateProblem as exc:
            self.events.append(ContentError(f"{self.flow.file}: {where}: {exc}"))
            return ""

    def ui(self, key: str, **params: Any) -> str:
        """The assistant's own words from ui.yaml, looked up by key in its sections."""
        source = self.content.ui_texts.get(key)
        if source is None:
            return key
        return _ui_render_cached(source, ()) if not params else _ui_render(source, params)

    def button_label(self, key: str) -> str:
        return str((self.content.ui.get("buttons") or {}).get(key, key))

    def is_word(self, text: str, group: str) -> bool:
        return word(text) in self.content.navigation_words.get(group, frozenset())

    # -- output ------------------------------------------------------------------------------
    def say(
        self,
        text: str,
        buttons: tuple[Button, ...] = (),
        placeholder: str | None = None,
        step_id: str | None = None,
    ) -> None:
        if text or buttons:
            self.events.append(MessageOut(text, buttons, placeholder, step_id))

    def spec(self, step: Step) -> Spec:
        fixed: Spec | None = step.derived.get("spec")
        if fixed is not None:
            return fixed
        options = self.content.options_for(step, self.lists)
        within = step.get("within")
        if within:  # only the options under earlier choices: the ODS targets of the chosen goals
            chosen = self.state.answers.get(str(within))
            keys = frozenset(str(v) for v in chosen) if isinstance(chosen, list) else frozenset(
                {str(chosen)} if chosen else ())
            return self._narrowed(step, options, keys)
        spec = Spec(step.data, options)
        if not is_dynamic(step.get("options_from")):  # the same at every turn
            step.derived["spec"] = spec
        return spec

    def _narrowed(self, step: Step, options: tuple[Option, ...], keys: frozenset[str]) -> Spec:
        """The spec with the options under `keys`; the last one is kept, as a turn asks for it
        several times (to ask, to read, to show) and going through every ODS target takes a while."""
        last: tuple[tuple[Option, ...], frozenset[str], Spec] | None = step.derived.get("narrowed")
        if last is not None and last[0] is options and last[1] == keys:
            return last[2]
        narrowed = tuple(o for o in options if o.value.split(".")[0] in keys)
        spec = Spec(step.data, narrowed or options)
        step.derived["narrowed"] = (options, keys, spec)
        return spec

    def progress(self, step: Step) -> str:
        line: str | None = step.derived.get("progress")
        if line is None:  # «Pregunta 3 de 12» depends on the content only
            questions = self.flow.questions
            line = step.derived["progress"] = (
                self.ui("progress", n=questions.index(step.id) + 1, total=len(questions))
                if step.id in questions else ""
            )
        return line


def word(text: str) -> str:
    """A typed text as a word of ui.yaml's lists: normalized, without the punctuation around it."""
    return normalize(text).strip(" .!¡¿?")


_MAKERS: dict[str, Callable[[Turn, Mapping[str, Any]], Any]] = {
    "answers": lambda turn, answers: dict(answers),
    "shown": lambda turn, answers: turn.shown_answers(answers),  # labels of every answer: only when read
    "person": lambda turn, answers: dict(turn.context.get("person") or {}),
    "secretariat": lambda turn, answers: dict(turn.context.get("secretariat") or {}),
    "catalogs": lambda turn, answers: turn.content.template_catalogs,
    "kits": lambda turn, answers: turn.content.template_kits,
    "chosen": lambda turn, answers: turn.chosen_items(answers),
    "today": lambda turn, answers: turn.today(),
}
