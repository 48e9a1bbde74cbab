"""The digest's chart: each commitment's progress as a horizontal bar, as PNG bytes."""

from __future__ import annotations

import io
from collections.abc import Sequence

MAX_BARS = 15
MAX_LABEL = 40


def progress_chart(title: str, rows: Sequence[tuple[str, float | None]]) -> bytes | None:
    """None when there is nothing to draw (no commitment has a measure yet)."""
    rows = [(label, fraction) for label, fraction in rows if fraction is not None][:MAX_BARS]
    if not rows:
        return None
    import matplotlib

    matplotlib.use("Agg")  # no display: the bot runs on servers
    from matplotlib import pyplot as plt

    labels = [label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…" for label, _ in rows]
    values = [round((fraction or 0.0) * 100) for _, fraction in rows]
    figure, axes = plt.subplots(figsize=(7, 1.2 + 0.45 * len(rows)), dpi=100)
    try:
        bars = axes.barh(range(len(rows)), values, color="#2a9d8f")
        axes.set_yticks(range(len(rows)), labels)
        axes.invert_yaxis()
        axes.set_xlim(0, 100)
        axes.set_xlabel("Avance (%)")
        axes.set_title(title)
        axes.bar_label(bars, labels=[f"{v} %" for v in values], padding=3)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", metadata={"Software": None})
        return buffer.getvalue()
    finally:
        plt.close(figure)
