"""Metrics across processes: gunicorn's web workers and worker processes, one killed and restarted.

Every role is scraped on its own port; the counters of a role add up over all its processes
(prometheus_client's multiprocess mode), so the roles' scrapes together say what `status` says.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from prometheus_client.parser import text_string_to_metric_families

from bridge.cli import main
from bridge.sandbox.serving import serve
from bridge.sandbox.telegram_api import TelegramStandin, create_app
from core.people import Identity
from tests.bridge.sandbox_server import eventually, free_port
from tests.factories import friends, say

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456:SANDBOX"
FRIENDS = range(5001, 5006)


@pytest.fixture
def deployment(db_url, tmp_path, engine):
    """A stand-in Telegram, and the config two web processes and two workers share."""
    if not db_url.startswith("postgresql"):
        pytest.skip("several processes at once need PostgreSQL")
    standin = TelegramStandin(TOKEN, "pinbridge_bot")
    for chat in (5000, *FRIENDS):
        standin.add_user(chat, f"User {chat}", username=f"u{chat}")
    with serve(create_app(standin)) as api:
        web_port = free_port()
        config = tmp_path / "config.yaml"
        config.write_text(
            f"database_url: {db_url}\nlog_level: WARNING\n"
            f"http: {{host: 127.0.0.1, port: {web_port}, public_url: 'http://127.0.0.1:{web_port}'}}\n"
            "sandbox: {enabled: false}\nslack: {enabled: false}\n"
            f"telegram: {{bot_token: '{TOKEN}', webhook_secret: s3cret, api_base_url: '{api.url}/bot'}}\n"
            f"metrics: {{multiprocess_dir: '{tmp_path / 'metrics'}'}}\n"
            "delivery: {poll_interval_seconds: 0.1}\ndigests: {enabled: false}\nunfurl: {enabled: false}\n"
        )
        processes: list[subprocess.Popen] = []
        yield config, web_port, processes, standin
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(30)


def _start(processes, *command: str, config: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", *command], cwd=ROOT, env={**os.environ, "BRIDGE_CONFIG": str(config)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    processes.append(process)
    return process


def _scrape(port: int) -> dict[tuple, float]:
    found = {}
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def _sent(scrape: dict) -> float:
    return sum(v for (name, labels), v in scrape.items()
               if name == "pinbridge_deliveries_total" and ("outcome", "sent") in labels)


def _up(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code in (200, 503)
    except httpx.HTTPError:
        return False


def _send_round(engine, alice: Identity, handles: list[str], words: str) -> None:
    say(engine, alice, f"send p1 to {' '.join('@' + h for h in handles)} {words}")


def test_the_roles_scrapes_add_up_to_what_status_says(deployment, engine):
    config, web_port, processes, standin = deployment
    alice = Identity("telegram", "5000", chat_id="5000", username="alice")
    people = [Identity("telegram", str(c), chat_id=str(c), username=f"u{c}") for c in FRIENDS]
    friends(engine, alice, *people)
    say(engine, alice, "new https://example.com/boots Boots")
    handles = [engine.ensure(p) for p in people]
    ports = [free_port(), free_port()]
    _start(processes, "gunicorn", "-w", "2", "-b", f"127.0.0.1:{web_port}", "bridge.app:create_app()", config=config)
    workers = [_start(processes, "bridge", "serve", "--role", "worker", "--port", str(p), config=config) for p in ports]
    for port in (web_port, *ports):
        eventually(lambda port=port: _up(port), f"port {port} to answer", 60)
    for n in range(3):
        _send_round(engine, alice, handles, f"round {n}")
    eventually(lambda: _sent(_scrape(ports[1])) == 15, "15 deliveries counted", 60)
    workers[0].kill()  # SIGKILL: its counters stay in the role's directory
    workers[0].wait(10)
    for n in range(3, 5):
        _send_round(engine, alice, handles, f"round {n}")
    _start(processes, "bridge", "serve", "--role", "worker", "--port", str(ports[0]), config=config)
    eventually(lambda: _up(ports[0]), "the restarted worker", 60)
    eventually(lambda: _sent(_scrape(ports[1])) == 25, "25 deliveries counted", 60)
    for _ in range(4):
        assert httpx.get(f"http://127.0.0.1:{web_port}/healthz", timeout=10).status_code == 200
    web, worker = _scrape(web_port), _scrape(ports[0])
    counted = lambda scrape: {k: v for k, v in scrape.items() if k[0] == "pinbridge_deliveries_total"}  # noqa: E731
    assert counted(worker) == counted(_scrape(ports[1])), "any worker process answers for the whole role"
    status = CliRunner().invoke(main, ["status", "--config", str(config)])
    telegram_row = next(line for line in status.output.splitlines() if line.startswith("telegram"))
    assert int(telegram_row.split()[-1]) == _sent(web) + _sent(worker) == 25
    healthz = [(name, labels) for (name, labels) in web if name == "pinbridge_inbound_requests_total"]
    inbound = sum(web[k] for k in healthz if ("surface", "web") in k[1])
    assert inbound >= 4, "both gunicorn workers' requests are counted in one scrape"
    assert web[("pinbridge_delivery_backlog", (("platform", "telegram"),))] == 0
