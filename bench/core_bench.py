"""Sending a pin to a group of 10 (message + 9 deliveries + read state), in ops/s.

Runs the real engine (`send p1 to @p1 … @p9 msg`: parse, resolve people, reuse the
conversation, store the message, its 9 deliveries, their lanes and the sender's read
position in one transaction) beside raw SQL doing the same writes (and none of the
reads), on SQLite and PostgreSQL.

    python -m bench.core_bench [--seconds 5] [--rounds 3]
"""

from __future__ import annotations

import argparse
import time
from statistics import median

from sqlalchemy import text

from bench.databases import backends
from bench.report import ratio
from core.db import make_engine, make_session_factory
from core.engine import Engine
from core.people import Identity
from core.settings import CoreSettings

GROUP = 10


def set_up(engine: Engine) -> tuple[Identity, str]:
    people = [Identity("slack", f"U{i}", chat_id=f"D{i}", username=f"p{i}") for i in range(GROUP)]
    handles = [engine.ensure(p) for p in people]
    for a, person in enumerate(people):
        for b, handle in enumerate(handles):
            if a != b:
                assert engine.run(person, f"follow @{handle}").ok
    assert engine.run(people[0], "new https://example.com/bench Bench pin").ok
    command = "send p1 to " + " ".join(f"@{h}" for h in handles[1:]) + " look!"
    assert engine.run(people[0], command).ok, "warm-up send failed"
    return people[0], command


def run_engine(engine: Engine, sender: Identity, command: str, seconds: float) -> float:
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        reply = engine.run(sender, command)
        assert reply.ok, reply.text
        done += 1
    return done / (time.perf_counter() - start)


RAW = {
    "message": "INSERT INTO messages (conversation_id, sender_id, kind, text, pin_id, created_at) "
               "VALUES (1, 1, 'pin', 'look!', 1, CURRENT_TIMESTAMP) RETURNING id",
    "read": "UPDATE participants SET last_read_id = :m WHERE conversation_id = 1 AND person_id = 1",
    "lane": "INSERT INTO lanes (platform, chat_id, not_before) VALUES ('slack', :c, CURRENT_TIMESTAMP) ON CONFLICT DO NOTHING",
    "delivery": "INSERT INTO deliveries (idempotency_key, kind, message_id, person_id, account_id, platform, chat_id, "
                "status, attempts, next_attempt_at, created_at) VALUES (:k, 'message', :m, :p, :a, 'slack', :c, "
                "'pending', 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) ON CONFLICT DO NOTHING",
}


def run_raw(db, seconds: float) -> float:
    with db.connect() as connection:
        recipients = connection.execute(
            text("SELECT p.id, a.id, a.chat_id FROM persons p JOIN accounts a ON a.person_id = p.id WHERE p.id <> 1")
        ).all()
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        with db.begin() as connection:
            m = connection.execute(text(RAW["message"])).scalar_one()
            connection.execute(text(RAW["read"]), {"m": m})
            connection.execute(text(RAW["lane"]), [{"c": c} for _, _, c in recipients])
            connection.execute(text(RAW["delivery"]), [
                {"k": f"m{m}:a{a}", "m": m, "p": p, "a": a, "c": c} for p, a, c in recipients
            ])
        done += 1
    return done / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="measuring time per variant and round")
    parser.add_argument("--rounds", type=int, default=3, help="engine and raw SQL alternate this many times")
    args = parser.parse_args()
    print(f"{'database':<11} {'engine ops/s':>13} {'raw SQL ops/s':>14} {'raw/engine':>11}")
    for name, fresh in backends():
        with fresh() as url:
            if url is None:
                continue
            db = make_engine(url)
            engine = Engine(make_session_factory(db), CoreSettings())
            sender, command = set_up(engine)
            # Alternating rounds, medians: a shared machine's drift hits both sides alike.
            rounds = [(run_engine(engine, sender, command, args.seconds), run_raw(db, args.seconds))
                      for _ in range(args.rounds)]
            db.dispose()
            ours, raw = median(r[0] for r in rounds), median(r[1] for r in rounds)
            print(f"{name:<11} {ours:>13.0f} {raw:>14.0f} {raw / ours:>10.1f}x", flush=True)
            ratio(f"send to a group of 10, {name}", f"{ours:.0f} ops/s", f"raw SQL {raw:.0f} ops/s", raw / ours,
                  "≤ 3× raw SQL")


if __name__ == "__main__":
    main()
