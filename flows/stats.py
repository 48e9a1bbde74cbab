"""Figures about a flow for admins: how long it is, how long it takes, and how much a person reads
in one go before being asked anything (a phone screen holds about 900 characters)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from jinja2 import nodes

from flows import templating
from flows.model import Flow, Step
from flows.steps import REGISTRY

WORDS_PER_MINUTE = 180  # reading on a phone, in Spanish
MINUTES_TO_ANSWER = {"long_text": 2.0, "short_text": 0.5, "multi_choice": 0.5}
DEFAULT_MINUTES_TO_ANSWER = 0.3  # a tap, a number, a date
LONGEST_RUN = 900  # characters read between two waits: more, and people stop reading on a phone
EXPRESSION_LENGTH = 10  # a `{{ … }}` as read: a name such as «Ana Sofía»
_LOGIC_TAGS = ("{%", "{#")


@dataclass(frozen=True)
class FlowStats:
    flow_id: str
    title: str
    steps: int
    questions: int
    branches: int
    minutes: float
    longest_run: int  # characters read in one go before the person must answer


@dataclass(frozen=True)
class Run:
    """What a person reads in one go: from `steps[0]` to the wait (or the end) `steps[-1]`."""

    length: int
    steps: tuple[Step, ...]

    @property
    def first(self) -> Step:
        """The first step of the run that says something: where to break it."""
        return next((s for s in self.steps if s.get("text")), self.steps[0])


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
        longest_run=max((run.length for run in runs(flow)), default=0),
    )


def reading_length(source: str) -> int:
    """The characters a person reads in a text: Jinja statements and comments are not read, a
    `{% if %}` counts its longest alternative, and each `{{ … }}` counts as a short name."""
    if not any(tag in source for tag in _LOGIC_TAGS) and "{{" not in source:
        return len(source)
    try:
        tree = templating.parse_template(source)
    except templating.TemplateProblem:
        return len(source)  # the checker reports the template itself
    return _length(tree.body)


def _length(body: Iterable[nodes.Node]) -> int:
    return sum(_node_length(node) for node in body)


def _node_length(node: nodes.Node) -> int:
    if isinstance(node, nodes.TemplateData):
        return len(node.data)
    if isinstance(node, nodes.Output):
        return sum(len(n.data) if isinstance(n, nodes.TemplateData) else EXPRESSION_LENGTH for n in node.nodes)
    if isinstance(node, nodes.If):
        return max(_length(node.body), *(_length(e.body) for e in node.elif_), _length(node.else_))
    if isinstance(node, nodes.For):
        return max(_length(node.body), _length(node.else_))
    if isinstance(node, nodes.Expr | nodes.Assign | nodes.AssignBlock):
        return 0
    return sum(_node_length(child) for child in node.iter_child_nodes() if isinstance(child, nodes.Stmt))


def successors(flow: Flow, step: Step) -> list[str]:
    """Where a step can go on: its targets, then the step below (the checker and the graph use it too)."""
    kind = REGISTRY.get(step.type)
    if kind is None or step.type == "end":
        return []
    explicit = [target for target, _ in kind.targets(flow, step)]
    if step.type == "branch":
        following = flow.following(step.id)
        if not step.get("default") and following:
            explicit.append(following)
        return explicit
    nxt = flow.next_of(step)
    # Other ways on (a question's `if_empty`) come after the usual one.
    others = [target for target, key in kind.targets(flow, step) if key != "next"]
    return list(dict.fromkeys([nxt, *others] if nxt else others))


def _waits(step: Step) -> bool:
    kind = REGISTRY.get(step.type)
    return kind is not None and kind.waits and not kind.waits_sometimes


def _text_length(step: Step) -> int:
    text = step.get("text")
    return reading_length(str(text)) if text else 0


def runs(flow: Flow) -> list[Run]:
    """The longest run from the flow's start and from each place a person answers: every message up
    to the next wait (or the end), plus the text of that wait, along the longest way the branches allow."""
    memo: dict[str, Run] = {}

    def longest(step_id: str, visiting: frozenset[str]) -> Run:
        if step_id in memo:
            return memo[step_id]
        step = flow.steps[step_id]
        own = _text_length(step)
        if _waits(step) or step.type == "end" or step_id in visiting:
            return Run(own if step_id not in visiting else 0, (step,))
        onward = [longest(t, visiting | {step_id}) for t in successors(flow, step) if t in flow.steps]
        best = max(onward, key=lambda r: r.length, default=Run(0, ()))
        memo[step_id] = run = Run(own + best.length, (step, *best.steps))
        return run

    starts = [flow.first] if flow.first else []
    for step in flow.steps.values():
        if _waits(step):
            starts += successors(flow, step)
    found = {sid: longest(sid, frozenset()) for sid in dict.fromkeys(starts) if sid in flow.steps}
    return list(found.values())
