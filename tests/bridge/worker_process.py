"""A delivery worker in its own process, for the crash and multi-worker tests.

    python -m tests.bridge.worker_process DB_URL STANDIN_URL [--threads N] [--lease S]
"""

from __future__ import annotations

import argparse
import signal

from bridge.pacing import UNPACED
from bridge.worker import DeliveryWorker
from core.db import make_engine, make_session_factory
from core.settings import CoreSettings
from tests.bridge.standin_sender import StandinSender


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("db_url")
    parser.add_argument("standin_url")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--lease", type=int, default=60)
    args = parser.parse_args()
    engine = make_engine(args.db_url)
    sender = StandinSender(args.standin_url, "123456:SANDBOX")
    worker = DeliveryWorker(
        make_session_factory(engine), CoreSettings(), {"telegram": sender}, threads=args.threads,
        batch_size=args.threads, lease_seconds=args.lease, pacing=UNPACED, idle_sleep=0.05,
    )
    signal.signal(signal.SIGTERM, lambda *_: worker.stop())
    print("ready", flush=True)
    worker.run()
    engine.dispose()


if __name__ == "__main__":
    main()
