"""Slash-command ack latency (p50/p99) and throughput: Pinbridge vs a bare Bolt app, same WSGI server.

Each server runs in its own process under waitress (the production server of
`python -m bridge serve`), as does the local Slack stand-in they call; this process
only sends signed `/pin` requests from 16 concurrent keep-alive connections.

- pinbridge: the whole web app (bridge.app.create_app with the Slack blueprint),
  SQLite, two people who follow each other and a pin; commands cycle through
  help / inbox / search / send, whose work (engine, response_url) runs after the ack.
- bare (default): `App(...)` + `@app.command("/pin") def h(ack): ack()` — Bolt's defaults.
- bare (pbr): the same with process_before_response=True, the mode Pinbridge uses.
- bare (pbr+answer): that, plus a lazy listener answering each command through its
  response_url (Bolt's own unbounded executor): the floor for acks *and* answers.
- bare (pbr+engine): that, with the lazy listener doing Pinbridge's work: the same engine on
  the same data runs the command, its reply's text goes to the response_url — the bare app
  that does what Pinbridge does, minus Pinbridge's adapter (cards, bounded queue, checks).

Pinbridge's answer queue is bounded (slack.answer_queue, 64 by default): a command that
finds it full is answered "busy" in its ack, so answers never fall further behind the acks
than the queue holds. The bench reports how many were shed and how long after the last
ack the last admitted answer arrived.

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

from bench.report import ratio

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

    folder = tempfile.mkdtemp(prefix="slack-bench-")
    config = Config(
        database_url=f"sqlite:///{folder}/bench.db", log_level="WARNING", sandbox=SandboxConfig(enabled=False),
        http=HttpConfig(public_url="http://127.0.0.1:8080", threads=threads),
        sections={"slack": SlackSettings(bot_token="xoxb-bench", signing_secret=SECRET, api_base_url=api_url + "/api/"),
                  "telegram": TelegramSettings(enabled=False)},
    )
    services = build(config)
    _seed(services.engine)
    _run(create_server(create_app(config, services), host="127.0.0.1", port=0, threads=threads))


def _engine_with_people(folder: str):
    """Pinbridge's engine on a fresh SQLite database, seeded as Pinbridge's server is."""
    from bridge import migrate
    from core.db import make_engine, make_session_factory
    from core.engine import Engine
    from core.settings import CoreSettings

    db = make_engine(f"sqlite:///{folder}/bench.db")
    migrate.upgrade(db)
    return _seed(Engine(make_session_factory(db), CoreSettings()))


def _seed(engine):
    """alice and bob follow each other, alice has pin p1."""
    from core.people import Identity

    alice, bob = (Identity("slack", uid, chat_id=uid, username=name) for uid, name in USERS)
    engine.ensure(alice), engine.ensure(bob)
    for text, who in (("follow @bob", alice), ("follow @alice", bob), ("new https://example.com/tent Tent", alice)):
        assert engine.run(who, text).ok
    return engine


def serve_bare(api_url: str, threads: int, process_before_response: bool, answering: bool = False,
               engine_work: bool = False) -> None:
    from flask import Flask, request
    from slack_bolt import App
    from slack_bolt.adapter.flask import SlackRequestHandler
    from slack_sdk import WebClient
    from waitress.server import create_server

    bolt = App(client=WebClient(token="xoxb-bench", base_url=api_url + "/api/"), signing_secret=SECRET,
               token_verification_enabled=False, process_before_response=process_before_response)

    def ack_only(ack):
        ack()

    def answer(respond):
        respond(text="ok")

    def engine_answer(command, respond):  # Pinbridge's work, minus Pinbridge's adapter
        who = Identity("slack", command["user_id"], chat_id=command["user_id"], username=command["user_name"])
        respond(text=str(engine.run(who, command["text"]).body))

    if engine_work:
        from core.people import Identity

        engine = _engine_with_people(tempfile.mkdtemp(prefix="slack-bench-"))

    if answering or engine_work:
        bolt.command("/pin")(ack=ack_only, lazy=[engine_answer if engine_work else answer])
    else:
        bolt.command("/pin")(ack_only)

    handler = SlackRequestHandler(bolt)
    app = Flask("bare")
    app.add_url_rule("/slack/events", methods=["POST"], view_func=lambda: handler.handle(request))
    _run(create_server(app, host="127.0.0.1", port=0, threads=threads))


def _run(server) -> None:
    import logging

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "Task queue depth is N" on every busy moment
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


REQUESTS = iter(range(10**9))


def load(url: str, api_url: str, seconds: float, concurrency: int) -> tuple[list[float], int, float, int]:
    """Requests from `concurrency` keep-alive connections for `seconds`: (latencies, errors, elapsed, shed)."""
    host = urlsplit(url)
    latencies: list[float] = []
    errors, shed = [0], [0]
    counter = REQUESTS  # one numbering for the whole run: a trigger_id seen before is a replay Pinbridge ignores
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
            said = response.read()
            mine.append(time.perf_counter() - started)
            if response.status != 200:
                errors[0] += 1
            elif said.startswith(b"Pinbridge is busy"):
                with lock:
                    shed[0] += 1
        connection.close()
        with lock:
            latencies.extend(mine)

    began = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors[0], time.perf_counter() - began, shed[0]


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
        return serve_bare(rest[0], args.threads, role != "bare", answering=role == "bare-answer",
                          engine_work=role == "bare-engine")

    standin, api_url = start("standin")
    servers = {}
    try:
        for name, role in (("bare (default)", "bare"), ("bare (pbr)", "bare-pbr"),
                           ("bare (pbr+answer)", "bare-answer"), ("bare (pbr+engine)", "bare-engine"),
                           ("pinbridge", "pinbridge")):
            servers[name] = start(role, api_url, "--threads", str(args.threads))
        results = {name: ([], 0, 0.0, 0, 0, 0.0) for name in servers}
        for _ in range(args.rounds):
            for name, (_, url) in servers.items():
                load(url, api_url, 1.0, args.concurrency)  # warm-up
                wait_for_answers(api_url, answered(api_url), 0)
                time.sleep(1)
                before = answered(api_url)
                latencies, errors, elapsed, shed = load(url, api_url, args.seconds, args.concurrency)
                answers, drain = 0, 0.0
                if name in ANSWERING:
                    drain = wait_for_answers(api_url, before, len(latencies) - shed)
                    answers = answered(api_url) - before
                old = results[name]
                results[name] = (old[0] + latencies, old[1] + errors, old[2] + elapsed, old[3] + shed,
                                 old[4] + answers, max(old[5], drain))
        report(results, args)
    finally:
        for process, _ in [*servers.values(), (standin, "")]:
            process.terminate()
            process.wait(10)


ANSWERING = ("bare (pbr+answer)", "bare (pbr+engine)", "pinbridge")


def wait_for_answers(api_url: str, before: int, expected: int, timeout: float = 300.0) -> float:
    """Seconds until every acknowledged command's answer reached its response_url."""
    started = time.perf_counter()
    while answered(api_url) - before < expected and time.perf_counter() - started < timeout:
        time.sleep(0.05)
    return time.perf_counter() - started


def report(results: dict, args) -> None:
    print(f"\nSlash-command ack, {args.concurrency} concurrent, waitress threads={args.threads}, "
          f"{args.rounds}×{args.seconds:g}s per server")
    print("| server | acks | errors | acks/s | p50 ms | p99 ms | shed (busy) | answers/s | last answer after last ack |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    rates, p99s = {}, {}
    for name, (latencies, errors, elapsed, shed, answers, drain) in results.items():
        ordered = sorted(latencies)
        p50 = statistics.median(ordered) * 1000
        p99s[name] = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
        rates[name] = len(ordered) / elapsed
        answer_rate = f"{answers / (elapsed + drain):.0f}" if name in ANSWERING else "—"
        drained = f"{drain:.2f} s" if name in ANSWERING else "—"
        print(f"| {name} | {len(ordered)} | {errors} | {rates[name]:.0f} | {p50:.2f} | {p99s[name]:.2f} | {shed} | "
              f"{answer_rate} | {drained} |")
    print(f"pinbridge acks/s ÷ bare (pbr) = {rates['pinbridge'] / rates['bare (pbr)']:.2f} (target ≥ 0.8); "
          f"p99 ÷ bare (pbr) p99 = {p99s['pinbridge'] / p99s['bare (pbr)']:.2f} (target ≤ 2)")
    ratio(f"Slack acks/s, {args.concurrency} concurrent", f"{rates['pinbridge']:.0f}/s",
          f"bare Bolt (pbr) {rates['bare (pbr)']:.0f}/s", rates["pinbridge"] / rates["bare (pbr)"], "≥ 0.8")
    same_work = rates["pinbridge"] / rates["bare (pbr+engine)"]
    print(f"pinbridge acks/s ÷ bare (pbr+engine), the same work in the same mode = {same_work:.2f} (target ≥ 0.8)")
    ratio("— the same, vs the same mode doing the same work", f"{rates['pinbridge']:.0f}/s",
          f"bare Bolt (pbr) + Pinbridge's engine {rates['bare (pbr+engine)']:.0f}/s", same_work, "≥ 0.8")
    ratio(f"Slack ack p99, {args.concurrency} concurrent", f"{p99s['pinbridge']:.1f} ms",
          f"bare Bolt (pbr) {p99s['bare (pbr)']:.1f} ms", p99s["pinbridge"] / p99s["bare (pbr)"], "≤ 2")
    drain = results["pinbridge"][5]
    ratio("Slack: last answer after the last ack", f"{drain:.2f} s", "bound: answer_queue ÷ answer rate",
          drain, "bounded (was 20 s and growing)")


if __name__ == "__main__":
    main()
