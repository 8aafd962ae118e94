"""The operator's view: /healthz, /metrics, and the facts behind `python -m bridge status`."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, Response, jsonify
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from bridge.metrics import DatabaseFigures, Metrics, PartAges, WorkQueues
from core import operations
from core.db import reading

LAST_DIGEST_RUN = "digests.last_run"


def snapshot(services, full: bool = False) -> dict:
    """Database reachability, delivery backlog per platform, failures, last digest run.

    `full` (the status command) also counts sent deliveries and linked people: table scans
    a health probe or a metrics scrape should not pay for.
    """
    try:
        with reading(services.sessions) as session:
            session.execute(text("SELECT 1"))
            backlog = operations.backlog(session, include_sent=full)
            last_run = operations.get_state(session, LAST_DIGEST_RUN)
            linked = operations.linked_people(session) if full else None
    except Exception as exc:  # noqa: BLE001 - an unreachable database is reported, not raised
        return {"ok": False, "database": False, "error": type(exc).__name__}
    return {
        "ok": True,
        "database": True,
        "backlog": backlog.pending,
        "failed": backlog.failed,
        "oldest_pending_age_seconds": backlog.oldest_pending_age,
        # Every enabled platform, a drained one with zeros (and any with rows left from before).
        "platforms": {name: asdict(backlog.platforms.get(name) or operations.PlatformBacklog())
                      for name in sorted(set(services.config.enabled()) | set(backlog.platforms))},
        "scheduler_last_run": last_run,
        **({"linked_people": linked} if full else {}),
    }


def parts(services) -> dict:
    """The background parts this process runs: seconds since each completed a cycle, and which are stale."""
    report = services.heartbeats.report()
    return {
        "parts": {
            name: {"age_seconds": None if h.age_seconds is None else round(h.age_seconds, 1),
                   "limit_seconds": h.limit_seconds, "stale": h.stale}
            for name, h in report.items()
        },
        "stale": [name for name, h in report.items() if h.stale],
    }


def blueprint(services, metrics: Metrics) -> Blueprint:
    """GET /healthz (JSON) and GET /metrics (Prometheus text format)."""
    bp = Blueprint("ops", __name__)

    @bp.get("/healthz")
    def healthz():
        facts = {**snapshot(services), **parts(services)}
        facts["ok"] = facts["ok"] and not facts["stale"]
        return jsonify(facts), 200 if facts["ok"] else 503

    enabled = services.config.enabled()
    metrics.watch("database", DatabaseFigures(lambda: snapshot(services), lambda: enabled))
    metrics.watch("parts", PartAges(services.heartbeats.report))
    metrics.watch("queues", WorkQueues(lambda: {name: part.figures() for name, part in services.platforms.items()}))

    @bp.get("/metrics")
    def metrics_page():
        return Response(generate_latest(metrics.registry), mimetype=CONTENT_TYPE_LATEST)

    return bp
