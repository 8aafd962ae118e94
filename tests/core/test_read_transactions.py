"""On SQLite, readers never wait for a writer: pages, /healthz and button look-ups read a snapshot."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from bridge.app import create_app
from bridge.config import from_dict
from bridge.wiring import build
from core.db import reading, transaction
from tests.factories import friends, say, slack_user, telegram_user


@pytest.fixture
def writer_holding_the_lock(sessions, db_url):
    """A writer that holds the database's write lock until released."""
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite's single writer lock; PostgreSQL readers never wait for writers")
    holding, release = threading.Event(), threading.Event()

    def write() -> None:
        with transaction(sessions) as session:
            session.execute(text("UPDATE persons SET display_name = display_name"))
            holding.set()
            release.wait(30)

    thread = threading.Thread(target=write)
    thread.start()
    holding.wait(10)
    yield release
    release.set()
    thread.join(30)


def test_a_read_only_transaction_does_not_wait_for_a_writer(engine, sessions, writer_holding_the_lock):
    with reading(sessions) as session:
        assert session.execute(text("SELECT count(*) FROM persons")).scalar() == 0
    assert not writer_holding_the_lock.is_set(), "the read finished while the writer still held the lock"


def test_pages_health_and_button_look_ups_answer_while_a_writer_holds_the_lock(engine, sessions, db_url, request):
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, alice, "new https://example.com/boots Boots")
    services = build(from_dict({"database_url": db_url}), platforms=False)
    client = create_app(services=services).test_client()
    release = request.getfixturevalue("writer_holding_the_lock")
    assert client.get("/p/1").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert engine.conversation_of("telegram", "1", "1") is None
    assert not release.is_set()
    services.close()
