"""The delivery worker: claims lanes, sends through the platform senders, records outcomes.

Several of these may run, in one process or many: the database hands each chat to
one worker at a time, so nothing is sent twice except what a crashed worker had in
flight (a lease expires and the delivery is tried again).
"""

from __future__ import annotations

import dataclasses
import logging
from collections import deque
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import datetime

from bridge.health import Backoff
from bridge.logs import redactor
from bridge.metrics import Metrics
from bridge.pacing import UNPACED, Pacing, RateGate
from core import deliveries, outgoing, recording
from core.clock import utcnow
from core.db import transaction
from core.ports import Outgoing, RetryLater, Sender, SendResult, Skipped
from core.settings import CoreSettings

log = logging.getLogger(__name__)
FINAL_ATTEMPTS = 5  # on stop, tries to record the last outcomes before giving up to the lease


class DeliveryWorker:
    """Drains the outbox with a small pool of sending threads."""

    def __init__(
        self, sessions, settings: CoreSettings, senders: dict[str, Sender], *, threads: int = 16,
        in_flight: int = 0, batch_size: int = 100, lease_seconds: int = 120, max_attempts: int = 8, pacing: Pacing = UNPACED,
        metrics: Metrics | None = None, now: Callable[[], datetime] = utcnow, idle_sleep: float = 0.5,
        heartbeat: Callable[[], None] = lambda: None, max_backoff: float = 30.0,
    ):
        self.sessions, self.settings, self.senders = sessions, settings, senders
        self.threads, self.batch_size = threads, batch_size
        self.max_in_flight = in_flight or 2 * threads  # a little queue keeps every thread busy
        self.lease_seconds, self.max_attempts = lease_seconds, max_attempts
        self.pacing, self.metrics, self.now, self.idle_sleep = pacing, metrics, now, idle_sleep
        self.name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.gates: dict[str, RateGate | None] = {p: pacing.gate(p) for p in senders}
        # Digests paid for as a broadcast have their own budget; otherwise they share the bot-wide gate.
        self.bulk_gates = {p: pacing.broadcast_gate(p) or self.gates[p] for p in senders}
        self.heartbeat, self.max_backoff = heartbeat, max_backoff
        self._unrecorded: list[tuple[Outgoing, int, SendResult]] = []
        self._held: deque[tuple[Outgoing, int]] = deque()  # claimed digests waiting for an idle thread
        self._stop = threading.Event()

    def claim(self, limit: int) -> list[tuple[Outgoing, int]]:
        """Lease ready lanes and build what to send (one transaction)."""
        with transaction(self.sessions) as session:
            claimed = deliveries.claim(session, self.name, self.now(), limit, self.lease_seconds)
            views = outgoing.build(session, self.settings, claimed)
        return [(view, c.lane_id) for view, c in zip(views, claimed)]

    def record(self, results: list[tuple[Outgoing, int, SendResult]]) -> list[str]:
        """Store the outcomes of several sends in one transaction; returns each outcome."""
        batch = [(item.delivery_id, lane_id, result, self.pacing.spacing(item.platform, item.chat_id), item.shown)
                 for item, lane_id, result in results]
        with transaction(self.sessions) as session:
            outcomes = recording.record_many(session, batch, self.name, self.now(), self.max_attempts)
        for (item, _, result), outcome in zip(results, outcomes):
            if self.metrics:
                self.metrics.deliveries.labels(item.platform, outcome).inc()
            if outcome not in ("sent", "skipped"):
                log.info("delivery %s to %s: %s (%s)", item.delivery_id, item.platform, outcome, _error_of(result))
        return outcomes

    def _send(self, item: Outgoing) -> SendResult:
        if item.skip is not None:  # nothing to send (the copy shows it already): no call, no rate budget spent
            return Skipped(item.skip)
        sender = self.senders.get(item.platform)
        if sender is None:
            return RetryLater(f"no {item.platform} sender in this process")
        gate = (self.bulk_gates if item.kind == "digest" else self.gates).get(item.platform)
        if gate is not None:
            gate.acquire(urgent=item.kind != "digest")
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
        """Deliver until stop(): sends run on a thread pool, outcomes are recorded in batches.

        A cycle that fails (the database restarting, a connection cut) waits a capped backoff
        and tries again, for as long as it takes; outcomes not yet recorded are kept and
        recorded once the database answers, so a message sent during an outage is not sent again.
        """
        in_flight: dict[Future, tuple[Outgoing, int]] = {}
        backoff = Backoff(cap=self.max_backoff)
        with ThreadPoolExecutor(self.threads, thread_name_prefix="deliver") as pool:
            while not self._stop.is_set():
                try:
                    idle = self._cycle(pool, in_flight)
                except Exception as exc:  # noqa: BLE001 - the loop must outlive any outage
                    delay = backoff.next()
                    log.warning("delivery cycle failed (%s); trying again in %.1fs", type(exc).__name__, delay)
                    self._stop.wait(delay)
                    continue
                backoff.reset()
                self.heartbeat()
                if idle:
                    self._stop.wait(self.idle_sleep)
            self._unrecorded += [(*in_flight.pop(f), f.result()) for f in list(wait(in_flight).done)]
        self._finish()

    def _cycle(self, pool: ThreadPoolExecutor, in_flight: dict) -> bool:
        """Record what waits, claim for the free threads, record what finished; True when there was nothing to do."""
        if self._unrecorded:
            self.record(self._unrecorded)
            self._unrecorded = []
        free = self.max_in_flight - len(in_flight) - len(self._held)
        for item, lane_id in self.claim(min(free, self.batch_size)) if free > 0 else []:
            if item.kind == "digest":
                self._held.append((item, lane_id))
            else:  # a live message goes to the next free thread, ahead of every digest held here
                in_flight[pool.submit(self._send, item)] = (item, lane_id)
        while self._held and len(in_flight) < self.threads:  # digests only ever fill idle threads
            item, lane_id = self._held.popleft()
            in_flight[pool.submit(self._send, item)] = (item, lane_id)
        if not in_flight:
            return True
        done, _ = wait(in_flight, timeout=self.idle_sleep, return_when=FIRST_COMPLETED)
        self._unrecorded = [(*in_flight.pop(future), future.result()) for future in done]
        if self._unrecorded:
            self.record(self._unrecorded)
            self._unrecorded = []
        return False

    def _finish(self) -> None:
        """On stop: record what went out (a few tries), then give the lanes back."""
        backoff = Backoff(cap=2.0)
        for _ in range(FINAL_ATTEMPTS):
            try:
                if self._unrecorded:
                    self.record(self._unrecorded)
                    self._unrecorded = []
                self.release()
                return
            except Exception as exc:  # noqa: BLE001 - leases expire; another worker takes those chats over
                log.warning("could not record or release on stop (%s)", type(exc).__name__)
                time.sleep(backoff.next())
        log.error("stopped with %d outcomes unrecorded; their lanes are retried when the leases expire",
                  len(self._unrecorded))

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
