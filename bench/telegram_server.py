"""The Telegram stand-in in its own process, enforcing Telegram's limits (for delivery_bench, priority_bench).

    python -m bench.telegram_server PORT FIRST_CHAT COUNT
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

from bridge.sandbox.serving import serve
from bridge.sandbox.telegram_api import TelegramStandin, create_app


ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def limited_telegram(port: int, first_chat: int, chats: int):
    """The stand-in running in its own process; yields a dict that holds its 429 count once it has stopped."""
    server = subprocess.Popen([sys.executable, "-m", "bench.telegram_server", str(port), str(first_chat), str(chats)],
                              cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert server.stdout.readline().strip() == "ready"
    outcome = {}
    try:
        yield outcome
    finally:
        server.send_signal(signal.SIGTERM)
        outcome["rate_limited"] = server.communicate(timeout=30)[0].strip()


def pinbridge_config(database_url: str, port: int):
    """Pinbridge with only Telegram, pointed at the stand-in on `port`."""
    from bridge.config import from_dict

    return from_dict({
        "database_url": database_url, "sandbox": {"enabled": False}, "slack": {"enabled": False},
        "telegram": {"bot_token": "123456:SANDBOX", "webhook_secret": "bench-secret",
                     "api_base_url": f"http://127.0.0.1:{port}/bot"},
    })


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
