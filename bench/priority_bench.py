"""A live message during a digest wave: how long it waits, at Telegram's limits.

2,000 digests drain through the real Telegram sender against a stand-in in its own process
that enforces Telegram's limits (30/s per bot, 1/s per chat). Five seconds in, a
conversation message is queued to three kinds of chat — one that never had a digest, one
whose digest has gone, one whose digest is still queued — and the time from queuing to
sending is measured. Target: under 2 s each; the drain itself stays near 30/s.

    python -m bench.priority_bench [--digests 2000]
"""

from __future__ import annotations

import argparse
import threading
import time

from sqlalchemy import func, insert, select

from bench.databases import fresh_sqlite
from bench.report import ratio
from bench.seed import seed_deliveries
from bench.telegram_server import limited_telegram, pinbridge_config
from bridge.server import pacing_of
from bridge.wiring import build
from bridge.worker import DeliveryWorker
from core.clock import utcnow
from core.db import transaction
from core.models import Account, Delivery, Lane, Message

FIRST = 5000
PORT = 18932


def queue_live(sessions, chat_id: int, key: str) -> int:
    """A conversation message to one chat, queued now; returns its delivery id."""
    now = utcnow()
    with transaction(sessions) as session:
        account = session.scalar(select(Account).where(Account.chat_id == str(chat_id)))
        message_id = session.scalar(select(func.min(Message.id)))
        if session.scalar(select(Lane.id).where(Lane.chat_id == str(chat_id))) is None:
            session.execute(insert(Lane).values(platform="telegram", chat_id=str(chat_id), not_before=now))
        return session.execute(insert(Delivery).values(
            idempotency_key=key, kind="message", message_id=message_id, person_id=account.person_id,
            account_id=account.id, platform="telegram", chat_id=str(chat_id), status="pending", attempts=0,
            next_attempt_at=now, created_at=now,
        ).returning(Delivery.id)).scalar_one()


def waited(sessions, delivery_id: int) -> float | None:
    with transaction(sessions) as session:
        row = session.execute(select(Delivery.created_at, Delivery.sent_at).where(Delivery.id == delivery_id)).one()
    return None if row.sent_at is None else (row.sent_at - row.created_at).total_seconds()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digests", type=int, default=2000)
    args = parser.parse_args()
    chats = args.digests + 1  # the last chat never gets a digest
    with limited_telegram(PORT, FIRST, chats) as server, fresh_sqlite() as url:
        config = pinbridge_config(url, PORT)
        services = build(config)
        seed_deliveries(services.sessions, chats=chats, per_chat=1, first_chat=FIRST, kind="digest")
        with transaction(services.sessions) as session:  # the last chat has no digest
            session.execute(Delivery.__table__.delete().where(Delivery.chat_id == str(FIRST + chats - 1)))
        worker = DeliveryWorker(services.sessions, config.core(), services.senders, threads=16, pacing=pacing_of(config))
        thread = threading.Thread(target=worker.run)
        started = time.monotonic()
        thread.start()
        time.sleep(5)
        live = {
            "a chat with no digest": queue_live(services.sessions, FIRST + chats - 1, "live-new"),
            "a chat whose digest went": queue_live(services.sessions, FIRST, "live-done"),
            "a chat whose digest waits": queue_live(services.sessions, FIRST + chats - 2, "live-waiting"),
        }
        while any(waited(services.sessions, d) is None for d in live.values()):
            time.sleep(0.1)
        results = {name: waited(services.sessions, d) for name, d in live.items()}
        while True:
            with transaction(services.sessions) as session:
                left = session.scalar(select(func.count()).where(Delivery.status == "pending"))
            if not left:
                break
            time.sleep(0.5)
        drained = time.monotonic() - started
        worker.stop()
        thread.join()
        services.platforms["telegram"].stop()
        services.close()
    rate_limited = server["rate_limited"]
    for name, seconds in results.items():
        print(f"live message to {name:<26} sent after {seconds:5.2f} s")
    worst = max(results.values())
    ratio(f"live message during a {args.digests:,}-digest drain", f"{worst:.2f} s (worst of 3)", "target 2 s",
          worst / 2, "≤ 1 (arrives within 2 s)")
    print(f"{args.digests} digests drained in {drained:.1f} s = {args.digests / drained:.1f}/s; stand-in {rate_limited}")


if __name__ == "__main__":
    main()
