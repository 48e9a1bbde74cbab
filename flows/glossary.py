"""The glossary: short definitions looked up by term or alias, forgiving of accents, case and
question forms («¿qué es la línea base?», «glosario ODS», «que es un hito»).

`load_glossary` reads `content/glossary.yaml` and notes every problem with its line;
`Glossary.lookup` answers a query with the entry, or with the closest terms when none matches.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flows.errors import Problem
from flows.text import normalize
from flows.yamlsource import LineDict, LineList, YamlSyntaxError, duplicate_keys, parse

FORMAT = 1
FILE_NAME = "glossary.yaml"
MAX_SUGGESTIONS = 3
CUTOFF = 0.65  # similarity below which a term is not offered as "did you mean"
WITHIN = 0.9  # a query that resembles part of a name counts a little less than the whole name
MAX_DEFINITION = 600  # characters; longer ones are hard to read on a phone (a warning)
ENTRY_KEYS = frozenset({"term", "aliases", "definition", "see_also"})

# Words people put around the term they ask about, normalized (no accents, lower case). They are
# removed from the start of the query one after another; the longest phrases are tried first.
_LEADING = sorted(
    (
        "glosario", "define", "definir", "definicion", "definicion de", "significado", "significado de",
        "que es", "que son", "que es eso de", "que es lo que es", "que significa", "que significan",
        "que quiere decir", "que quieren decir", "a que se refiere", "a que se refieren", "a que le llaman",
        "que entiendes por", "que se entiende por", "explicame", "explica", "me explicas", "me puedes explicar",
        "puedes explicar", "dime", "dime que es", "sabes que es", "oye", "hola", "y", "pues", "entonces",
        "el termino", "termino", "el concepto", "concepto", "la palabra", "palabra",
        "el", "la", "los", "las", "lo", "un", "una", "unos", "unas", "del", "de", "al",
    ),
    key=len,
    reverse=True,
)
_ONLY_ASKING = frozenset(_LEADING) | {"que", "es", "significa", "cual", "como"}
_TRAILING = sorted(("por favor", "porfa", "please", "gracias"), key=len, reverse=True)
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def clean_query(text: str) -> str:
    """The term inside a question: no accents, case, punctuation, question words or articles."""
    words = _NOT_WORD.sub(" ", normalize(text)).split()
    changed = True
    while changed and words:
        changed = False
        for phrase in _LEADING:
            parts = phrase.split()
            if words[: len(parts)] == parts and len(words) > len(parts):
                words = words[len(parts):]
                changed = True
                break
        for phrase in _TRAILING:
            parts = phrase.split()
            if words[-len(parts):] == parts and len(words) > len(parts):
                words = words[: -len(parts)]
                changed = True
                break
    cleaned = " ".join(words)
    return "" if cleaned in _ONLY_ASKING else cleaned  # «glosario» or «¿qué es?» alone: no term


def _key(text: str) -> str:
    """How a term or alias is indexed: like a query, without touching its own words."""
    return " ".join(_NOT_WORD.sub(" ", normalize(text)).split())


def _singular_forms(query: str) -> list[str]:
    """Plain Spanish plurals made singular word by word: indicadores → indicador, hitos → hito."""
    words = query.split()
    minus_es = [w[:-2] if len(w) > 4 and w.endswith("es") else w for w in words]
    minus_s = [w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words]
    return [" ".join(minus_s), " ".join(minus_es)]


@dataclass(frozen=True)
class Entry:
    term: str
    definition: str
    aliases: tuple[str, ...] = ()
    see_also: tuple[str, ...] = ()
    line: int = 0

    @property
    def names(self) -> tuple[str, ...]:
        return (self.term, *self.aliases)


@dataclass(frozen=True)
class Lookup:
    """The answer to one query: `entry` when a term or alias matched, else up to three suggestions."""

    query: str  # the term as understood, after cleaning; empty when only «glosario» was asked
    entry: Entry | None = None
    suggestions: tuple[Entry, ...] = ()

    @property
    def found(self) -> bool:
        return self.entry is not None


@dataclass
class Glossary:
    entries: tuple[Entry, ...] = ()
    file: str = "content/" + FILE_NAME
    _index: dict[str, Entry] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        for entry in self.entries:
            for name in entry.names:
                self._index.setdefault(_key(name), entry)  # duplicates are reported by the check

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def get(self, name: str) -> Entry | None:
        """The entry whose term or alias is exactly `name` (accents and case ignored)."""
        return self._index.get(_key(name))

    def terms(self) -> list[str]:
        """Every term, in alphabetical order (accents ignored), for a «what can I ask» list."""
        return sorted((e.term for e in self.entries), key=_key)

    def related(self, entry: Entry) -> list[Entry]:
        """The entries named in `see_also`, skipping any that do not exist."""
        found = (self.get(name) for name in entry.see_also)
        return [e for e in found if e is not None and e is not entry]

    def lookup(self, query: str) -> Lookup:
        cleaned = clean_query(query)
        if not cleaned:
            return Lookup(cleaned)
        for candidate in (cleaned, _key(query), *_singular_forms(cleaned)):  # the raw key: a term may start with «la»
            entry = self._index.get(candidate)
            if entry is not None:
                return Lookup(cleaned, entry)
        return Lookup(cleaned, None, self._suggest(cleaned))

    def _suggest(self, query: str) -> tuple[Entry, ...]:
        scored: dict[str, float] = {}
        forms = (query, *_singular_forms(query))
        for key in self._index:
            score = _similarity(query, key)
            if len(key) >= 3 and any(re.search(rf"\b{re.escape(key)}\b", form) for form in forms):
                score = max(score, 0.7 + 0.3 * len(key) / len(query))  # a term inside a longer question
            if score >= CUTOFF:
                scored[key] = score
        ranked = sorted(scored, key=lambda k: (-scored[k], len(k), k))
        chosen: list[Entry] = []
        for key in ranked:
            entry = self._index[key]
            if entry not in chosen:
                chosen.append(entry)
            if len(chosen) == MAX_SUGGESTIONS:
                break
        return tuple(chosen)


def _similarity(query: str, key: str) -> float:
    """How alike a query and a name are (0..1): as a whole, or the query against a run of the
    name's words («indicadr» is close to the «indicador» inside «meta de un indicador»)."""
    best = difflib.SequenceMatcher(None, query, key).ratio()
    words, size = key.split(), len(query.split())
    if size < len(words):
        for start in range(len(words) - size + 1):
            window = " ".join(words[start:start + size])
            best = max(best, WITHIN * difflib.SequenceMatcher(None, query, window).ratio())
    return best


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def _strings(value: Any) -> list[str] | None:
    if value is None:
        return []
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return [str(v).strip() for v in value]
    return None


def load_glossary(content_dir: Path | str) -> tuple[Glossary | None, list[Problem]]:
    """The glossary of a content folder (None when it has none) and every problem in it."""
    root = Path(content_dir)
    path = root / FILE_NAME
    if not path.is_file():
        return None, []
    name = _relative(path, root)
    problems: list[Problem] = []

    def fail(line: int, message: str, severity: str = "error") -> None:
        problems.append(Problem(name, line, message, severity))

    try:
        data = parse(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        fail(1, "el archivo no está en UTF-8")
        return None, problems
    except YamlSyntaxError as exc:
        fail(exc.line, str(exc))
        return None, problems
    if not isinstance(data, LineDict):
        fail(1, "el glosario debe ser un mapa YAML con `format`, `id` y `terms`")
        return None, problems
    for key, line in duplicate_keys(data):
        fail(line, f"la clave `{key}` está repetida en el mismo bloque; solo contaría la última")
    if data.get("format") != FORMAT:
        fail(data.line_of("format"), f"`format` debe ser {FORMAT} (encontré {data.get('format')!r})")
        return None, problems
    raw_terms = data.get("terms")
    if not isinstance(raw_terms, LineList) or not raw_terms:
        fail(data.line_of("terms"), "`terms` debe ser una lista con al menos un término")
        return Glossary((), name), problems

    entries: list[tuple[LineDict, Entry]] = []
    owner: dict[str, tuple[int, str, int]] = {}  # normalized name → (entry index, its term, line)
    for index, item in enumerate(raw_terms):
        if not isinstance(item, LineDict):
            fail(raw_terms.line_of(index), "cada término debe ser un mapa con `term` y `definition`")
            continue
        for key in sorted(set(item) - ENTRY_KEYS):
            fail(item.line_of(key), f"clave desconocida `{key}` (usa: term, aliases, definition, see_also)")
        term = str(item.get("term") or "").strip()
        if not term:
            fail(item.line, "falta `term`: el nombre del término")
            continue
        definition = " ".join(str(item.get("definition") or "").split())
        if not definition:
            fail(item.line_of("definition") if "definition" in item else item.line,
                 f"el término '{term}' no tiene `definition`")
        elif len(definition) > MAX_DEFINITION:
            fail(item.line_of("definition"),
                 f"la definición de '{term}' tiene {len(definition)} caracteres; mejor menos de {MAX_DEFINITION}",
                 "warning")
        aliases = _strings(item.get("aliases"))
        if aliases is None:
            fail(item.line_of("aliases"), f"`aliases` de '{term}' debe ser una lista de textos")
            aliases = []
        see_also = _strings(item.get("see_also"))
        if see_also is None:
            fail(item.line_of("see_also"), f"`see_also` de '{term}' debe ser una lista de términos")
            see_also = []
        names = [(term, item.line_of("term"))]
        alias_list = item.get("aliases")
        for position, alias in enumerate(aliases):
            line = alias_list.line_of(position) if isinstance(alias_list, LineList) else item.line_of("aliases")
            names.append((alias, line))
        for written, line in names:
            key = _key(written)
            if not key:
                fail(line, f"un nombre vacío en '{term}'")
                continue
            if key in owner and owner[key][0] != index:
                _, other, other_line = owner[key]
                fail(line, f"'{written}' ya es término o alias de '{other}' (línea {other_line})")
            elif key not in owner:
                owner[key] = (index, term, line)
        entry = Entry(term, definition, tuple(a for a in aliases if a), tuple(see_also), item.line)
        entries.append((item, entry))

    glossary = Glossary(tuple(entry for _, entry in entries), name)
    for item, entry in entries:
        refs = item.get("see_also")
        for position, target in enumerate(entry.see_also):
            line = refs.line_of(position) if isinstance(refs, LineList) else item.line_of("see_also")
            found = glossary.get(target)
            if found is None:
                fail(line, f"`see_also` de '{entry.term}' apunta a '{target}', que no está en el glosario")
            elif found is entry:
                fail(line, f"`see_also` de '{entry.term}' apunta al mismo término")
    return glossary, problems


def check_glossary(content_dir: Path | str) -> list[Problem]:
    """Every problem of the glossary of a content folder, as `file:line: message`."""
    return load_glossary(content_dir)[1]
