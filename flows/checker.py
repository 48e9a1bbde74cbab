"""The content check: every problem at once, as `file:line: message`.

Finds unknown step kinds and answer types, dangling or missing `next`, unreachable steps,
undefined variables, bad catalog references, template errors and missing UI texts.
"""

from __future__ import annotations

from collections.abc import Mapping

from flows import templating
from flows.errors import Problem
from flows.model import Content, Flow, Step
from flows.schema import step_keys
from flows.stats import LONGEST_RUN, reading_length, runs, successors
from flows.steps import REGISTRY
from flows.uitexts import REQUIRED
from flows.yamlsource import LineDict


def check(content: Content) -> list[Problem]:
    problems: list[Problem] = []
    for flow in content.flows.values():
        problems += _check_flow(flow, content)
    problems += _check_ui(content)
    return sorted(set(problems))


def _check_flow(flow: Flow, content: Content) -> list[Problem]:
    problems: list[Problem] = []
    saved = {flow.steps[s].save_as for s in flow.question_ids}
    saved |= {str(s.get("collect_as")) for s in flow.steps.values() if s.type == "record" and s.get("collect_as")}
    known_kinds = ", ".join(sorted(REGISTRY))
    for step in flow.steps.values():
        kind = REGISTRY.get(step.type)
        if kind is None:
            problems.append(Problem(step.file, step.line_of("type"),
                                    f"tipo de paso desconocido '{step.type}' (usa: {known_kinds})"))
            continue
        problems += kind.check(flow, step, content)
        for key in sorted(set(step.data) - step_keys(step.type)):
            problems.append(Problem(step.file, step.line_of(key),
                                    f"el paso '{step.id}' ({step.type}) no usa la clave `{key}`; ¿está bien escrita?",
                                    "warning"))
        for target, key in kind.targets(flow, step):
            if target not in flow.steps:
                problems.append(Problem(step.file, step.line_of(key),
                                        f"`{key}` del paso '{step.id}' apunta a '{target}', que no existe"))
        if step.type != "end" and not successors(flow, step) and not kind.targets(flow, step):
            problems.append(Problem(step.file, step.line,
                                    f"el paso '{step.id}' no tiene `next` y es el último: termina con un paso end"))
        for key, source in kind.texts(step):
            problems += _check_template(step, key, source, saved, expression=False)
        for key, source in kind.expressions(step):
            problems += _check_template(step, key, source, saved, expression=True)
    problems += _unreachable(flow)
    problems += _check_moves(flow)
    problems += _unused_answers(flow)
    problems += _long_messages(flow)
    problems += _long_runs(flow)
    return problems


LONG_MESSAGE = 600  # characters: more than a phone screen, people stop reading


def _long_messages(flow: Flow) -> list[Problem]:
    """A message longer than a screen, counting what is read (the longest alternative of an `{% if %}`)."""
    return [
        Problem(step.file, step.line_of("text"),
                f"el mensaje '{step.id}' tiene {reading_length(str(step.get('text')))} caracteres; "
                f"divídelo en mensajes de menos de {LONG_MESSAGE}", "warning")
        for step in flow.steps.values()
        if step.type in ("message", "question", "end") and reading_length(str(step.get("text") or "")) > LONG_MESSAGE
    ]


def _long_runs(flow: Flow) -> list[Problem]:
    """A phone screen between two waits: more than LONGEST_RUN characters read in one go is a warning."""
    return [
        Problem(run.first.file, run.first.line_of("text") if run.first.get("text") else run.first.line,
                f"desde '{run.first.id}' hasta '{run.steps[-1].id}' se leen {run.length} caracteres seguidos "
                f"sin responder nada (más de {LONGEST_RUN}); pon en medio una pregunta, una comprobación "
                "o un botón «¿seguimos?»", "warning")
        for run in runs(flow)
        if run.length > LONGEST_RUN
    ]


def _unused_answers(flow: Flow) -> list[Problem]:
    """Answers nothing reads: no text, condition, record or summary uses them."""
    used: set[str] = set()
    for step in flow.steps.values():
        kind = REGISTRY.get(step.type)
        if kind is None:
            continue
        sources = [(src, False) for _, src in kind.texts(step)] + [(src, True) for _, src in kind.expressions(step)]
        for source, expression in sources:
            try:
                tree = templating.parse_expression(source) if expression else templating.parse_template(source)
            except templating.TemplateProblem:
                continue
            used |= templating.referenced_names(tree)[1]
        if step.type == "record" and isinstance(step.get("fields"), Mapping):
            used |= {str(name) for name in step.get("fields").values()}
        if step.type == "summary":
            used |= {flow.steps[str(f)].save_as for f in step.get("fields") or () if str(f) in flow.steps}
    return [
        Problem(step.file, step.line,
                f"la respuesta '{step.save_as}' se guarda pero ningún texto, condición, resumen ni registro la usa",
                "warning")
        for sid in flow.question_ids
        if (step := flow.steps[sid]).save_as not in used and not _just_go_on(step)
    ]


def _just_go_on(step: Step) -> bool:
    """A «¿seguimos?» button (a choice with one option): a pause to read, with nothing to keep."""
    options = step.get("options")
    return step.get("answer") == "choice" and isinstance(options, list) and len(options) == 1


def _check_moves(flow: Flow) -> list[Problem]:
    """`moved_to` (flow level) and `replaces` (step level) tell runs on removed steps where to go."""
    problems: list[Problem] = []
    moved = flow.data.get("moved_to")
    if moved is not None and not isinstance(moved, Mapping):
        line = flow.data.line_of("moved_to")
        return [Problem(flow.file, line, "`moved_to` debe ser un mapa: paso_viejo: paso_nuevo")]
    for old, new in (moved or {}).items():
        if str(new) not in flow.steps:
            problems.append(Problem(flow.file, flow.data.line_of("moved_to"),
                                    f"`moved_to` lleva '{old}' a '{new}', que no existe"))
        if str(old) in flow.steps:
            problems.append(Problem(flow.file, flow.data.line_of("moved_to"),
                                    f"`moved_to` nombra '{old}', que todavía existe: no se usará", "warning"))
    for step in flow.steps.values():
        replaced = step.get("replaces")
        if replaced is not None and not isinstance(replaced, list):
            problems.append(Problem(step.file, step.line_of("replaces"), "`replaces` debe ser una lista de ids"))
            continue
        for old in replaced or ():
            if str(old) in flow.steps:
                problems.append(Problem(step.file, step.line_of("replaces"),
                                        f"`replaces` nombra '{old}', que todavía existe: no se usará", "warning"))
    return problems


def _unreachable(flow: Flow) -> list[Problem]:
    if not flow.first:
        return []
    seen = {flow.first}
    pending = [flow.first]
    while pending:
        current = flow.steps[pending.pop()]
        targets = successors(flow, current)
        if any(t not in flow.steps for t in targets):
            # A dangling `next` is reported once; do not also report every step below it.
            targets.append(flow.following(current.id) or "")
        for target in targets:
            if target in flow.steps and target not in seen:
                seen.add(target)
                pending.append(target)
    return [
        Problem(step.file, step.line, f"el paso '{step.id}' es inalcanzable: ningún paso lleva a él")
        for sid, step in flow.steps.items()
        if sid not in seen
    ]


def _check_template(step: Step, key: str, source: str, saved: set[str], expression: bool) -> list[Problem]:
    base = step.line_of(key)
    offset = 1 if key in step.data.block_keys else 0
    try:
        tree = templating.parse_expression(source) if expression else templating.parse_template(source)
    except templating.TemplateProblem as exc:
        line = base + (exc.line - 1 + offset if not expression else 0)
        return [Problem(step.file, line, f"paso '{step.id}', `{key}`: {exc}")]
    names, answer_names = templating.referenced_names(tree)
    problems = [  # the sandbox refuses these when rendering: say so before anyone meets it
        Problem(step.file, base, f"paso '{step.id}', `{key}`: atributo no permitido '{attr}' (la plantilla no puede "
                                 "usar atributos que empiezan con _)")
        for attr in templating.unsafe_attributes(tree)
    ]
    problems += [
        Problem(step.file, base, f"paso '{step.id}', `{key}`: variable no definida '{name}'")
        for name in sorted(names - templating.ALLOWED_NAMES)
    ]
    problems += [
        Problem(step.file, base,
                f"paso '{step.id}', `{key}`: variable no definida 'answers.{name}' (ninguna pregunta la guarda)")
        for name in sorted(answer_names - saved)
    ]
    return problems


def _check_ui(content: Content) -> list[Problem]:
    problems: list[Problem] = []
    ui = content.ui
    if not ui:
        return problems  # unreadable or missing: the loader already said so
    line = getattr(ui, "line", 1)
    for section, keys in REQUIRED.items():
        texts = ui.get(section)
        if not isinstance(texts, Mapping):
            problems.append(Problem(content.ui_file, line, f"falta la sección `{section}`"))
            continue
        for key in keys:
            if key not in texts:
                problems.append(Problem(content.ui_file, getattr(texts, "line", line),
                                        f"falta el texto `{section}.{key}`"))
        if section in ("texts", "rejected", "bot"):
            for key, source in texts.items():
                try:
                    templating.parse_template(str(source))
                except templating.TemplateProblem as exc:
                    where = texts.line_of(key) if isinstance(texts, LineDict) else line
                    problems.append(Problem(content.ui_file, where, f"`{section}.{key}`: {exc}"))
    return problems
