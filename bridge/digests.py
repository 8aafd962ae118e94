"""Digest runs: what is due at an instant is claimed and queued through the outbox.

The database decides what was sent (one `digest_sends` row per person per period,
claimed in the same transaction that queues the digest), so re-running a pass, or an
operator starting two schedulers by mistake, never sends a digest twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bridge.ops import LAST_DIGEST_RUN
from core import digests, operations
from core.clock import to_naive_utc, utcnow
from core.db import reading, transaction

log = logging.getLogger(__name__)
JOB_ID = "pinbridge-digests"
BATCH = 1000


def run_due(
    sessions, default_schedule: str, now: datetime | None = None, batch_size: int = BATCH, everyone: bool = False,
) -> int:
    """Queue every digest due at `now` (or, with `everyone`, one for each person with unread now)."""
    now = to_naive_utc(now) if now else utcnow()
    queued = 0
    with reading(sessions) as session:
        groups = [digests.on_demand_group(now)] if everyone else digests.due_groups(session, now, default_schedule)
    for group in groups:
        with reading(sessions) as session:
            batches = list(digests.due_people(session, group, batch_size))
        for batch in batches:
            with transaction(sessions) as session:  # claim + queue are atomic per batch
                queued += digests.claim_and_queue(session, group, batch)
    with transaction(sessions) as session:
        operations.set_state(session, LAST_DIGEST_RUN, now.isoformat(timespec="seconds") + "Z")
    return queued


class DigestScheduler:
    """APScheduler host: one interval job with a stable id; the database keeps it exactly-once."""

    def __init__(self, sessions, default_schedule: str, every_seconds: int = 60, heartbeat=lambda: None):
        self.sessions, self.default_schedule, self.heartbeat = sessions, default_schedule, heartbeat
        self.pictures = None  # bridge.media.Pictures, once add_housekeeping is given it
        self.scheduler = BackgroundScheduler(
            timezone="UTC",
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
        )
        self.scheduler.add_job(
            self.tick, IntervalTrigger(seconds=every_seconds, timezone="UTC"),
            id=JOB_ID, name="send due digests", replace_existing=True, next_run_time=datetime.now(timezone.utc),
        )

    def tick(self) -> int:
        """One pass; errors are logged and the next tick tries again."""
        try:
            queued = run_due(self.sessions, self.default_schedule)
        except Exception as exc:  # noqa: BLE001 - a failed pass must not kill the scheduler thread
            log.warning("digest pass failed (%s); retrying on the next tick", type(exc).__name__)
            return 0
        self.heartbeat()
        if queued:
            log.info("queued %d digests", queued)
        return queued

    def add_housekeeping(self, pictures=None) -> None:
        """A daily job that forgets old inbound event ids and button keys, and removes pictures no pin uses."""
        self.pictures = pictures
        self.scheduler.add_job(
            self.prune, IntervalTrigger(hours=24, timezone="UTC"), id=f"{JOB_ID}-housekeeping",
            name="housekeeping", replace_existing=True,
        )

    def prune(self) -> dict[str, int]:
        """Run the housekeeping once."""
        with transaction(self.sessions) as session:
            removed = operations.prune(session, utcnow())
        if self.pictures is not None:
            try:
                removed["pictures"] = self.pictures.sweep()
            except Exception as exc:  # noqa: BLE001 - the store down: tomorrow's run sweeps them
                log.warning("picture housekeeping failed (%s)", type(exc).__name__)
        log.info("housekeeping removed %s", removed)
        return removed

    def start(self) -> None:
        """Start the scheduler thread (the first pass runs at once: catch-up after downtime)."""
        self.scheduler.start()

    def stop(self) -> None:
        """Stop, letting a running pass finish."""
        self.scheduler.shutdown(wait=True)

