"""Prometheus metrics: counters each process keeps, and the database's figures read at scrape time.

Counters and histograms (deliveries by outcome, inbound requests, latencies) belong to the
process that counts them. One process keeps them in its own registry. Several processes of
one role — gunicorn's web workers, or `--role worker` processes on one host — write them to
one directory per role (`metrics.multiprocess_dir`/<role>, prometheus_client's multiprocess
mode), and a scrape of any process of that role adds up all of them, including processes
that have since died. What comes from the database (backlog, failures, the oldest pending
age) is read by a collector at scrape time: never stale, and the same whichever role answers.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Histogram, values
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector


class Metrics:
    """Every metric Pinbridge exports; `registry` is what a scrape reads."""

    def __init__(self, multiprocess_dir: str | None = None) -> None:
        self.multiprocess_dir = multiprocess_dir or None
        if self.multiprocess_dir:
            _share_counters(self.multiprocess_dir)
        self.registry = CollectorRegistry()
        # Single process: the metrics live in this registry. Multiprocess: they live in files, and the
        # registry reads the files of every process of the role.
        own = None if self.multiprocess_dir else self.registry
        if self.multiprocess_dir:
            MultiProcessCollector(self.registry, path=self.multiprocess_dir)
        self._watched: set[str] = set()
        self.deliveries = Counter(
            "pinbridge_deliveries_total", "Delivery attempts by platform and outcome (sent, retry, failed, stale).",
            ["platform", "outcome"], registry=own,
        )
        self.inbound = Counter(
            "pinbridge_inbound_requests_total", "Inbound requests by surface and HTTP status.",
            ["surface", "status"], registry=own,
        )
        self.latency = Histogram(
            "pinbridge_request_seconds", "Time to answer an inbound request, by surface.", ["surface"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5), registry=own,
        )
        self.send_latency = Histogram(
            "pinbridge_send_seconds", "Time a platform API took to accept one delivery.", ["platform"],
            buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10), registry=own,
        )

    def watch(self, name: str, collector: Collector) -> None:
        """Read a collector's figures at every scrape (database backlog, heartbeats); once per name."""
        if name not in self._watched:
            self._watched.add(name)
            self.registry.register(collector)


def role_dir(base: str | None, role: str) -> str | None:
    """The multiprocess directory of one role (created), or None in single-process mode."""
    if not base:
        return None
    path = Path(base) / role
    path.mkdir(parents=True, exist_ok=True)
    return str(path)


def _share_counters(directory: str) -> None:
    # prometheus_client picks its value class from PROMETHEUS_MULTIPROC_DIR when it is imported;
    # choose it here, before any metric exists, so the composition root decides and not import order.
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory
    if not getattr(values.ValueClass, "_multiprocess", False):
        values.ValueClass = values.MultiProcessValue()


class DatabaseFigures(Collector):
    """The outbox as the database has it now: backlog and failures per platform, oldest pending age."""

    def __init__(self, read: Callable[[], dict], platforms: Callable[[], list[str]]):
        self.read, self.platforms = read, platforms

    def collect(self):
        facts = self.read()
        up = GaugeMetricFamily("pinbridge_database_up", "1 when the database answered this scrape.")
        up.add_metric([], 1.0 if facts.get("database") else 0.0)
        yield up
        if not facts.get("database"):
            return
        backlog = GaugeMetricFamily("pinbridge_delivery_backlog", "Pending deliveries by platform.", labels=["platform"])
        failed = GaugeMetricFamily("pinbridge_deliveries_failed", "Deliveries that gave up, by platform.", labels=["platform"])
        found = facts.get("platforms", {})
        for platform in sorted(set(self.platforms()) | set(found)):  # a drained queue reads 0, not its old value
            entry = found.get(platform, {})
            backlog.add_metric([platform], float(entry.get("pending", 0)))
            failed.add_metric([platform], float(entry.get("failed", 0)))
        oldest = GaugeMetricFamily("pinbridge_oldest_pending_seconds", "Age of the oldest pending delivery (0 when none).")
        oldest.add_metric([], float(facts.get("oldest_pending_age_seconds") or 0))
        yield from (backlog, failed, oldest)


class PartAges(Collector):
    """Seconds since each background part of the scraped process completed a cycle."""

    def __init__(self, report: Callable[[], dict]):
        self.report = report

    def collect(self):
        ages = GaugeMetricFamily(
            "pinbridge_part_seconds_since_cycle", "Seconds since a background part of this process completed a cycle.",
            labels=["part"],
        )
        stale = GaugeMetricFamily("pinbridge_part_stale", "1 when the part has gone too long without a cycle.", labels=["part"])
        for part, health in self.report().items():
            ages.add_metric([part], -1.0 if health.age_seconds is None else health.age_seconds)
            stale.add_metric([part], 1.0 if health.stale else 0.0)
        yield ages
        yield stale


class WorkQueues(Collector):
    """The scraped process's platform work queues (Slack's answers after the ack): depth, bound, shed."""

    def __init__(self, read: Callable[[], dict]):
        self.read = read  # platform -> [core.platforms.QueueFigures]

    def collect(self):
        labels = ["platform", "queue"]
        depth = GaugeMetricFamily("pinbridge_work_queue_depth", "Requests admitted and not finished (running or waiting), "
                                  "in this process.", labels=labels)
        capacity = GaugeMetricFamily("pinbridge_work_queue_capacity", "Past this depth new requests are shed.", labels=labels)
        shed = CounterMetricFamily("pinbridge_work_shed", "Requests turned away (told busy, or deferred to the "
                                   "platform's retry) because the queue was full, in this process.", labels=labels)
        for platform, queues in sorted(self.read().items()):
            for queue in queues:
                depth.add_metric([platform, queue.queue], float(queue.depth))
                capacity.add_metric([platform, queue.queue], float(queue.capacity))
                shed.add_metric([platform, queue.queue], float(queue.shed))
        yield from (depth, capacity, shed)
