"""The digest's chart: each commitment's progress as a horizontal bar, as PNG bytes.

Drawn like the indicator chart (bot/chart.py): matplotlib's object API on the Agg canvas, no pyplot
state, and every text plain (a `$` in a title is a dollar sign, not TeX math).
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

from bot.chart import plain

MAX_BARS = 15
MAX_LABEL = 40


def progress_chart(title: str, rows: Sequence[tuple[str, float | None]]) -> bytes | None:
    """None when there is nothing to draw (no commitment has a measure yet)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # imported here: only a digest draws
    from matplotlib.figure import Figure

    rows = [(label, min(1.0, max(0.0, fraction))) for label, fraction in rows
            if fraction is not None and math.isfinite(fraction)][:MAX_BARS]
    if not rows:
        return None
    labels = [plain(label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…") for label, _ in rows]
    values = [round(fraction * 100) for _, fraction in rows]
    figure = Figure(figsize=(7, 1.2 + 0.45 * len(rows)), dpi=100)
    axes = figure.add_subplot()
    bars = axes.barh(range(len(rows)), values, color="#2a9d8f")
    axes.set_yticks(range(len(rows)), labels)
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.set_xlabel("Avance (%)")
    axes.set_title(plain(title))
    axes.bar_label(bars, labels=[f"{v} %" for v in values], padding=3)
    figure.tight_layout()
    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer, metadata={"Software": None})
    return buffer.getvalue()
