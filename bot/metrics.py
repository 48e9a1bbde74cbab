"""A tiny, dependency-free metrics registry, served as Prometheus text by the webhook server.

Counters and a histogram live in this process; a gauge is a callback read at scrape time (the
outbox depth is a database query, so gauges may be coroutines). `/metrics` on each process shows
that process's counts; Prometheus adds them up across processes.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Awaitable, Callable, Sequence

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
Gauge = Callable[[], float | Awaitable[float]]


class Counter:
    def __init__(self, name: str, help_text: str) -> None:
        self.name, self.help, self.value = name, help_text, 0.0

    def inc(self, amount: float = 1) -> None:
        if amount < 0:
            raise ValueError("a counter only goes up")
        self.value += amount

    def render(self) -> list[str]:
        return [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} counter", f"{self.name} {_num(self.value)}"]


class Histogram:
    def __init__(self, name: str, help_text: str, buckets: Sequence[float]) -> None:
        self.name, self.help = name, help_text
        self.buckets = sorted(buckets)
        self.counts = [0] * len(self.buckets)  # per bucket, not cumulative; summed when rendered
        self.sum, self.count = 0.0, 0

    def observe(self, value: float) -> None:
        self.sum += value
        self.count += 1
        for index, bound in enumerate(self.buckets):
            if value <= bound:
                self.counts[index] += 1
                break

    def render(self) -> list[str]:
        lines = [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} histogram"]
        running = 0
        for bound, count in zip(self.buckets, self.counts, strict=True):
            running += count
            lines.append(f'{self.name}_bucket{{le="{_num(bound)}"}} {running}')
        lines.append(f'{self.name}_bucket{{le="+Inf"}} {self.count}')
        lines += [f"{self.name}_sum {_num(self.sum)}", f"{self.name}_count {self.count}"]
        return lines


class Registry:
    def __init__(self) -> None:
        self.counters: dict[str, Counter] = {}
        self.histograms: dict[str, Histogram] = {}
        self.gauges: dict[str, tuple[str, Gauge]] = {}

    def counter(self, name: str, help_text: str) -> Counter:
        return self.counters.setdefault(name, Counter(name, help_text))

    def histogram(self, name: str, help_text: str, buckets: Sequence[float]) -> Histogram:
        return self.histograms.setdefault(name, Histogram(name, help_text, buckets))

    def gauge(self, name: str, help_text: str, read: Gauge) -> None:
        """Register (or replace) a gauge read at scrape time; a failing read is left out."""
        self.gauges[name] = (help_text, read)

    async def render(self) -> str:
        lines: list[str] = []
        for counter in self.counters.values():
            lines += counter.render()
        for histogram in self.histograms.values():
            lines += histogram.render()
        for name, (help_text, read) in self.gauges.items():
            try:
                value = read()
                if inspect.isawaitable(value):
                    value = await value
            except Exception:  # noqa: BLE001 - a scrape must not fail because one source did
                continue
            lines += [f"# HELP {name} {help_text}", f"# TYPE {name} gauge", f"{name} {_num(float(value))}"]
        return "\n".join(lines) + "\n"


def _num(value: float) -> str:
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return str(int(value)) if float(value).is_integer() else repr(float(value))


REGISTRY = Registry()
UPDATES = REGISTRY.counter("cocrea_updates_total", "Telegram updates handled.")
UPDATE_ERRORS = REGISTRY.counter("cocrea_update_errors_total", "Updates whose handling raised an error.")
REMINDERS_SENT = REGISTRY.counter("cocrea_reminders_sent_total", "Scheduled messages (reminders, digests) sent.")
REMINDERS_FAILED = REGISTRY.counter("cocrea_reminders_failed_total",
                                    "Scheduled messages that failed for good (blocked, or out of attempts).")
UPDATE_SECONDS = REGISTRY.histogram("cocrea_update_seconds", "Time to handle one update, in seconds.",
                                    (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
