"""Worker processes: a SIGKILL mid-batch loses nothing; four workers never deliver a row twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bench.seed import seed_deliveries
from bridge.sandbox.serving import serve
from bridge.sandbox.telegram_api import TelegramStandin, create_app
from core.db import transaction
from core.models import (
    Delivery,
    Lane,
)

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456:SANDBOX"


def slow(app, seconds: float):
    """WSGI middleware: every request takes a while, so a batch is really in flight."""

    def wrapped(environ, start_response):
        time.sleep(seconds)
        return app(environ, start_response)

    return wrapped


def seed(sessions, standin, chats: int, per_chat: int) -> int:
    """`chats` Telegram people with `per_chat` pending deliveries each, known to the stand-in."""
    for chat_id in seed_deliveries(sessions, chats, per_chat, first_chat=5000):
        standin.add_user(chat_id, f"User {chat_id}")
    return chats * per_chat


def start_worker(db_url: str, url: str, threads: int, lease: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.bridge.worker_process", db_url, url, "--threads", str(threads), "--lease", str(lease)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert process.stdout.readline().strip() == "ready", process.stderr.read()
    return process


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def pending(sessions) -> int:
    with transaction(sessions) as session:
        return session.scalar(select(func.count()).select_from(Delivery).where(Delivery.status == "pending"))


def wait_until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def delivered(standin, chats: int) -> Counter:
    counts = Counter()
    for n in range(chats):
        counts.update(m["text"].split(" ", 1)[0] for m in standin.messages(5000 + n))
    return counts


def test_a_worker_killed_mid_batch_loses_nothing(db_url, sessions):
    standin = TelegramStandin(TOKEN, "pinbridge_bot")
    total = seed(sessions, standin, chats=20, per_chat=10)
    threads = 4
    with serve(slow(create_app(standin), 0.02)) as served:
        first = start_worker(db_url, served.url, threads, lease=2)
        assert wait_until(lambda: pending(sessions) <= total - 40, timeout=60)
        first.send_signal(signal.SIGKILL)  # no chance to finish or release anything
        first.wait()
        second = start_worker(db_url, served.url, threads, lease=2)
        try:
            assert wait_until(lambda: pending(sessions) == 0, timeout=120), f"{pending(sessions)} still pending"
        finally:
            stop(second)
    counts = delivered(standin, 20)
    assert len(counts) == total, "every delivery arrived"
    duplicates = sum(n - 1 for n in counts.values())
    in_flight = 2 * threads  # a worker keeps up to two claimed deliveries per sending thread
    assert duplicates <= in_flight, f"{duplicates} duplicates; at most the {in_flight} in flight may repeat"


def test_four_workers_on_postgresql_deliver_2000_rows_once(db_url, sessions):
    if not db_url.startswith("postgresql"):
        pytest.skip("several worker processes claiming with FOR UPDATE SKIP LOCKED is the PostgreSQL deployment")
    standin = TelegramStandin(TOKEN, "pinbridge_bot")
    total = seed(sessions, standin, chats=200, per_chat=10)
    with serve(create_app(standin)) as served:
        workers = [start_worker(db_url, served.url, threads=4, lease=60) for _ in range(4)]
        try:
            assert wait_until(lambda: pending(sessions) == 0, timeout=240), f"{pending(sessions)} still pending"
        finally:
            for worker in workers:
                stop(worker)
    counts = delivered(standin, 200)
    assert len(counts) == total
    assert max(counts.values()) == 1, [k for k, n in counts.items() if n > 1][:10]


def test_sigterm_finishes_in_flight_work_and_releases_every_lane(db_url, sessions):
    standin = TelegramStandin(TOKEN, "pinbridge_bot")
    seed(sessions, standin, chats=10, per_chat=10)
    with serve(slow(create_app(standin), 0.05)) as served:
        worker = start_worker(db_url, served.url, threads=4, lease=60)
        assert wait_until(lambda: pending(sessions) <= 90, timeout=60)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
    with transaction(sessions) as session:
        assert session.scalar(select(func.count()).select_from(Lane).where(Lane.lease_owner.is_not(None))) == 0
        sent = session.scalar(select(func.count()).select_from(Delivery).where(Delivery.status == "sent"))
    assert sum(delivered(standin, 10).values()) == sent, "every send the stand-in saw was recorded as sent"
