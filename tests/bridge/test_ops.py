"""The operator's view: /healthz, /metrics, `status`, `deliveries retry`, config errors."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from bridge.app import create_app
from bridge.cli import main
from bridge.config import from_dict
from bridge.wiring import build
from core.db import transaction
from core.models import Delivery
from tests.factories import friends, say, slack_user, telegram_user

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def config_file(tmp_path, db_url):
    path = tmp_path / "config.yaml"
    path.write_text(f"database_url: {db_url}\nsandbox:\n  enabled: true\n")
    return str(path)


def failed_delivery(engine, sessions) -> None:
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, alice, "new https://example.com/a A")
    say(engine, alice, "send p1 to @bob hi")
    with transaction(sessions) as session:
        session.execute(update(Delivery).values(status="failed", last_error="Forbidden: bot was blocked", attempts=8))


def test_healthz_reports_database_backlog_and_failures(engine, sessions, db_url):
    failed_delivery(engine, sessions)
    services = build(from_dict({"database_url": db_url}), platforms=False)
    client = create_app(services=services).test_client()
    facts = client.get("/healthz").get_json()
    assert facts["database"] is True and facts["failed"] == 1 and facts["backlog"] == 0
    assert facts["platforms"]["telegram"]["failed"] == 1
    metrics = client.get("/metrics").get_data(as_text=True)
    assert 'pinbridge_deliveries_failed{platform="telegram"} 1.0' in metrics
    assert 'pinbridge_inbound_requests_total{status="200",surface="web"}' in metrics
    services.close()


def test_healthz_is_503_when_the_database_is_gone(tmp_path):
    services = build(from_dict({"database_url": f"sqlite:///{tmp_path}/x.db"}), platforms=False)
    services.db.dispose()
    (tmp_path / "x.db").unlink()
    (tmp_path / "x.db").mkdir()  # a directory where the file was: unopenable
    response = create_app(services=services).test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json()["database"] is False


def test_status_shows_failures_and_retry_requeues_them(engine, sessions, config_file):
    failed_delivery(engine, sessions)
    runner = CliRunner()
    shown = runner.invoke(main, ["status", "--config", config_file])
    assert shown.exit_code == 0, shown.output
    assert "telegram" in shown.output and "Forbidden: bot was blocked" in shown.output
    retried = runner.invoke(main, ["deliveries", "retry", "--config", config_file])
    assert "requeued 1 failed deliveries" in retried.output
    with transaction(sessions) as session:
        delivery = session.scalar(select(Delivery))
        assert (delivery.status, delivery.attempts, delivery.last_error) == ("pending", 0, None)


def test_a_bad_config_stops_with_one_line_naming_the_key(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("messaging:\n  max_group_size: lots\n")
    result = CliRunner().invoke(main, ["status", "--config", str(path)])
    assert result.exit_code == 2
    assert result.output.strip() == "config error: messaging.max_group_size: expected int, got 'lots'"


def test_serve_answers_health_and_stops_cleanly_on_sigterm(tmp_path):
    port = 18000 + os.getpid() % 1000
    path = tmp_path / "config.yaml"
    path.write_text(
        f"database_url: sqlite:///{tmp_path}/p.db\nhttp:\n  port: {port}\n  public_url: http://127.0.0.1:{port}\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "bridge", "serve", "--config", str(path)], cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        facts = _poll(f"http://127.0.0.1:{port}/healthz", timeout=60)
        assert facts["database"] is True
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=60)[0]
    assert process.returncode == 0, output
    assert f"open http://127.0.0.1:{port}" in output


def _poll(url: str, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return httpx.get(url, timeout=2).json()
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_gunicorn_serves_the_web_role_from_the_app_factory(tmp_path):
    port = 19000 + os.getpid() % 1000
    path = tmp_path / "config.yaml"
    path.write_text(
        f"database_url: sqlite:///{tmp_path}/p.db\nhttp:\n  port: {port}\n  public_url: http://127.0.0.1:{port}\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "bridge.app:create_app()"],
        cwd=ROOT, env={**os.environ, "BRIDGE_CONFIG": str(path)}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        assert _poll(f"http://127.0.0.1:{port}/healthz", timeout=60)["database"] is True
        webhook = httpx.post(f"http://127.0.0.1:{port}/telegram/webhook", json={"update_id": 1}, timeout=5)
        assert webhook.status_code == 403, "the Telegram route is mounted and checks its secret"
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=60)[0]
    assert process.returncode == 0, output


def test_the_backlog_gauge_drops_to_zero_once_the_queue_drains(engine, sessions, db_url):
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, alice, "new https://example.com/a A")
    say(engine, alice, "send p1 to @bob hi")
    services = build(from_dict({"database_url": db_url}), platforms=False)
    client = create_app(services=services).test_client()
    assert 'pinbridge_delivery_backlog{platform="telegram"} 1.0' in client.get("/metrics").get_data(as_text=True)
    with transaction(sessions) as session:
        session.execute(update(Delivery).values(status="sent"))
    assert 'pinbridge_delivery_backlog{platform="telegram"} 0.0' in client.get("/metrics").get_data(as_text=True)
    services.close()


def test_healthz_names_a_stale_part_and_answers_503(db_url):
    now = [0.0]
    services = build(from_dict({"database_url": db_url}), platforms=False)
    services.heartbeats.clock = lambda: now[0]
    beat = services.heartbeats.expect("worker", 30)
    client = create_app(services=services).test_client()
    beat()
    now[0] = 10.0
    healthy = client.get("/healthz")
    assert healthy.status_code == 200 and healthy.get_json()["parts"]["worker"]["age_seconds"] == 10.0
    now[0] = 45.0
    stale = client.get("/healthz")
    assert stale.status_code == 503 and stale.get_json()["stale"] == ["worker"]
    assert 'pinbridge_part_stale{part="worker"} 1.0' in client.get("/metrics").get_data(as_text=True)
    services.close()


def test_a_worker_role_serves_health_and_metrics_on_its_port(tmp_path):
    port = 20000 + os.getpid() % 1000
    path = tmp_path / "config.yaml"
    path.write_text(f"database_url: sqlite:///{tmp_path}/p.db\nhttp:\n  public_url: http://127.0.0.1:{port}\n")
    subprocess.run([sys.executable, "-m", "bridge", "db", "upgrade", "--config", str(path)], cwd=ROOT, check=True,
                   capture_output=True)
    process = subprocess.Popen(
        [sys.executable, "-m", "bridge", "serve", "--role", "worker", "--port", str(port), "--config", str(path)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        facts = _poll(f"http://127.0.0.1:{port}/healthz", timeout=60)
        assert facts["database"] is True and "worker" in facts["parts"]
        assert "pinbridge_delivery_backlog" in httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
        assert httpx.get(f"http://127.0.0.1:{port}/p/1", timeout=5).status_code == 404  # only the ops routes
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=60)[0]
    assert process.returncode == 0, output


@pytest.mark.parametrize("public_url, refused", [
    ("http://pins.example.com", True), ("https://pins.example.com:8080", True),
    ("https://pins.example.com", False), ("https://pins.example.com:8443", False), ("https://pins.example.com:88", False),
])
def test_a_real_telegram_webhook_needs_https_on_a_port_telegram_accepts(public_url, refused):
    from bridge.config import ConfigError

    raw = {"http": {"public_url": public_url}, "slack": {"enabled": False},
           "telegram": {"bot_token": "4242:realtoken", "webhook_secret": "s3cret"}}
    if refused:
        with pytest.raises(ConfigError, match=r"^http\.public_url: Telegram's webhook needs an HTTPS URL"):
            from_dict(raw)
    else:
        assert from_dict(raw).http.public_url == public_url
    assert from_dict({**raw, "telegram": {**raw["telegram"], "mode": "polling"}})  # polling needs no public URL
