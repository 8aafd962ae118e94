"""Prometheus metrics, in a registry built per process (never at import)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class Metrics:
    """Every metric Pinbridge exports."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.deliveries = Counter(
            "pinbridge_deliveries_total", "Delivery attempts by platform and outcome (sent, retry, failed).",
            ["platform", "outcome"], registry=self.registry,
        )
        self.backlog = Gauge(
            "pinbridge_delivery_backlog", "Pending deliveries by platform.", ["platform"], registry=self.registry,
        )
        self.failed = Gauge(
            "pinbridge_deliveries_failed", "Deliveries that gave up, by platform.", ["platform"], registry=self.registry,
        )
        self.oldest_pending = Gauge(
            "pinbridge_oldest_pending_seconds", "Age of the oldest pending delivery.", registry=self.registry,
        )
        self.inbound = Counter(
            "pinbridge_inbound_requests_total", "Inbound requests by surface and HTTP status.",
            ["surface", "status"], registry=self.registry,
        )
        self.latency = Histogram(
            "pinbridge_request_seconds", "Time to answer an inbound request, by surface.", ["surface"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5), registry=self.registry,
        )
        self.send_latency = Histogram(
            "pinbridge_send_seconds", "Time a platform API took to accept one delivery.", ["platform"],
            buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10), registry=self.registry,
        )
