"""An edit storm: one person edits a message ten times in three seconds, in a group of ten on Telegram.

    python -m bench.edit_bench [--edits 10] [--readers 9] [--interval 0.3]

The real worker, pacing and Telegram sender against the Telegram stand-in enforcing Telegram's
limits (1 message a second per chat, 30 a second per bot). Measured: the editMessageText calls
per copy against the edits made (a bridge that forwards every edit makes one call per edit and
copy: the floor here), the shortest gap between two calls to one chat (Telegram's limit: 1 s),
429s and "message is not modified" answers (target: none), and how long after the last edit
every copy shows the last text.
"""

from __future__ import annotations

import argparse
import threading
import time

from bench.databases import fresh_sqlite
from bench.report import ratio
from bench.telegram_server import pinbridge_config
from bridge.sandbox.serving import serve
from bridge.sandbox.telegram_api import TelegramStandin, create_app
from bridge.server import pacing_of
from bridge.wiring import build
from bridge.worker import DeliveryWorker
from core.people import Identity

FIRST_USER = 7000
PORT = 18947


def people(standin: TelegramStandin, count: int) -> list[Identity]:
    found = []
    for n in range(count):
        uid = FIRST_USER + n
        standin.add_user(uid, f"User {n}", username=f"user{n}")
        found.append(Identity("telegram", str(uid), chat_id=str(uid), username=f"user{n}"))
    return found


def conversation(engine, author: Identity, readers: list[Identity]) -> None:
    """The author and readers follow each other, share a pin, and the author writes the message to be edited."""
    for person in (author, *readers):
        engine.ensure(person)
    for reader in readers:
        engine.run(author, f"follow @{reader.username}")
        engine.run(reader, f"follow @{author.username}")
    engine.run(author, "send https://example.com/tent to " + " ".join(f"@{r.username}" for r in readers) + " Look!")
    engine.remember("telegram", author.chat_id, "800", "c1")  # a bot message in the author's chat, replied to
    engine.reply_to_remote(author, author.chat_id, "800", "take 0", (author.chat_id, "9001"))


def settled(standin: TelegramStandin, readers: list[Identity], text: str) -> bool:
    return all(any(text in (m.get("text") or "") for m in standin.messages(int(r.chat_id))) for r in readers)


def wait_for(check, what: str, seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up waiting for {what}")
        time.sleep(0.02)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--readers", type=int, default=9)
    parser.add_argument("--interval", type=float, default=0.3)
    args = parser.parse_args()
    standin = TelegramStandin("123456:SANDBOX", "pinbridge_bot")
    author, *readers = people(standin, args.readers + 1)
    with serve(create_app(standin), port=PORT), fresh_sqlite() as url:
        config = pinbridge_config(url, PORT)
        services = build(config)
        worker = DeliveryWorker(services.sessions, config.core(), services.senders, threads=16, batch_size=64,
                                pacing=pacing_of(config), idle_sleep=0.05)
        running = threading.Thread(target=worker.run)
        running.start()
        try:
            conversation(services.engine, author, readers)
            wait_for(lambda: settled(standin, readers, "take 0"), "the copies of the message")
            time.sleep(1.5)  # the copies' ids recorded, the chats' pacing passed
            standin.enforce_limits(per_chat_per_second=1.0, per_group_per_minute=20, global_per_second=30)
            before = len(standin.calls("editMessageText"))
            for take in range(1, args.edits + 1):
                services.engine.edit_remote(author, author.chat_id, "9001", f"take {take}", f"{time.time():.6f}")
                time.sleep(args.interval)
            last_edit = time.time()
            wait_for(lambda: settled(standin, readers, f"take {args.edits}"), "every copy on the last text")
            caught_up = time.time() - last_edit
        finally:
            worker.stop()
            running.join(60)
            services.platforms["telegram"].stop()
            services.close()
    calls = standin.calls("editMessageText")[before:]
    by_chat: dict[str, list[float]] = {}
    for call in calls:
        by_chat.setdefault(str(call.params.get("chat_id")), []).append(call.timestamp)
    gaps = [b - a for stamps in by_chat.values() for a, b in zip(stamps, stamps[1:])]
    refused = [c for c in calls if c.status != 200]
    naive = args.edits * len(readers)
    print(f"{args.edits} edits at {1 / args.interval:.1f}/s to {len(readers)} copies: {len(calls)} editMessageText "
          f"calls ({len(calls) / len(readers):.1f} per copy; forwarding each edit: {naive}), shortest gap per chat "
          f"{min(gaps) if gaps else float('nan'):.2f}s, {len(refused)} refused ({standin.rate_limited} 429s), every "
          f"copy on the last text {caught_up:.2f}s after the last edit")
    ratio("edit storm: calls per copy", f"{len(calls)} calls, {len(refused)} refused",
          f"one call per edit and copy: {naive}", len(calls) / naive, "every copy on the last text, 0 refused")


if __name__ == "__main__":
    main()
