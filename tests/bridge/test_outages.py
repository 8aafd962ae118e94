"""The delivery worker outlives a database outage: it backs off (never spins), then resumes by itself."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from bridge.health import Backoff, Heartbeats
from bridge.pacing import UNPACED
from bridge.sandbox.serving import serve
from bridge.sandbox.telegram_api import TelegramStandin, create_app
from bridge.worker import DeliveryWorker
from tests.bridge.standin_sender import StandinSender
from tests.bridge.test_worker import TOKEN, telegram_people
from tests.factories import friends, say, slack_user

OUTAGE_SECONDS = 3.0


def test_backoff_grows_and_is_capped():
    backoff = Backoff(base=0.5, cap=4.0)
    waits = [backoff.next() for _ in range(8)]
    assert all(0.375 <= w <= 0.5 for w in waits[:1]) and all(3.0 <= w <= 4.0 for w in waits[4:])
    assert waits[1] > waits[0] and waits[2] > waits[1]
    backoff.reset()
    assert backoff.next() <= 0.5


@contextlib.contextmanager
def outage(db_url: str, db) -> None:
    """The database refuses every connection for the duration, then comes back."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        path = Path(url.database)
        path.rename(path.with_suffix(".away"))
        path.mkdir()  # a directory where the file was: nothing can open it
        db.dispose()
        try:
            yield
        finally:
            path.rmdir()
            path.with_suffix(".away").rename(path)
        return
    admin = create_engine(os.environ["BRIDGE_TEST_POSTGRES_URL"], isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'ALTER DATABASE "{url.database}" ALLOW_CONNECTIONS false'))
        connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": url.database})
        try:
            yield
        finally:
            connection.execute(text(f'ALTER DATABASE "{url.database}" ALLOW_CONNECTIONS true'))
    admin.dispose()


def test_an_outage_stops_delivery_only_for_its_duration(engine, sessions, settings, db, db_url):
    standin = TelegramStandin(TOKEN, "pinbridge_bot")
    alice = slack_user("alice")
    (bob,) = telegram_people(standin, "bob")
    friends(engine, alice, bob)
    say(engine, alice, "new https://example.com/a A")
    say(engine, alice, "send p1 to @bob before the outage")
    attempts = []
    event.listen(db, "do_connect", lambda *args: attempts.append(time.monotonic()))
    beats = Heartbeats()
    with serve(create_app(standin)) as served:
        sender = StandinSender(served.url, TOKEN)
        worker = DeliveryWorker(sessions, settings, {"telegram": sender}, pacing=UNPACED, idle_sleep=0.05,
                                heartbeat=beats.expect("worker", 1.0), max_backoff=1.0)
        running = threading.Thread(target=worker.run)
        running.start()
        try:
            _wait(lambda: len(standin.messages(int(bob.chat_id))) == 1, "the first message")
            with outage(db_url, db):
                began = time.monotonic()
                _wait(lambda: beats.stale() == ["worker"], "the worker to be reported stale")
                time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - began)))
                tried = [t for t in attempts if t >= began]
            assert 2 <= len(tried) <= 3 * OUTAGE_SECONDS, f"{len(tried)} connection attempts: it must retry, not spin"
            say(engine, alice, "reply c1 after the outage")
            _wait(lambda: len(standin.messages(int(bob.chat_id))) == 2, "the message sent after the outage")
            _wait(lambda: beats.stale() == [], "the worker to beat again")
        finally:
            worker.stop()
            running.join(30)
            sender.close()
    texts = [m["text"] for m in standin.messages(int(bob.chat_id))]
    assert sum("before the outage" in t for t in texts) == 1 and sum("after the outage" in t for t in texts) == 1


def _wait(check, what: str, bound: float = 30.0) -> None:
    ends = time.monotonic() + bound  # a bound on waiting, never an assertion about speed
    while not check():
        if time.monotonic() > ends:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)
