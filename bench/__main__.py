"""`make bench`: every figure beside a baseline measured in the same run, in one table.

`python -m bench [engine updates slowapi dispatch scale memory render planning]` runs only those; PostgreSQL
figures need a server at 127.0.0.1:5432 (COCREA_BENCH_PG); each benchmark makes and drops its own database.
`planning` (about ten minutes; `--sizes 100,1000` for fewer) runs only when named.
"""

from __future__ import annotations

import importlib
import sys
import time
import traceback

from bench.common import Row, table

MODULES = ("engine", "updates", "slowapi", "dispatch", "scale", "memory", "render", "planning")
DEFAULT = MODULES[:-1]  # planning takes minutes: only when named


def main(argv: list[str]) -> int:
    chosen = [a for a in argv if a in MODULES] or list(DEFAULT)
    rows: list[Row] = []
    for name in chosen:
        started = time.perf_counter()
        print(f"… {name}", file=sys.stderr, flush=True)
        try:
            module = importlib.import_module(f"bench.{name}")
            rows += module.run(module.sizes_of(argv)) if name == "planning" else module.run()
        except Exception as exc:  # noqa: BLE001 - one broken benchmark must not hide the others
            traceback.print_exc()
            rows.append(Row(f"{name}: failed ({type(exc).__name__}: {exc})"[:58], None))
        print(f"  {name} took {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
