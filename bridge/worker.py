"""The delivery worker: claims lanes, sends through the platform senders, records outcomes.

Several of these may run, in one process or many: the database hands each chat to
one worker at a time, so nothing is sent twice except what a crashed worker had in
flight (a lease expires and the delivery is tried again).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import datetime

from bridge.logs import redactor
from bridge.metrics import Metrics
from bridge.pacing import Pacing, RateGate
from core import deliveries, outgoing
from core.clock import utcnow
from core.db import transaction
from core.ports import Outgoing, RetryLater, Sender, SendResult
from core.settings import CoreSettings

log = logging.getLogger(__name__)


class DeliveryWorker:
    """Drains the outbox with a small pool of sending threads."""

    def __init__(
        self, sessions, settings: CoreSettings, senders: dict[str, Sender], *, threads: int = 8,
        batch_size: int = 50, lease_seconds: int = 120, max_attempts: int = 8, pacing: Pacing = Pacing(),
        metrics: Metrics | None = None, now: Callable[[], datetime] = utcnow, idle_sleep: float = 0.5,
    ):
        self.sessions, self.settings, self.senders = sessions, settings, senders
        self.threads, self.batch_size = threads, batch_size
        self.lease_seconds, self.max_attempts = lease_seconds, max_attempts
        self.pacing, self.metrics, self.now, self.idle_sleep = pacing, metrics, now, idle_sleep
        self.name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.gates: dict[str, RateGate | None] = {p: pacing.gate(p) for p in ("slack", "telegram")}
        self._stop = threading.Event()

    def claim(self, limit: int) -> list[tuple[Outgoing, int]]:
        """Lease ready lanes and build what to send (one transaction)."""
        with transaction(self.sessions) as session:
            claimed = deliveries.claim(session, self.name, self.now(), limit, self.lease_seconds)
            views = outgoing.build(session, self.settings, claimed)
        return [(view, c.lane_id) for view, c in zip(views, claimed)]

    def record(self, results: list[tuple[Outgoing, int, SendResult]]) -> list[str]:
        """Store the outcomes of several sends in one transaction; returns each outcome."""
        batch = [(item.delivery_id, lane_id, result, self.pacing.spacing(item.platform, item.chat_id))
                 for item, lane_id, result in results]
        with transaction(self.sessions) as session:
            outcomes = deliveries.record_many(session, batch, self.name, self.now(), self.max_attempts)
        for (item, _, result), outcome in zip(results, outcomes):
            if self.metrics:
                self.metrics.deliveries.labels(item.platform, outcome).inc()
            if outcome != "sent":
                log.info("delivery %s to %s: %s (%s)", item.delivery_id, item.platform, outcome, _error_of(result))
        return outcomes

    def _send(self, item: Outgoing) -> SendResult:
        sender = self.senders.get(item.platform)
        if sender is None:
            return RetryLater(f"no {item.platform} sender in this process")
        gate = self.gates.get(item.platform)
        if gate is not None:
            gate.acquire()
        started = time.perf_counter()
        try:
            return _scrubbed(sender.send(item))
        except Exception as exc:  # noqa: BLE001 - a sender bug or network fault must not lose the delivery
            log.warning("sender %s raised %s", item.platform, type(exc).__name__)
            return RetryLater(redactor().redact(f"{type(exc).__name__}: {exc}")[:300])
        finally:
            if gate is not None:
                gate.release()
            if self.metrics:
                self.metrics.send_latency.labels(item.platform).observe(time.perf_counter() - started)

    def run_once(self) -> int:
        """Claim one batch, send it in order, record it; returns how many were attempted."""
        batch = self.claim(self.batch_size)
        if batch:
            self.record([(item, lane_id, self._send(item)) for item, lane_id in batch])
        return len(batch)

    def run(self) -> None:
        """Deliver until stop(): sends run on a thread pool, outcomes are recorded in batches."""
        in_flight: dict[Future, tuple[Outgoing, int]] = {}
        with ThreadPoolExecutor(self.threads, thread_name_prefix="deliver") as pool:
            while not self._stop.is_set():
                free = self.threads * 2 - len(in_flight)  # a little queue keeps every thread busy
                for item, lane_id in self.claim(min(free, self.batch_size)) if free > 0 else []:
                    in_flight[pool.submit(self._send, item)] = (item, lane_id)
                if not in_flight:
                    self._stop.wait(self.idle_sleep)
                    continue
                done, _ = wait(in_flight, timeout=self.idle_sleep, return_when=FIRST_COMPLETED)
                self._record_done(in_flight, done)
            self._record_done(in_flight, wait(in_flight).done)  # in-flight sends finish and are kept
        self.release()

    def _record_done(self, in_flight: dict, done) -> None:
        finished = [(*in_flight.pop(future), future.result()) for future in done]
        if not finished:
            return
        try:
            self.record(finished)
        except Exception:  # noqa: BLE001 - the leases expire and those deliveries are tried again
            log.exception("recording %d outcomes failed; their lanes will be retried", len(finished))

    def stop(self) -> None:
        """Ask run() to finish its in-flight deliveries and return."""
        self._stop.set()

    def release(self) -> int:
        """Give back any lanes still leased by this worker."""
        with transaction(self.sessions) as session:
            return deliveries.release(session, self.name)


def _scrubbed(result: SendResult) -> SendResult:
    """The result with any secret in its error text masked: errors are stored, shown by `status` and logged."""
    error = getattr(result, "error", None)
    return dataclasses.replace(result, error=redactor().redact(error)) if error else result


def _error_of(result: SendResult) -> str:
    return getattr(result, "error", "")
