"""Delivery throughput: the worker with a zero-latency sender, and paced against Telegram's limits.

    python -m bench.delivery_bench [--deliveries 4000]

1. SQLite, one worker process (8 sending threads), a sender that returns at once.
2. PostgreSQL, 1 worker process vs 4 worker processes, the same sender.
3. Sustained rate through the real Telegram sender against the Telegram stand-in
   enforcing Telegram's limits (30/s per bot, 1/s per chat): target ≥ 95 % of 30/s, zero 429s.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import func, select

from bench.databases import fresh_postgres, fresh_sqlite
from bench.report import ratio
from bench.seed import seed_deliveries
from bench.telegram_server import limited_telegram, pinbridge_config
from bridge.pacing import UNPACED
from bridge.server import pacing_of
from bridge.wiring import build
from bridge.worker import DeliveryWorker
from core.db import make_engine, make_session_factory, transaction
from core.models import Delivery
from core.ports import Sent
from core.settings import CoreSettings

ROOT = Path(__file__).resolve().parents[1]


class FixedLatencySender:
    """Accepts everything after `latency` seconds (0: at once): measures the pipeline, not a platform."""

    platform = "telegram"

    def __init__(self, latency: float = 0.0) -> None:
        self.latency = latency

    def send(self, outgoing) -> Sent:
        if self.latency:
            time.sleep(self.latency)
        return Sent(str(outgoing.delivery_id))


def pending(sessions) -> int:
    with transaction(sessions) as session:
        return session.scalar(select(func.count()).select_from(Delivery).where(Delivery.status == "pending"))


def worker_main(db_url: str, threads: int, latency: float) -> None:
    """Entry point of one benchmark worker process: deliver until nothing is pending."""
    engine = make_engine(db_url)
    sessions = make_session_factory(engine)
    worker = DeliveryWorker(sessions, CoreSettings(), {"telegram": FixedLatencySender(latency)}, threads=threads,
                            batch_size=2 * threads, pacing=UNPACED, idle_sleep=0.01)
    thread = threading.Thread(target=worker.run)
    thread.start()
    while pending(sessions):
        time.sleep(0.05)
    worker.stop()
    thread.join()
    engine.dispose()


def run_processes(db_url: str, sessions, workers: int, threads: int, total: int, latency: float = 0.0) -> float:
    command = [sys.executable, "-m", "bench.delivery_bench", "--worker", db_url, "--threads", str(threads),
               "--latency", str(latency)]
    processes = [subprocess.Popen(command, cwd=ROOT) for _ in range(workers)]
    for process in processes:
        process.wait()
    assert pending(sessions) == 0
    with transaction(sessions) as session:  # timed by the rows themselves: process start-up excluded
        first, last = session.execute(select(func.min(Delivery.sent_at), func.max(Delivery.sent_at))).one()
    return total / max((last - first).total_seconds(), 1e-6)


def pipeline(name: str, fresh, workers_list: tuple[int, ...], total: int, latency: float = 0.0, threads: int = 4) -> None:
    """Deliveries/s of 1…N worker processes draining `total` deliveries (4 per chat) with a fixed-latency sender."""
    for workers in workers_list:
        with fresh() as url:
            if url is None:
                return
            db = make_engine(url)
            sessions = make_session_factory(db)
            seed_deliveries(sessions, chats=total // 4, per_chat=4)
            rate = run_processes(url, sessions, workers, threads, total, latency)
            db.dispose()
            print(f"{name:<11} {workers} worker process{'es' if workers > 1 else '':<3} {threads:>3} threads "
                  f"{total:>6} deliveries  {rate:>8.0f}/s", flush=True)
            if latency and workers == 1:
                ceiling = threads / latency  # every thread always sending: the most a process can do
                ratio(f"deliveries/s, 1 worker process, {latency * 1000:.0f} ms sender, {name}", f"{rate:.0f}/s",
                      f"{threads} threads ÷ {latency * 1000:.0f} ms = {ceiling:.0f}/s", rate / ceiling,
                      "≥ 200/s")


def telegram_limits(total_chats: int, per_chat: int, port: int = 18931) -> None:
    """The real Telegram sender and worker pacing against a stand-in (own process) enforcing Telegram's limits."""
    with limited_telegram(port, 5000, total_chats) as server, fresh_sqlite() as url:
        config = pinbridge_config(url, port)
        services = build(config)
        seed_deliveries(services.sessions, chats=total_chats, per_chat=per_chat)
        elapsed = deliver_all(services, DeliveryWorker(
            services.sessions, config.core(), services.senders, threads=16, batch_size=64, pacing=pacing_of(config),
        ))
        services.platforms["telegram"].stop()
        services.close()
    rate_limited = server["rate_limited"]
    rate = total_chats * per_chat / elapsed
    print(f"Telegram limits: {total_chats * per_chat} deliveries to {total_chats} chats in {elapsed:.1f}s "
          f"= {rate:.1f}/s ({rate / 30:.0%} of 30/s); stand-in {rate_limited} (429s sent)")
    ratio("Telegram sender, paced", f"{rate:.1f}/s, {rate_limited}", "Telegram's 30/s per bot", rate / 30,
          "≥ 0.95, zero 429s")


def deliver_all(services, worker: DeliveryWorker) -> float:
    """Run a worker until nothing is pending; seconds from the first to the last send."""
    thread = threading.Thread(target=worker.run)
    thread.start()
    while pending(services.sessions):
        time.sleep(0.1)
    worker.stop()
    thread.join()
    with transaction(services.sessions) as session:
        first, last = session.execute(select(func.min(Delivery.sent_at), func.max(Delivery.sent_at))).one()
    return max((last - first).total_seconds(), 1e-6)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=4000)
    parser.add_argument("--worker", metavar="DB_URL", help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, default=4, help=argparse.SUPPRESS)
    parser.add_argument("--latency", type=float, default=0.0, help=argparse.SUPPRESS)
    parser.add_argument("--only", choices=("zero", "slow", "telegram"), help="run one part only")
    args = parser.parse_args()
    if args.worker:
        worker_main(args.worker, args.threads, args.latency)
        return
    if args.only in (None, "zero"):
        print("zero-latency sender (each delivery: claim, build its view, send, record, release the lane)")
        pipeline("SQLite", fresh_sqlite, (1,), args.deliveries)
        pipeline("PostgreSQL", fresh_postgres, (1, 4), args.deliveries)
        print()
    if args.only in (None, "slow"):
        print("100 ms sender, 2,000 deliveries over 500 chats (the platform's answer takes 100 ms)")
        pipeline("PostgreSQL", fresh_postgres, (1, 2, 4), 2000, latency=0.1, threads=32)
        print()
    if args.only in (None, "telegram"):
        telegram_limits(total_chats=120, per_chat=5)


if __name__ == "__main__":
    main()
