"""The content model: flows made of steps, catalogs of options, and the assistant's own words."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from flows.glossary import Glossary
from flows.records import DYNAMIC_LISTS, list_items
from flows.text import normalize
from flows.yamlsource import LineDict

FORMAT = 1  # the current content format; the loader upgrades older ones
STEP_ID = re.compile(r"^[a-z0-9_]+$")  # stable ids: saved progress points at them


@dataclass(frozen=True)
class Option:
    value: str
    label: str  # what summaries and documents show (an ODS target's whole text)
    short: str = ""  # what a button shows, when the label is too long for a phone
    question: str = ""  # the catalog item's guiding question, if it has one (an OGP value's)

    @property
    def button(self) -> str:
        return self.short or self.label


@dataclass
class Step:
    id: str
    type: str
    data: LineDict
    file: str
    index: int
    # What turns derive from the step alone or its content (its spec, its progress line), built at
    # its first use and kept: content does not change once loaded, and a reload makes new steps.
    derived: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    # `step.get(key, default)`: the data's own `get`, read a dozen times a step.
    get: Callable[..., Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.get = self.data.get

    @property
    def line(self) -> int:
        return self.data.line

    def line_of(self, key: str) -> int:
        return self.data.line_of(key)

    @cached_property
    def save_as(self) -> str:  # read many times a step: by every summary, every `shown`
        return str(self.data.get("save_as") or self.id)

    @property
    def label(self) -> str:
        """A short name for the answer, for summaries and the 'what to correct' menu."""
        return str(self.data.get("label") or self.save_as.replace("_", " ").capitalize())


@dataclass
class Flow:
    id: str
    kind: str  # "kit" or "flow"
    title: str
    file: str
    version: str  # a digest of the file: runs remember which text they started on
    steps: dict[str, Step]
    order: list[str]
    data: LineDict
    number: int | None = None
    purpose: str = ""

    @property
    def first(self) -> str | None:
        return self.order[0] if self.order else None

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {step_id: index for index, step_id in enumerate(self.order)}

    def following(self, step_id: str) -> str | None:
        """The step written below `step_id`, where a step without `next` goes."""
        index = self._positions[step_id]
        return self.order[index + 1] if index + 1 < len(self.order) else None

    def ahead_of(self, step_id: str) -> tuple[str, ...]:
        """Every step written below `step_id`, once per step: a run keeps them where it waits."""
        ahead = self._ahead.get(step_id)
        if ahead is None:
            ahead = self._ahead[step_id] = tuple(self.order[self._positions[step_id] + 1:])
        return ahead

    @cached_property
    def _ahead(self) -> dict[str, tuple[str, ...]]:
        return {}

    def next_of(self, step: Step) -> str | None:
        target = step.get("next")
        return str(target) if target else self.following(step.id)

    def dynamic_lists(self) -> set[str]:
        """The host-provided lists this flow's questions use (the host fills only these)."""
        return {str(s.get("options_from")) for s in self.steps.values()
                if s.type == "question" and str(s.get("options_from")) in DYNAMIC_LISTS}

    def earlier_sources(self) -> set[str]:
        """The flows whose answers this flow's questions offer again (`default_from`): the host reads only these."""
        return {str(s.get("default_from")).partition(".")[0] for s in self.steps.values()
                if s.type == "question" and s.get("default_from")}

    @property
    def question_ids(self) -> list[str]:
        return list(self.questions)

    @cached_property
    def questions(self) -> tuple[str, ...]:
        """The question ids in order, built once: summaries, `shown` and progress go through them."""
        return tuple(sid for sid in self.order if self.steps[sid].type == "question")


@dataclass
class Content:
    directory: str
    flows: dict[str, Flow]
    catalogs: dict[str, tuple[Option, ...]]
    ui: Mapping[str, Any]
    ods: list[dict[str, Any]] = field(default_factory=list)
    version: str = ""
    ui_file: str = "content/ui.yaml"
    glossary: Glossary | None = None  # content/glossary.yaml, when the folder has one

    @cached_property
    def template_catalogs(self) -> dict[str, list[dict[str, str]]]:
        """Catalogs as templates see them; built once per loaded content."""
        return {k: [{"value": o.value, "label": o.label, "question": o.question} for o in v]
                for k, v in self.catalogs.items()}

    @cached_property
    def navigation_words(self) -> dict[str, frozenset[str]]:
        """ui.yaml's navigation words, normalized once per loaded content."""
        groups = self.ui.get("navigation") or {}
        return {group: frozenset(normalize(str(w)) for w in words or ()) for group, words in groups.items()}

    @cached_property
    def ui_texts(self) -> dict[str, str]:
        """ui.yaml's `texts` and `rejected` in one mapping (`texts` first), for Turn.ui."""
        sections = [self.ui.get(section) or {} for section in ("rejected", "texts")]
        return {str(key): str(text) for texts in sections for key, text in texts.items()}

    @cached_property
    def template_kits(self) -> list[dict[str, Any]]:
        return [{"id": k.id, "title": k.title, "number": k.number} for k in self.kits()]

    def kits(self) -> list[Flow]:
        kits = [f for f in self.flows.values() if f.kind == "kit"]
        return sorted(kits, key=lambda f: (f.number or 0, f.id))

    def options_for(self, step: Step, lists: Mapping[str, Any] | None = None) -> tuple[Option, ...]:
        """The step's options: written in the step, from a catalog, or from a list the host provides
        at run time (`lists`, see flows/records.py DYNAMIC_LISTS; empty when no host gave it)."""
        source = step.get("options_from")
        if source and str(source) in DYNAMIC_LISTS:
            return tuple(Option(str(i["value"]), str(i.get("label", i["value"])))
                         for i in list_items(lists, str(source)))
        if source:
            return self.catalogs.get(str(source), ())
        options = step.derived.get("options")
        if options is None:  # built once per step: a step is asked, read, shown
            options = step.derived["options"] = tuple(
                Option(str(item.get("value")), str(item.get("label", item.get("value"))))
                for item in step.get("options") or ()
                if isinstance(item, Mapping)
            )
        return options
