"""The Flask app factory. Nothing is wired at import: `create_app()` builds it all.

    gunicorn 'bridge.app:create_app()'     # reads $BRIDGE_CONFIG, else ./config.yaml
"""

from __future__ import annotations

import time

from flask import Flask, g, request

from bridge import config as config_module
from bridge import ops, pages
from bridge.config import Config
from bridge.metrics import Metrics, role_dir
from bridge.wiring import Services, build



def create_app(config: Config | str | None = None, services: Services | None = None, metrics: Metrics | None = None) -> Flask:
    """Build the web app for a config (or for already-built services)."""
    if services is None:  # e.g. under gunicorn: this app is the whole web role of its process
        cfg = config if isinstance(config, Config) else config_module.load(config)
        services = build(cfg)
        for platform in services.platforms.values():
            platform.start()  # Telegram's loop must run for webhook updates to be handled
    metrics = metrics or Metrics(role_dir(services.config.metrics.multiprocess_dir, "web"))
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024  # no platform sends more; larger bodies get 413
    app.extensions["pinbridge"] = services
    app.register_blueprint(ops.blueprint(services, metrics))
    app.register_blueprint(pages.blueprint(services))
    if services.sandbox is None:
        app.add_url_rule("/", "landing", pages.landing_view(services))
    for platform in services.platforms.values():
        if platform.blueprint is not None:
            app.register_blueprint(platform.blueprint)
    if services.sandbox is not None:
        services.sandbox.mount(app)
        app.register_blueprint(services.sandbox.page(services))
    _measure(app, metrics, services.config.enabled())
    return app


def create_ops_app(services: Services, metrics: Metrics) -> Flask:
    """What a process without the web role serves: GET /healthz and GET /metrics, nothing else."""
    app = Flask(__name__)
    app.register_blueprint(ops.blueprint(services, metrics))
    return app


def _measure(app: Flask, metrics: Metrics, platforms: list[str]) -> None:
    # Each platform's routes live under /<name>/ (its own surface); the sandbox's under /sandbox/.
    surfaces = [(f"/{name}/", name) for name in (*platforms, "sandbox")]

    @app.before_request
    def started():
        g.started = time.perf_counter()

    @app.after_request
    def observed(response):
        surface = next((name for prefix, name in surfaces if request.path.startswith(prefix)), "web")
        metrics.inbound.labels(surface, str(response.status_code)).inc()
        metrics.latency.labels(surface).observe(time.perf_counter() - g.get("started", time.perf_counter()))
        return response
