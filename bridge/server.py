"""`serve --role all|web|worker|scheduler`: the pieces of a running Pinbridge, and their shutdown."""

from __future__ import annotations

import logging
import signal
import threading

from waitress import wasyncore
from waitress.server import create_server

from bridge.app import create_app, create_ops_app
from bridge.config import Config, HttpConfig
from bridge.digests import DigestScheduler
from bridge.metrics import Metrics, role_dir
from bridge.pacing import Pacing
from bridge.unfurler import PageFetcher, Unfurler
from bridge.wiring import Services, build
from bridge.worker import DeliveryWorker

log = logging.getLogger(__name__)


class Running:
    """Starts the parts a role needs; stop() takes them down in reverse order."""

    def __init__(self, services: Services, role: str):
        self.services, self.role = services, role
        self.metrics = Metrics(role_dir(services.config.metrics.multiprocess_dir, role))
        self.health = services.config.health
        self.stops: list = []

    def start(self) -> None:
        """Start the parts of this role."""
        if self.role in ("all", "web"):
            self._web()
            # Inbound platform work (Telegram's loop, webhook set-up or polling) lives with the web
            # role, after the server is up: the sandbox's stand-ins are served by it. Workers only
            # send, and the senders start what they need on first use.
            for platform in self.services.platforms.values():
                platform.start()
                self.stops.append(platform.stop)
        else:  # every role can be scraped: a worker or scheduler serves /healthz and /metrics on http.port
            self._ops()
        if self.role in ("all", "worker"):
            self._worker()
            if self.services.config.unfurl.enabled:
                self._unfurler()
        if self.role in ("all", "scheduler") and self.services.config.digests.enabled:
            self._scheduler()

    def _web(self) -> None:
        http = self.services.config.http
        self._serve("web", create_app(services=self.services, metrics=self.metrics))
        print(f"Pinbridge is running: open {http.public_url}", flush=True)

    def _ops(self) -> None:
        self._serve("ops", create_ops_app(self.services, self.metrics))

    def _serve(self, name: str, app) -> None:
        server = web_server(app, self.services.config.http)

        def stop_serving() -> None:
            wasyncore.close_all(server._map)  # stop accepting; in-flight requests finish
            server.task_dispatcher.shutdown()

        self._background(name, server.run, stop_serving, join_timeout=10)

    def _worker(self) -> None:
        delivery = self.services.config.delivery
        worker = DeliveryWorker(
            self.services.sessions, self.services.config.core(), self.services.senders,
            threads=delivery.threads, in_flight=delivery.in_flight,
            batch_size=delivery.batch_size, lease_seconds=delivery.lease_seconds,
            max_attempts=delivery.max_attempts, pacing=pacing_of(self.services.config), metrics=self.metrics,
            idle_sleep=delivery.poll_interval_seconds,
            heartbeat=self.services.heartbeats.expect("worker", self.health.stale_after_seconds),
        )
        self._background("worker", worker.run, worker.stop, join_timeout=60)

    def _unfurler(self) -> None:
        settings = self.services.config.unfurl
        fetcher = PageFetcher(
            settings.timeout_seconds, settings.max_page_bytes, settings.allow_private_addresses, settings.deadline_seconds,
        )
        unfurler = Unfurler(
            self.services.sessions, fetcher, pictures=self.services.pictures,
            max_picture_bytes=self.services.config.media.max_download_bytes,
            heartbeat=self.services.heartbeats.expect("unfurler", self.health.stale_after_seconds),
        )
        self._background("unfurl", unfurler.run, unfurler.stop, join_timeout=30)

    def _scheduler(self) -> None:
        digests = self.services.config.digests
        # The scheduler beats once per pass: allow a few missed ticks before calling it stale.
        limit = max(self.health.stale_after_seconds, 3 * digests.check_every_seconds)
        scheduler = DigestScheduler(
            self.services.sessions, digests.default, digests.check_every_seconds,
            heartbeat=self.services.heartbeats.expect("scheduler", limit),
        )
        scheduler.add_housekeeping(self.services.pictures)
        scheduler.start()
        self.stops.append(scheduler.stop)

    def _background(self, name: str, run, stop, join_timeout: float) -> None:
        """Run `run` on a thread; on shutdown call `stop` and wait for the thread (bounded)."""
        thread = threading.Thread(target=run, name=name, daemon=True)
        thread.start()

        def stop_and_join() -> None:
            stop()
            thread.join(timeout=join_timeout)

        self.stops.append(stop_and_join)

    def stop(self) -> None:
        """Stop every part, newest first, then release the database."""
        for stop in reversed(self.stops):
            try:
                stop()
            except Exception:  # noqa: BLE001 - keep stopping the rest
                log.exception("error while stopping")
        self.services.close()


def pacing_of(config: Config) -> Pacing:
    """The limits of every enabled platform, as each describes them."""
    described = config.descriptions()
    return Pacing({name: described[name].limits(config.sections[name]) for name in config.enabled()})


def web_server(app, http: HttpConfig):
    """waitress with limits set on purpose: many connections, a short idle timeout, poll() not select().

    Slack and Telegram send small requests quickly; a client that sits on a connection (or
    trickles it) is closed after `channel_timeout_seconds` without a byte, and holding many
    such connections does not lock out the platforms while there are `connection_limit` slots.
    In production a reverse proxy in front adds what waitress has not (README "Security").
    """
    return create_server(
        app, host=http.host, port=http.port, threads=http.threads, clear_untrusted_proxy_headers=True,
        connection_limit=http.connection_limit, channel_timeout=http.channel_timeout_seconds,
        cleanup_interval=max(1, http.channel_timeout_seconds // 2), backlog=http.backlog,
        asyncore_use_poll=True,  # select() cannot watch more than 1024 sockets
    )


def run(config: Config, role: str) -> None:
    """Run until SIGTERM or Ctrl-C, then shut down cleanly."""
    services = build(config)
    running = Running(services, role)
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    running.start()
    log.info("serving role %s", role)
    done.wait()
    log.info("shutting down")
    running.stop()
