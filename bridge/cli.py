"""`python -m bridge`: serve, migrate, and the operator's commands."""

from __future__ import annotations

import dataclasses
import logging
import sys

import click

from bridge import config as config_module
from bridge import migrate
from core.db import make_engine

config_option = click.option(
    "--config", "config_path", type=click.Path(dir_okay=False), default=None,
    help="Config file (default: $BRIDGE_CONFIG, else ./config.yaml).",
)


def load_config(path: str | None) -> config_module.Config:
    """The validated config, or a one-line error and exit status 2."""
    try:
        return config_module.load(path)
    except config_module.ConfigError as exc:
        click.echo(f"config error: {exc}", err=True)
        sys.exit(2)


@click.group()
def main() -> None:
    """Pinbridge: share pins and talk about them on Slack and Telegram."""


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@config_option
def db_upgrade(config_path: str | None) -> None:
    """Run Alembic migrations to the newest revision."""
    config = load_config(config_path)
    engine = make_engine(config.database_url)
    migrate.upgrade(engine)
    click.echo(f"database at revision {migrate.current(engine)}")
    engine.dispose()


@main.command()
@config_option
@click.option("--role", type=click.Choice(["all", "web", "worker", "scheduler"]), default="all", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=None,
              help="Listen here instead of http.port (a worker or scheduler serves /healthz and /metrics on it).")
def serve(config_path: str | None, role: str, port: int | None) -> None:
    """Run Pinbridge: web server, delivery worker, digest scheduler (or one of them)."""
    config = load_config(config_path)
    if port is not None:
        config = dataclasses.replace(config, http=dataclasses.replace(config.http, port=port))
    logging.basicConfig(level=config.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from bridge.server import run  # imported here: serving pulls in the whole web stack

    run(config, role)


def _services(config_path: str | None, platforms: bool = False):
    from bridge.wiring import build

    return build(load_config(config_path), platforms=platforms)


@main.command()
@config_option
def status(config_path: str | None) -> None:
    """Deliveries pending / retrying / failed per platform, last digest run, linked accounts."""
    from bridge.ops import snapshot
    from core import operations
    from core.db import transaction

    services = _services(config_path)
    facts = snapshot(services, full=True)
    if not facts["ok"]:
        click.echo(f"database unreachable ({facts['error']})", err=True)
        sys.exit(1)
    click.echo(f"{'platform':<10} {'pending':>8} {'retrying':>9} {'failed':>7} {'sent':>8}")
    for name, entry in facts["platforms"].items():
        click.echo(f"{name:<10} {entry['pending']:>8} {entry['retrying']:>9} {entry['failed']:>7} {entry['sent']:>8}")
    age = facts["oldest_pending_age_seconds"]
    click.echo(f"oldest pending: {'-' if age is None else f'{age:.0f}s'}")
    click.echo(f"last digest run: {facts['scheduler_last_run'] or 'never'}")
    click.echo(f"linked accounts: {facts['linked_people']}")
    with transaction(services.sessions) as session:
        for delivery in operations.failed_deliveries(session, limit=10):
            click.echo(f"failed #{delivery.id} {delivery.platform}:{delivery.chat_id} — {delivery.last_error}")
    services.close()


@main.group()
def deliveries() -> None:
    """The delivery outbox."""


@deliveries.command("retry")
@config_option
@click.argument("ids", nargs=-1, type=int)
def deliveries_retry(config_path: str | None, ids: tuple[int, ...]) -> None:
    """Requeue failed deliveries (all of them, or the ids given)."""
    from core import deliveries as delivery_queue
    from core.clock import utcnow
    from core.db import transaction

    services = _services(config_path)
    with transaction(services.sessions) as session:
        count = delivery_queue.requeue_failed(session, utcnow(), list(ids) or None)
    click.echo(f"requeued {count} failed deliveries")
    services.close()


@main.group()
def digests() -> None:
    """Scheduled digests of unread messages."""


@digests.command("run")
@config_option
@click.option("--now", "now_text", default=None, help="The instant to run for, ISO-8601 (default: now).")
def digests_run(config_path: str | None, now_text: str | None) -> None:
    """Queue every digest due at that instant; safe to run twice."""
    from datetime import datetime

    from bridge.digests import run_due

    try:
        now = datetime.fromisoformat(now_text.replace("Z", "+00:00")) if now_text else None
    except ValueError:
        click.echo(f"--now: not an ISO-8601 instant: {now_text!r}", err=True)
        sys.exit(2)
    services = _services(config_path)
    queued = run_due(services.sessions, services.config.digests.default, now)
    click.echo(f"{queued} digests queued")
    services.close()


@digests.command("preview")
@config_option
@click.argument("handle")
def digests_preview(config_path: str | None, handle: str) -> None:
    """Print what a person's digest would contain right now."""
    from core.errors import DomainError

    services = _services(config_path)
    try:
        digest = services.engine.digest_preview(handle)
    except DomainError as exc:
        click.echo(exc.message, err=True)
        sys.exit(1)
    finally:
        services.close()
    if digest is None:
        click.echo(f"{handle}: nothing unread — no digest would be sent")
        return
    click.echo(f"{handle}: {digest.total} unread")
    for conversation in digest.conversations:
        click.echo(f"  {conversation.ref} — {conversation.count} unread")
        for line in conversation.lines:
            click.echo(f"    @{line.sender}: {line.summary}")
