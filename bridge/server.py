"""Running the processes of `serve --role …`."""

from __future__ import annotations

import logging

from waitress import serve as waitress_serve

from bridge.app import create_app
from bridge.config import Config

log = logging.getLogger(__name__)


def run(config: Config, role: str) -> None:
    """Serve the web app with waitress (a production WSGI server)."""
    app = create_app(config)
    log.info("Pinbridge listening on %s (role %s)", config.http.public_url, role)
    print(f"Pinbridge is running: open {config.http.public_url}", flush=True)
    waitress_serve(app, host=config.http.host, port=config.http.port, threads=config.http.threads)
