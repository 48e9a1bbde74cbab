"""Jinja2 in its sandbox: content is written by admins and answers by anyone.

Texts are rendered as plain text; each channel escapes them for its own markup.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, MutableMapping
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from jinja2 import ChainableUndefined, Template, meta, nodes
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

# The names every text and condition may use; the checker rejects any other. `shown` holds each
# answer as the person read it (option labels, «Sí», «15 de marzo de 2026»); `answers` the raw value;
# `chosen` the whole item of an answer picked from a host list (its title, objective, …).
CONTENT_NAMES = frozenset({"answers", "shown", "person", "secretariat", "catalogs", "kits", "chosen", "today"})


class Blank(ChainableUndefined):
    """A missing answer (a skipped question) renders as a dash instead of failing.

    What the sandbox blocked (`''.__class__`, say) is not a missing answer: it still fails.
    """

    def _blocked(self) -> None:
        if issubclass(self._undefined_exception, SecurityError):
            self._fail_with_undefined_error()

    def __str__(self) -> str:
        self._blocked()
        return "—"

    def __iter__(self) -> Iterator[Any]:
        self._blocked()
        return iter(())

    def __bool__(self) -> bool:
        self._blocked()
        return False

    def __getattr__(self, name: str) -> Blank:
        self._blocked()
        if name.startswith("__"):
            raise AttributeError(name)
        return self

    __getitem__ = __getattr__

    def __call__(self, *args: Any, **kwargs: Any) -> Blank:  # type: ignore[override]
        self._blocked()
        return self  # `answers.fecha.split('-')` on a skipped answer stays blank

    __len__ = lambda self: 0  # noqa: E731


def _join(value: Any, sep: str = ", ") -> str:
    if isinstance(value, list | tuple):
        return sep.join(str(v) for v in value)
    return str(value)


def _plural(count: Any, singular: str, plural: str | None = None) -> str:
    """«1 hito», «2 hitos», «0 reportes», «3 indicadores»: a count with its word agreeing.
    The plural of one word is made (hito → hitos, error → errores); give it for several words:
    `count | plural('persona activa', 'personas activas')`."""
    try:
        number = int(count)
    except (TypeError, ValueError):
        number = len(count) if isinstance(count, list | tuple) else 0
    return f"{number} {singular if number == 1 else plural or _plural_word(singular)}"


def _days_after(today: Any, days: int) -> str:
    """`today | dias_despues(45)`: the date 45 days after `today` (ISO), as people write it (DD/MM/AAAA),
    so examples of dates never lie in the past."""
    try:
        start = date.fromisoformat(str(today))
    except ValueError:
        return ""
    return (start + timedelta(days=int(days))).strftime("%d/%m/%Y")


def _plural_word(word: str) -> str:
    """One Spanish word in plural: hito → hitos, indicador → indicadores, acción → acciones."""
    if word.endswith("ión"):
        return word[:-3] + "iones"
    if word[-1:].lower() in "aeiouáéó":
        return word + "s"
    if word.endswith("z"):
        return word[:-1] + "ces"
    return word + "es"


class _Sandbox(ImmutableSandboxedEnvironment):
    """Each template's globals in a plain dict: Jinja keeps them in a ChainMap (so later changes to
    the environment's globals show through), which it copies key by key at every render, most of the
    cost of a short text. Our globals and filters are set once, here, before any template."""

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}


_ENV = _Sandbox(undefined=Blank, autoescape=False, keep_trailing_newline=False)
_ENV.filters["lista"] = _join
_ENV.filters["plural"] = _plural
_ENV.filters["dias_despues"] = _days_after
ALLOWED_NAMES = CONTENT_NAMES | frozenset(_ENV.globals)  # Jinja's own: range, loop helpers, …


class TemplateProblem(Exception):
    """A template that does not parse or fails at run time; `line` is relative to the text."""

    def __init__(self, message: str, line: int = 1) -> None:
        self.line = line
        super().__init__(message)


@lru_cache(maxsize=4096)
def _compile(source: str) -> Template:
    return _ENV.from_string(source)


@lru_cache(maxsize=1024)
def _compile_expression(source: str) -> Any:
    return _ENV.compile_expression(source)


@lru_cache(maxsize=4096)
def _names(source: str, expression: bool = False) -> tuple[str, ...]:
    """The names a template (or a condition) reads from its variables; () when it does not parse."""
    try:
        tree = _ENV.parse("{{ " + source + " }}" if expression else source)
    except TemplateError:
        return ()
    return tuple(sorted(meta.find_undeclared_variables(tree)))


def _used(source: str, variables: Mapping[str, Any], expression: bool = False) -> dict[str, Any]:
    """Only the variables the template reads: a lazy mapping (Turn's) computes no others."""
    return {name: variables[name] for name in _names(source, expression) if name in variables}


# Texts that read nothing but the secretariat (a mesa's wording: «tu secretaría», «tu grupo») come
# out the same for everyone in it: rendered once per secretariat, not at every step. (Not so for
# texts that read the person: each person reads them about once.)
PER_SECRETARIAT = frozenset({"secretariat"})


def _key(used: dict[str, Any]) -> tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] | None:
    """The variables as a cache key, when each is a flat mapping of texts; None otherwise."""
    key = []
    for name, value in used.items():
        if not isinstance(value, Mapping) or not all(
            type(k) is str and (type(v) is str or v is None) for k, v in value.items()
        ):
            return None
        key.append((name, tuple(sorted(value.items()))))
    return tuple(key)


@lru_cache(maxsize=4096)
def _render_per_secretariat(source: str, key: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...]) -> str:
    return _compile(source).render({name: dict(items) for name, items in key})


def render(source: str, variables: Mapping[str, Any]) -> str:
    if "{" not in source:  # most texts are plain: Jinja would give them back unchanged
        return source.strip()
    try:
        compiled = _compile(source)  # first: a template that does not compile reports that, not its names
        used = _used(source, variables)
        key = _key(used) if PER_SECRETARIAT.issuperset(_names(source)) else None
        text = compiled.render(used) if key is None else _render_per_secretariat(source, key)
        return text.strip()
    except SecurityError as exc:
        raise TemplateProblem(f"operación no permitida en la plantilla: {exc}") from exc
    except TemplateError as exc:
        raise TemplateProblem(f"error en la plantilla: {exc}", getattr(exc, "lineno", 1) or 1) from exc
    except Exception as exc:  # admin templates may divide by zero or call the wrong thing
        raise TemplateProblem(f"error en la plantilla: {type(exc).__name__}: {exc}") from exc


# Whole documents (content/templates/*.j2: the plan, the OGP template): block tags take their own
# line away, so a template can be laid out readably; the text keeps its final newline. No autoescape:
# the templates are admins' Markdown, and what people typed reaches them already escaped for Markdown
# by the host (bot/export/views.py), as one line or as paragraphs depending on where it goes.
_DOC_ENV = _Sandbox(
    undefined=Blank, autoescape=False, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True
)
_DOC_ENV.filters["lista"] = _join
_DOC_ENV.filters["plural"] = _plural
_ENV.filters["plural"] = _plural


@lru_cache(maxsize=64)
def _compile_document(source: str) -> Any:
    return _DOC_ENV.from_string(source)


def render_document(source: str, variables: Mapping[str, Any]) -> str:
    """A file template rendered in the sandbox; TemplateProblem as `render` raises it."""
    try:
        return str(_compile_document(source).render(**variables))
    except SecurityError as exc:
        raise TemplateProblem(f"operación no permitida en la plantilla: {exc}") from exc
    except TemplateError as exc:
        raise TemplateProblem(f"error en la plantilla: {exc}", getattr(exc, "lineno", 1) or 1) from exc
    except Exception as exc:
        raise TemplateProblem(f"error en la plantilla: {type(exc).__name__}: {exc}") from exc


def evaluate(expression: str, variables: Mapping[str, Any]) -> bool:
    try:
        return bool(_compile_expression(expression)(**_used(expression, variables, expression=True)))
    except SecurityError as exc:
        raise TemplateProblem(f"operación no permitida en la condición: {exc}") from exc
    except Exception as exc:  # a condition that cannot be evaluated is a content problem
        raise TemplateProblem(f"error en la condición: {type(exc).__name__}: {exc}") from exc


def parse_template(source: str) -> nodes.Template:
    """Parse without rendering, for the checker."""
    try:
        return _ENV.parse(source)
    except TemplateError as exc:
        raise TemplateProblem(f"error en la plantilla: {exc}", getattr(exc, "lineno", 1) or 1) from exc


def parse_expression(source: str) -> nodes.Template:
    try:
        return _ENV.parse("{{ " + source + " }}")
    except TemplateError as exc:
        raise TemplateProblem(f"error en la condición: {exc}") from exc


ANSWER_MAPS = ("answers", "shown")


def unsafe_attributes(tree: nodes.Template) -> list[str]:
    """Attributes the sandbox would refuse at run time (`x.__class__`, `x['__globals__']`), for the checker."""
    found = [node.attr for node in tree.find_all(nodes.Getattr) if node.attr.startswith("_")]
    found += [str(node.arg.value) for node in tree.find_all(nodes.Getitem)
              if isinstance(node.arg, nodes.Const) and str(node.arg.value).startswith("_")]
    return sorted(set(found))


def referenced_names(tree: nodes.Template) -> tuple[set[str], set[str]]:
    """The top-level names a template reads, and the answer names it reads (answers.X)."""
    names: set[str] = set()
    assigned: set[str] = {"loop"}  # `loop` exists inside every for-block
    for node in tree.find_all(nodes.Name):
        if node.ctx == "store":
            assigned.add(node.name)
        else:
            names.add(node.name)
    answer_names: set[str] = set()
    for getattr_node in tree.find_all(nodes.Getattr):
        if isinstance(getattr_node.node, nodes.Name) and getattr_node.node.name in ANSWER_MAPS:
            answer_names.add(getattr_node.attr)
    for getitem in tree.find_all(nodes.Getitem):
        if (
            isinstance(getitem.node, nodes.Name)
            and getitem.node.name in ANSWER_MAPS
            and isinstance(getitem.arg, nodes.Const)
        ):
            answer_names.add(str(getitem.arg.value))
    return names - assigned, answer_names
