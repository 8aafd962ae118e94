"""The Telegram stand-in in its own process, enforcing Telegram's limits (for delivery_bench).

    python -m bench.telegram_server PORT FIRST_CHAT COUNT
"""

from __future__ import annotations

import signal
import sys
import threading

from bridge.sandbox.serving import serve
from bridge.sandbox.telegram_api import TelegramStandin, create_app


def main() -> None:
    port, first, count = (int(arg) for arg in sys.argv[1:4])
    standin = TelegramStandin("123456:SANDBOX", "pinbridge_bot")
    for chat_id in range(first, first + count):
        standin.add_user(chat_id, f"User {chat_id}")
    standin.enforce_limits(per_chat_per_second=1.0, per_group_per_minute=20, global_per_second=30)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    with serve(create_app(standin), port=port):
        print("ready", flush=True)
        done.wait()
    print(f"rate_limited={standin.rate_limited}", flush=True)


if __name__ == "__main__":
    main()
