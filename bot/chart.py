"""An indicator's chart: its reported values over time against its target, as a PNG.

Drawn with matplotlib's object API on the Agg canvas (no display, no pyplot global state), so
charts can be drawn in worker threads while the bot keeps answering.

Every text on a chart is plain text: what people typed goes through `plain`, so a title such as
«Becas de $1,500 y $3,000» keeps its dollar signs instead of being read as TeX math. Values are
drawn within ±LIMIT, so a baseline of −1e308 and a target of 1e308 make a chart, not an overflow.
"""

from __future__ import annotations

import io
import math
from datetime import date, timedelta
from typing import TYPE_CHECKING

from bot.export.labels import number

if TYPE_CHECKING:  # matplotlib is imported where a chart is drawn: most commands never draw one
    from matplotlib.figure import Figure

    from bot.export.snapshot import IndicatorSnap

MONTHS = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")
VALUES_COLOR, TARGET_COLOR, BASELINE_COLOR = "#1f5f8b", "#2e7d32", "#8a8a8a"
VALUES_LABEL = "Valor reportado"
MAX_PERIOD_TICKS = 12
LIMIT = 1e15  # values beyond ±LIMIT are drawn at the edge (their labels keep the real value)


class NoReports(ValueError):
    """The indicator has no reports yet: there is nothing to draw."""


def plain(text: str) -> str:
    """`text` as matplotlib shows it literally: a `$` would otherwise open TeX math (mathtext)."""
    return text.replace("$", r"\$")


def label(value: float) -> str:
    """A number for a chart: «1,500» as everywhere, short («1e+308») when it is huge."""
    if not math.isfinite(value) or abs(value) >= LIMIT:
        return f"{value:.3g}"
    return number(value)


def drawable(value: float) -> float:
    """Where a value is drawn: itself, or the edge ±LIMIT when it is beyond (NaN stays a gap)."""
    return value if math.isnan(value) else min(LIMIT, max(-LIMIT, value))


def _day(value: float, _pos: int | None = None) -> str:
    from matplotlib.dates import num2date

    moment = num2date(value)
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"


def _month(value: float, _pos: int | None = None) -> str:
    from matplotlib.dates import num2date

    moment = num2date(value)
    return f"{MONTHS[moment.month - 1]} {moment.year}"


def _wrap(text: str, width: int = 60) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines[:3])


def indicator_figure(indicator: IndicatorSnap, subtitle: str | None = None) -> Figure:
    """The figure: one marker per report (by period), a dashed target line, the baseline dotted."""
    from matplotlib.axes import Axes
    from matplotlib.dates import AutoDateLocator, date2num
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    if not indicator.reports:
        raise NoReports(indicator.name)
    reports = sorted(indicator.reports, key=lambda r: (r.period_due, r.reported_at, r.id))
    periods: list[date] = [r.period_due for r in reports]
    values = [r.value for r in reports]
    figure = Figure(figsize=(8, 4.5), dpi=110)
    ax: Axes = figure.add_subplot()
    ax.plot(date2num(periods), [drawable(v) for v in values], marker="o", linewidth=2, color=VALUES_COLOR,
            label=VALUES_LABEL, gid="values")
    for x, y in zip(date2num(periods), values, strict=True):
        if not math.isnan(y):
            ax.annotate(label(y), (x, drawable(y)), textcoords="offset points", xytext=(0, 8), ha="center",
                        fontsize=9, color=VALUES_COLOR)
    if indicator.target is not None and not math.isnan(indicator.target):
        ax.axhline(drawable(indicator.target), linestyle="--", linewidth=1.6, color=TARGET_COLOR,
                   label=f"Meta: {label(indicator.target)}", gid="target")
    if indicator.baseline is not None and not math.isnan(indicator.baseline):
        ax.axhline(drawable(indicator.baseline), linestyle=":", linewidth=1.4, color=BASELINE_COLOR,
                   label=f"Línea base: {label(indicator.baseline)}", gid="baseline")
    first, last = min(periods), max(periods)
    margin = max(timedelta(days=15), (last - first) / 10)
    ax.set_xlim(date2num([first - margin])[0], date2num([last + margin])[0])
    distinct = sorted(set(periods))
    if len(distinct) <= MAX_PERIOD_TICKS:  # a tick under each reported period, with its date
        ax.set_xticks(date2num(distinct))
        ax.xaxis.set_major_formatter(FuncFormatter(_day))
    else:
        ax.xaxis.set_major_locator(AutoDateLocator(maxticks=MAX_PERIOD_TICKS))
        ax.xaxis.set_major_formatter(FuncFormatter(_month))
    figure.autofmt_xdate(rotation=30)
    ax.set_title(plain(_wrap(indicator.name)), fontsize=12)
    if subtitle:
        figure.suptitle(plain(_wrap(subtitle, 90)), fontsize=9, color="#555555", y=0.99)
    ax.set_xlabel("Periodo reportado")
    ax.set_ylabel(plain(indicator.unit or "Valor"))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: label(v)))
    ax.grid(True, alpha=0.3)
    ax.legend(loc="best", fontsize=9)
    figure.tight_layout()
    return figure


def png(figure: Figure) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    out = io.BytesIO()
    FigureCanvasAgg(figure).print_png(out)
    return out.getvalue()


def indicator_png(indicator: IndicatorSnap, subtitle: str | None = None) -> bytes:
    """The chart as PNG bytes; NoReports when there is nothing to draw yet."""
    return png(indicator_figure(indicator, subtitle))


def chart_filename(indicator: IndicatorSnap) -> str:
    return f"indicador-{indicator.id}.png"
