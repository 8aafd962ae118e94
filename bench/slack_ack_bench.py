"""Slash-command ack latency (p50/p99) and throughput: Pinbridge vs a bare Bolt app, same WSGI server.

Each server runs in its own process under waitress (the production server of
`python -m bridge serve`), as does the local Slack stand-in they call; this process
only sends signed `/pin` requests from 16 concurrent keep-alive connections.

- pinbridge: the whole web app (bridge.app.create_app with the Slack blueprint),
  SQLite, two people who follow each other and a pin; commands cycle through
  help / inbox / search / send, whose work (engine, response_url) runs after the ack.
- bare (default): `App(...)` + `@app.command("/pin") def h(ack): ack()` — Bolt's defaults.
- bare (pbr): the same with process_before_response=True, the mode Pinbridge uses.

    python -m bench.slack_ack_bench [--seconds 5] [--concurrency 16] [--rounds 2]
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from urllib.parse import urlencode, urlsplit

from slack_sdk.signature import SignatureVerifier

SECRET = "bench-signing-secret-0123456789ab"
COMMANDS = ("help", "inbox", "search tent", "send p1 to @bob Look!")
USERS = (("U0ALICE", "alice"), ("U0BOB", "bob"))


# --- the server processes -------------------------------------------------------------------

def serve_standin() -> None:
    """The Slack stand-in, plus /count: how many response_url posts it has received."""
    from flask import Flask, jsonify
    from waitress.server import create_server

    from bridge.sandbox.slack_api import SlackStandin, blueprint

    standin = SlackStandin()
    for user_id, name in USERS:
        standin.add_user(user_id, name)
    app = Flask("standin")
    app.register_blueprint(blueprint(standin))
    app.add_url_rule("/count", view_func=lambda: jsonify(len(standin.response_posts())))
    _run(create_server(app, host="127.0.0.1", port=0, threads=16))


def serve_pinbridge(api_url: str, threads: int) -> None:
    from waitress.server import create_server

    from bridge.app import create_app
    from adapters.slack.settings import SlackSettings
    from adapters.telegram.settings import TelegramSettings
    from bridge.config import Config, HttpConfig, SandboxConfig
    from bridge.wiring import build
    from core.people import Identity

    folder = tempfile.mkdtemp(prefix="slack-bench-")
    config = Config(
        database_url=f"sqlite:///{folder}/bench.db", log_level="WARNING", sandbox=SandboxConfig(enabled=False),
        http=HttpConfig(public_url="http://127.0.0.1:8080", threads=threads),
        sections={"slack": SlackSettings(bot_token="xoxb-bench", signing_secret=SECRET, api_base_url=api_url + "/api/"),
                  "telegram": TelegramSettings(enabled=False)},
    )
    services = build(config)
    alice, bob = (Identity("slack", uid, chat_id=uid, username=name) for uid, name in USERS)
    services.engine.ensure(alice), services.engine.ensure(bob)
    for text, who in (("follow @bob", alice), ("follow @alice", bob), ("new https://example.com/tent Tent", alice)):
        assert services.engine.run(who, text).ok
    _run(create_server(create_app(config, services), host="127.0.0.1", port=0, threads=threads))


def serve_bare(api_url: str, threads: int, process_before_response: bool) -> None:
    from flask import Flask, request
    from slack_bolt import App
    from slack_bolt.adapter.flask import SlackRequestHandler
    from slack_sdk import WebClient
    from waitress.server import create_server

    bolt = App(client=WebClient(token="xoxb-bench", base_url=api_url + "/api/"), signing_secret=SECRET,
               token_verification_enabled=False, process_before_response=process_before_response)

    @bolt.command("/pin")
    def ack_only(ack):
        ack()

    handler = SlackRequestHandler(bolt)
    app = Flask("bare")
    app.add_url_rule("/slack/events", methods=["POST"], view_func=lambda: handler.handle(request))
    _run(create_server(app, host="127.0.0.1", port=0, threads=threads))


def _run(server) -> None:
    print(f"READY {server.effective_port}", flush=True)
    server.run()


def start(*args: str) -> tuple[subprocess.Popen, str]:
    """Start this module in a server role; returns the process and its base URL."""
    process = subprocess.Popen([sys.executable, "-m", "bench.slack_ack_bench", "--serve", *args],
                               stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline().split()
    if not line or line[0] != "READY":
        process.kill()
        raise SystemExit(f"server {args[0]} did not start")
    return process, f"http://127.0.0.1:{line[1]}"


# --- the load -------------------------------------------------------------------------------

def signed_request(api_url: str, n: int) -> tuple[bytes, dict]:
    user_id, name = USERS[0]
    body = urlencode({
        "token": "legacy", "team_id": "T0SANDBOX", "team_domain": "bench", "channel_id": "C0BENCH",
        "channel_name": "bench", "user_id": user_id, "user_name": name, "command": "/pin",
        "text": COMMANDS[n % len(COMMANDS)], "api_app_id": "A0SANDBOX", "response_url": f"{api_url}/response/r{n}",
        "trigger_id": f"t{n}",
    })
    ts = str(int(time.time()))
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": ts,
               "X-Slack-Signature": SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body)}
    return body.encode(), headers


def load(url: str, api_url: str, seconds: float, concurrency: int) -> tuple[list[float], int, float]:
    """Requests from `concurrency` keep-alive connections for `seconds`: (latencies, errors, elapsed)."""
    host = urlsplit(url)
    latencies: list[float] = []
    errors = [0]
    counter = iter(range(10**9))
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker() -> None:
        connection = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
        mine = []
        while time.perf_counter() < stop_at:
            with lock:
                n = next(counter)
            body, headers = signed_request(api_url, n)
            started = time.perf_counter()
            connection.request("POST", "/slack/events", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            if response.status != 200:
                errors[0] += 1
        connection.close()
        with lock:
            latencies.extend(mine)

    began = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors[0], time.perf_counter() - began


def answered(api_url: str) -> int:
    connection = http.client.HTTPConnection(urlsplit(api_url).hostname, urlsplit(api_url).port, timeout=10)
    connection.request("GET", "/count")
    count = json.loads(connection.getresponse().read())
    connection.close()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--threads", type=int, default=8, help="waitress threads per server (http.threads)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--serve", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        role, rest = args.serve[0], args.serve[1:]
        if role == "standin":
            return serve_standin()
        if role == "pinbridge":
            return serve_pinbridge(rest[0], args.threads)
        return serve_bare(rest[0], args.threads, role == "bare-pbr")

    standin, api_url = start("standin")
    servers = {}
    try:
        for name, role in (("bare (default)", "bare"), ("bare (pbr)", "bare-pbr"), ("pinbridge", "pinbridge")):
            servers[name] = start(role, api_url, "--threads", str(args.threads))
        results = {name: ([], 0, 0.0) for name in servers}
        drain = 0.0
        for _ in range(args.rounds):
            for name, (_, url) in servers.items():
                load(url, api_url, 1.0, args.concurrency)  # warm-up
                before = answered(api_url)
                latencies, errors, elapsed = load(url, api_url, args.seconds, args.concurrency)
                if name == "pinbridge":
                    drain = max(drain, wait_for_answers(api_url, before, len(latencies)))
                old = results[name]
                results[name] = (old[0] + latencies, old[1] + errors, old[2] + elapsed)
        report(results, args, drain)
    finally:
        for process, _ in [*servers.values(), (standin, "")]:
            process.terminate()
            process.wait(10)


def wait_for_answers(api_url: str, before: int, expected: int, timeout: float = 120.0) -> float:
    """Seconds until every acknowledged command's answer reached its response_url."""
    started = time.perf_counter()
    while answered(api_url) - before < expected and time.perf_counter() - started < timeout:
        time.sleep(0.05)
    return time.perf_counter() - started


def report(results: dict, args, drain: float) -> None:
    print(f"\nSlash-command ack, {args.concurrency} concurrent, waitress threads={args.threads}, "
          f"{args.rounds}×{args.seconds:g}s per server")
    print(f"{'server':<16} {'requests':>9} {'errors':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    p50 = {}
    for name, (latencies, errors, elapsed) in results.items():
        ordered = sorted(latencies)
        p50[name] = statistics.median(ordered) * 1000
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
        print(f"{name:<16} {len(ordered):>9} {errors:>7} {len(ordered) / elapsed:>8.0f} {p50[name]:>8.2f} {p99:>8.2f}")
    for bare in ("bare (default)", "bare (pbr)"):
        print(f"pinbridge p50 / {bare} p50 = {p50['pinbridge'] / p50[bare]:.2f}× (target ≤ 1.3×)")
    print(f"every pinbridge answer reached its response_url {drain:.2f}s after the last ack (worst round)")


if __name__ == "__main__":
    main()
