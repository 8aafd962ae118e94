"""`python -m bridge`: serve, migrate, and the operator's commands."""

from __future__ import annotations

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
def serve(config_path: str | None, role: str) -> None:
    """Run Pinbridge: web server, delivery worker, digest scheduler (or one of them)."""
    config = load_config(config_path)
    logging.basicConfig(level=config.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from bridge.server import run  # imported here: serving pulls in the whole web stack

    run(config, role)
