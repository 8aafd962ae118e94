"""A running Pinbridge on PostgreSQL through database faults: nothing lost, nothing twice, back by itself."""

from __future__ import annotations

import os
import threading
import time

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from core.db import make_engine, make_session_factory
from core.engine import Engine
from core.people import Identity
from core.settings import CoreSettings
from tests.bridge.sandbox_server import Page, ServedPinbridge, eventually
from tests.bridge.test_outages import outage
from tests.bridge.test_sandbox_ui import befriended, bubble, texts


@pytest.fixture
def pinbridge(db_url, tmp_path):
    """`python -m bridge serve` on the test's PostgreSQL database, with Alice (Slack) and Bob (Telegram) in c1."""
    if not db_url.startswith("postgresql"):
        pytest.skip("a database outage is a PostgreSQL fault (SQLite is a file in the process)")
    served = ServedPinbridge(tmp_path, database_url=db_url, extra="health: {stale_after_seconds: 5}\n")
    page = Page(served.url)
    alice, bob = befriended(page)
    page.post("slack/type", user=alice, text="/pin new https://example.com/boots Boots")
    eventually(lambda: "Pinned p1" in texts(page.slack_items(alice)), "the pin")
    page.post("slack/type", user=alice, text="/pin send p1 to @bob the first")
    bubble(page, bob, "the first")
    engine = make_engine(db_url)
    yield served, page, Engine(make_session_factory(engine), CoreSettings(public_url=served.url)), alice, bob
    page.close()
    engine.dispose()
    assert served.stop() == 0


def _reply(engine: Engine, alice: str, words: str) -> None:
    """Alice writes in c1, trying again while the database refuses (as a person would press Send again)."""
    who = Identity("slack", alice, chat_id=alice)
    while True:
        try:
            assert engine.reply(who, "c1", words).ok
            return
        except Exception:  # noqa: BLE001 - the database is away; try again shortly
            time.sleep(0.2)


def _arrived(page: Page, bob: int, words: str) -> int:
    return sum(words in m["text"] for m in page.telegram_messages(bob) if not m["mine"])


def test_messages_before_during_and_after_an_outage_arrive_exactly_once(pinbridge, db_url):
    served, page, engine, alice, bob = pinbridge
    for n in range(3):
        _reply(engine, alice, f"before {n}")
    health = []
    during = threading.Thread(target=lambda: [_reply(engine, alice, f"during {n}") for n in range(3)])
    with outage(db_url, None):
        during.start()
        eventually(lambda: health.append(httpx.get(served.url + "/healthz", timeout=10).status_code) or 503 in health,
                   "/healthz to say 503", 20)
        time.sleep(3)
    during.join(60)
    for n in range(3):
        _reply(engine, alice, f"after {n}")
    words = [f"{when} {n}" for when in ("before", "during", "after") for n in range(3)]
    eventually(lambda: all(_arrived(page, bob, w) for w in words), "every message at Bob's", 60)
    assert {w: _arrived(page, bob, w) for w in words} == {w: 1 for w in words}
    eventually(lambda: httpx.get(served.url + "/healthz", timeout=10).status_code == 200, "/healthz back to 200", 60)


def test_connections_cut_at_random_while_the_worker_claims_and_records(pinbridge, db_url):
    served, page, engine, alice, bob = pinbridge
    name = make_url(db_url).database
    admin = create_engine(os.environ["BRIDGE_TEST_POSTGRES_URL"], isolation_level="AUTOCOMMIT")
    stop = threading.Event()

    def cut() -> None:
        with admin.connect() as connection:
            while not stop.is_set():
                connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                        "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name})
                stop.wait(0.1)

    for n in range(20):  # queued first: at Telegram's 1/s per chat the worker sends them all through the cuts
        _reply(engine, alice, f"cut {n:02d}")
    cutter = threading.Thread(target=cut)
    cutter.start()
    try:
        time.sleep(5)
    finally:
        stop.set()
        cutter.join(10)
        admin.dispose()
    words = [f"cut {n:02d}" for n in range(20)]
    # A claim whose commit was cut after it landed leaves its chat leased until the lease (120 s) runs out.
    eventually(lambda: all(_arrived(page, bob, w) for w in words), "every message at Bob's", 180)
    assert {w: _arrived(page, bob, w) for w in words} == {w: 1 for w in words}
