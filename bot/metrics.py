"""The process's metrics (prometheus_client), served as Prometheus text on /metrics.

Counters and the histogram live in this process; `/metrics` on each process shows that process's
counts and Prometheus adds them up across processes. A gauge whose value is a database query (the
outbox depth) is registered as an async reader: each scrape awaits the readers first, then renders
everything with the values it read, so concurrent scrapes share no state and the event loop never
blocks on a query. Served by the webhook server (bot/telegram/webhook.py) and, in polling mode,
by a small server of its own (bot/telegram/metrics_server.py, COCREA_METRICS_PORT).
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, Iterable

import prometheus_client
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"  # what generate_latest writes
Reader = Callable[[], float | Awaitable[float]]

prometheus_client.disable_created_metrics()  # only the series below; *_created says nothing here

REGISTRY = CollectorRegistry()
UPDATES = Counter("cocrea_updates_total", "Telegram updates handled.", registry=REGISTRY)
UPDATE_ERRORS = Counter("cocrea_update_errors_total", "Updates whose handling raised an error.", registry=REGISTRY)
REMINDERS_SENT = Counter("cocrea_reminders_sent_total", "Scheduled messages (reminders, digests) sent.",
                         registry=REGISTRY)
REMINDERS_FAILED = Counter("cocrea_reminders_failed_total",
                           "Scheduled messages that failed for good (blocked, or out of attempts).", registry=REGISTRY)
UPDATE_SECONDS = Histogram("cocrea_update_seconds", "Time to handle one update, in seconds.", registry=REGISTRY,
                           buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))

_GAUGES: dict[str, tuple[str, Reader]] = {}


def gauge(name: str, help_text: str, read: Reader) -> None:
    """Register (or replace) a gauge read at scrape time; a read that fails leaves it out of that scrape."""
    _GAUGES[name] = (help_text, read)


class _Scrape(Collector):
    """Everything in REGISTRY plus the gauges' values as this scrape read them."""

    def __init__(self, gauges: Iterable[tuple[str, str, float]]) -> None:
        self.gauges = list(gauges)

    def collect(self) -> Iterable[Metric]:
        yield from REGISTRY.collect()
        for name, help_text, value in self.gauges:
            yield GaugeMetricFamily(name, help_text, value=value)


async def render() -> bytes:
    """The Prometheus text of this process, gauges read now."""
    read: list[tuple[str, str, float]] = []
    for name, (help_text, reader) in list(_GAUGES.items()):
        try:
            value = reader()
            if inspect.isawaitable(value):
                value = await value
        except Exception:  # noqa: BLE001 - a scrape must not fail because one source did
            log.warning("metrics: the gauge %s could not be read", name, exc_info=True)
            continue
        read.append((name, help_text, float(value)))
    return prometheus_client.generate_latest(_Scrape(read))
