"""A real `python -m bridge serve` in a subprocess: sandbox on, SQLite in a temp dir, a free port.

The sandbox page's tests drive it over HTTP only, exactly as a newcomer's browser does.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 60.0  # a bound on waiting for start-up, never an assertion about speed
WAIT_SECONDS = 20.0
# Real tokens in the developer's environment would switch the sandbox off; the served process never sees them.
PLATFORM_VARIABLES = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET",
                      "TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "BRIDGE_CONFIG")


def eventually(check, what: str, timeout: float = WAIT_SECONDS):
    """Poll `check()` until it returns something truthy; fail naming `what` after the bound."""
    deadline = time.monotonic() + timeout
    while not (found := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServedPinbridge:
    """One running Pinbridge process; `stop()` sends SIGTERM and waits for a clean exit."""

    def __init__(self, folder: Path, database_url: str | None = None, extra: str = ""):
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = folder / "server.log"
        config = folder / "config.yaml"
        database_url = database_url or f"sqlite:///{folder / 'pinbridge.db'}"
        config.write_text(
            f"database_url: {database_url}\n"
            f"log_level: WARNING\n"
            f"http: {{host: 127.0.0.1, port: {port}, public_url: '{self.url}'}}\n"
            f"sandbox: {{enabled: true}}\n"
            f"delivery: {{poll_interval_seconds: 0.1}}\n" + extra
        )
        env = {k: v for k, v in os.environ.items() if k not in PLATFORM_VARIABLES}
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bridge", "serve", "--config", str(config)],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
        )
        try:
            eventually(self._ready, "the sandbox to start (webhook registered)", START_SECONDS)
        except AssertionError:
            self.stop()
            raise AssertionError(f"Pinbridge did not start:\n{self.log_path.read_text()[-3000:]}") from None

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"Pinbridge exited with {self.process.returncode}:\n{self.log_path.read_text()[-3000:]}")
        try:
            info = httpx.get(f"{self.url}/sandbox/telegram/bot123456:SANDBOX/getWebhookInfo", timeout=2).json()
        except (httpx.HTTPError, ValueError):
            return False
        return bool(info.get("result", {}).get("url"))

    def stop(self) -> int | None:
        """Stop the process (SIGTERM, as an operator would) and return its exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        return self.process.returncode


class Page:
    """The sandbox page's JSON API, called the way the page's script calls it."""

    def __init__(self, url: str):
        self.url = url
        self.client = httpx.Client(base_url=f"{url}/sandbox/ui", timeout=WAIT_SECONDS)

    def post(self, path: str, expect: int = 200, **payload) -> dict:
        response = self.client.post(path, json=payload)
        assert response.status_code == expect, (path, response.status_code, response.text)
        return response.json()

    def feed(self, slack: str = "", telegram: object = "") -> dict:
        return self.client.get("feed", params={"slack": slack, "telegram": str(telegram)}).json()

    def slack_items(self, user: str) -> list[dict]:
        return self.feed(slack=user)["slack"]["feed"]["items"]

    def telegram_messages(self, user: object) -> list[dict]:
        return self.feed(telegram=user)["telegram"]["feed"]["messages"]

    def close(self) -> None:
        self.client.close()


def served_page_fixtures(folder: str):
    """The `server` (one served Pinbridge for a test module, stopped cleanly after it) and `page` (its API on
    a sandbox reset to nothing, for each test) fixtures: `server, page = served_page_fixtures("sandbox-ui")`."""

    @pytest.fixture(scope="module")
    def server(tmp_path_factory):
        served = ServedPinbridge(tmp_path_factory.mktemp(folder))
        yield served
        assert served.stop() == 0, "Pinbridge did not shut down cleanly"

    @pytest.fixture
    def page(server):
        api = Page(server.url)
        api.post("reset")
        yield api
        api.close()

    return server, page
