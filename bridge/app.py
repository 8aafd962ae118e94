"""The Flask app factory. Nothing is wired at import: `create_app()` builds it all."""

from __future__ import annotations

from flask import Flask, jsonify
from sqlalchemy import text

from bridge import config as config_module
from bridge.config import Config
from bridge.wiring import Services, build


def create_app(config: Config | str | None = None, services: Services | None = None) -> Flask:
    """Build the web app; `gunicorn 'bridge.app:create_app()'` reads $BRIDGE_CONFIG."""
    if services is None:
        cfg = config if isinstance(config, Config) else config_module.load(config)
        services = build(cfg)
    app = Flask(__name__)
    app.extensions["pinbridge"] = services
    app.add_url_rule("/healthz", view_func=lambda: _healthz(services))
    return app


def _healthz(services: Services):
    try:
        with services.db.connect() as connection:
            connection.execute(text("SELECT 1"))
        database = True
    except Exception:  # noqa: BLE001 - any failure means "not reachable", reported as data
        database = False
    return jsonify({"ok": database, "database": database}), 200 if database else 503
