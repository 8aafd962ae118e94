"""A full digest pass over many people with many unread messages, on SQLite and PostgreSQL.

    python -m bench.digest_bench [--people 100000 --messages 1000000]

Everyone is due (default schedule, daily 09:00 UTC) and has unread messages in a
two-person conversation. Reports the pass's wall time and query count beside the floor,
measured in the same run on the same data: one raw SQL aggregate (unread per person) plus
raw SQL writing exactly the rows the pass wrote (digest claims, lanes, deliveries with
their JSON payloads), in transactions of the same batch size. Target (issue 16): the pass
≤ 2× that floor, queries proportional to batches, not people.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import datetime, timedelta

from sqlalchemy import event, text

from bench.databases import backends
from bench.report import ratio
from bridge.digests import run_due
from core.db import make_engine, make_session_factory

NOW = datetime(2026, 11, 23, 9, 30)
RAW_AGGREGATE = """
SELECT p.person_id, count(*) FROM participants p
JOIN messages m ON m.conversation_id = p.conversation_id AND m.id > p.last_read_id AND m.sender_id <> p.person_id
GROUP BY p.person_id
"""


def seed(db, people: int, messages: int) -> None:
    """people/2 conversations of two; messages alternate senders, so half are unread by each reader."""
    anchor = NOW - timedelta(days=30)
    conversations = people // 2
    per_conversation = max(1, messages // conversations)
    rows = {
        "persons": ("id, handle, display_name, digest_anchor, created_at",
                    ((i, f"p{i}", "", anchor, anchor) for i in range(1, people + 1))),
        "accounts": ("id, person_id, platform, external_id, chat_id, unreachable, last_seen_at",
                     ((i, i, "telegram", str(i), str(i), False, anchor) for i in range(1, people + 1))),
        "conversations": ("id, created_by, members_key, created_at, updated_at",
                          ((c, 2 * c - 1, f"{2 * c - 1},{2 * c}", anchor, anchor) for c in range(1, conversations + 1))),
        "participants": ("conversation_id, person_id, last_read_id, dismissed_id, joined_at",
                         ((c, 2 * c - 1 + k, 0, 0, anchor) for c in range(1, conversations + 1) for k in (0, 1))),
        "messages": ("id, conversation_id, sender_id, kind, text, created_at",
                     ((c * per_conversation + n, c, 2 * c - 1 + n % 2, "text", f"message {n}", anchor)
                      for c in range(1, conversations + 1) for n in range(per_conversation))),
    }
    for table, (columns, values) in rows.items():
        _bulk(db, table, columns, values)


def _bulk(db, table: str, columns: str, values) -> None:
    raw = db.raw_connection()
    try:
        cursor = raw.cursor()
        if db.dialect.name == "sqlite":
            marks = ", ".join("?" * len(columns.split(",")))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)
        else:
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        raw.commit()
    finally:
        raw.close()


def measure(db) -> tuple[float, int, int]:
    queries = 0

    def count(*_):
        nonlocal queries
        queries += 1

    event.listen(db, "before_cursor_execute", count)
    start = time.perf_counter()
    queued = run_due(make_session_factory(db), "daily 09:00 UTC", NOW)
    elapsed = time.perf_counter() - start
    event.remove(db, "before_cursor_execute", count)
    return elapsed, queries, queued


def raw_aggregate(db) -> tuple[float, int]:
    start = time.perf_counter()
    with db.connect() as connection:
        rows = connection.execute(text(RAW_AGGREGATE)).all()
    return time.perf_counter() - start, len(rows)


WRITTEN = {  # what a digest pass writes, and the columns the floor copies back
    "digest_sends": "person_id, period_key, unread_count, created_at",
    "lanes": "platform, chat_id, not_before",
    "deliveries": "idempotency_key, kind, person_id, account_id, platform, chat_id, payload, status, attempts, "
                  "next_attempt_at, created_at, uncertain",
}


def write_floor(db, batch: int = 1000) -> float:
    """Raw SQL writing the rows the pass wrote (read back, deleted, written again): the pass's write floor."""
    with db.connect() as connection:
        written = {table: connection.execute(text(f"SELECT {columns} FROM {table}")).all()
                   for table, columns in WRITTEN.items()}
        for table in reversed(list(WRITTEN)):
            connection.execute(text(f"DELETE FROM {table}"))
        connection.commit()
    raw = db.raw_connection()
    mark = "?" if db.dialect.name == "sqlite" else "%s"
    started = time.perf_counter()
    try:
        cursor = raw.cursor()
        per_batch = {table: max(1, len(rows) // max(1, len(written["digest_sends"]) // batch or 1))
                     for table, rows in written.items()}
        offsets = dict.fromkeys(written, 0)
        while any(offsets[t] < len(written[t]) for t in written):
            for table, columns in WRITTEN.items():
                rows = written[table][offsets[table]:offsets[table] + per_batch[table]]
                offsets[table] += per_batch[table]
                if rows:
                    marks = ", ".join([mark] * len(columns.split(",")))
                    values = [tuple(_raw(value) for value in row) for row in rows]
                    cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)
            raw.commit()  # one transaction per batch, as the pass commits per batch
    finally:
        raw.close()
    return time.perf_counter() - started


def _raw(value):
    return json.dumps(value) if isinstance(value, (dict, list)) else value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--database", choices=("SQLite", "PostgreSQL"), help="only this one")
    args = parser.parse_args()
    print(f"{args.people} people, {args.messages} messages ({args.messages // 2} unread per side)")
    print(f"{'database':<11} {'digest pass':>12} {'queries':>8} {'queued':>8} {'raw aggregate':>14} "
          f"{'raw writes':>11} {'pass / floor':>13}")
    for name, fresh in backends():
        if args.database and name != args.database:
            continue
        with fresh() as url:
            if url is None:
                continue
            db = make_engine(url)
            seed(db, args.people, args.messages)
            if db.dialect.name == "postgresql":
                with db.connect() as connection:
                    connection.execute(text("ANALYZE"))
                    connection.commit()
            raw_time, _ = raw_aggregate(db)
            elapsed, queries, queued = measure(db)
            writes = write_floor(db)
            db.dispose()
            floor = raw_time + writes
            print(f"{name:<11} {elapsed:>11.1f}s {queries:>8} {queued:>8} {raw_time:>13.1f}s {writes:>10.1f}s "
                  f"{elapsed / floor:>12.1f}×", flush=True)
            ratio(f"digest pass, {args.people:,} people, {name}", f"{elapsed:.1f} s, {queries} queries",
                  f"raw aggregate + raw writes {floor:.1f} s", elapsed / floor, "≤ 2× the floor")


if __name__ == "__main__":
    main()
