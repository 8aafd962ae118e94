"""Resident memory of `python -m bridge serve` in the sandbox: idle, after 2,000 commands, after the same again, after Reset.

For each deployment shape (`--role all`; `--role web` beside `--role worker`) a real
Pinbridge runs with the sandbox on and SQLite in a temp dir. This process drives it over
HTTP exactly as the sandbox page does: four Slack and four Telegram people, who follow each
other, type a mix of commands (help, boards, inbox, new pins, sends, search) from four
connections, and the bench waits until every delivery is sent. RSS is read from
/proc/<pid>/status (VmRSS) after each phase.

    python -m bench.memory_bench [--commands 2000]

Targets (issue 16): idle ≤ 150 MiB, ≤ 250 MiB after 2,000 commands, no growth on a
second identical load — the stand-ins' history is bounded (bridge/sandbox/bounded.py).
"""

from __future__ import annotations

import argparse
import itertools
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from bench.report import ratio

ROOT = Path(__file__).resolve().parents[1]
PLATFORM_VARIABLES = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET",
                      "TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "BRIDGE_CONFIG")
SLACK_PEOPLE = ("alice", "bob", "carol", "dan")
TELEGRAM_PEOPLE = ("Erin", "Frank", "Grace", "Heidi")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


class Deployment:
    """One shape of Pinbridge: its processes (by role), its web URL."""

    def __init__(self, folder: Path, roles: tuple[str, ...]):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = folder / "config.yaml"
        config.write_text(
            f"database_url: sqlite:///{folder / 'pinbridge.db'}\nlog_level: WARNING\n"
            f"http: {{host: 127.0.0.1, port: {self.port}, public_url: '{self.url}'}}\n"
            "sandbox: {enabled: true}\ndelivery: {poll_interval_seconds: 0.1}\nunfurl: {enabled: false}\n"
        )
        env = {k: v for k, v in os.environ.items() if k not in PLATFORM_VARIABLES}
        self.log = (folder / "server.log").open("w")
        self.processes: dict[str, subprocess.Popen] = {}
        for role in roles:
            port = [] if role in ("all", "web") else ["--port", str(free_port())]
            self.processes[role] = subprocess.Popen(
                [sys.executable, "-m", "bridge", "serve", "--config", str(config), "--role", role, *port],
                cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
            )
            if role in ("all", "web"):
                self._wait_ready()
        self.client = httpx.Client(base_url=f"{self.url}/sandbox/ui", timeout=30)

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                info = httpx.get(f"{self.url}/sandbox/telegram/bot123456:SANDBOX/getWebhookInfo", timeout=2).json()
                if info.get("result", {}).get("url"):
                    return
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.2)
        raise RuntimeError("Pinbridge did not start")

    def post(self, path: str, **payload) -> dict:
        response = self.client.post(path, json=payload)
        response.raise_for_status()
        return response.json()

    def drained(self, timeout: float = 600) -> None:
        """Every delivery sent (the outbox backlog is 0)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if httpx.get(f"{self.url}/healthz", timeout=10).json().get("backlog") == 0:
                return
            time.sleep(0.5)
        raise RuntimeError("deliveries did not drain")

    def rss(self) -> dict[str, float]:
        return {role: rss_mib(process.pid) for role, process in self.processes.items()}

    def stop(self) -> None:
        for process in reversed(list(self.processes.values())):
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        self.client.close()
        self.log.close()


def people(deployment: Deployment) -> tuple[list[str], list[int]]:
    slack = [deployment.post("slack/people", name=name)["id"] for name in SLACK_PEOPLE]
    telegram = [deployment.post("telegram/people", name=name)["id"] for name in TELEGRAM_PEOPLE]
    for user in telegram:
        deployment.post("telegram/send", user=user, text="/start")
    handles = [*SLACK_PEOPLE, *(name.lower() for name in TELEGRAM_PEOPLE)]
    for user in slack:
        for handle in handles:
            deployment.post("slack/type", user=user, text=f"/pin follow @{handle}")
    for user in telegram:
        for handle in handles:
            deployment.post("telegram/send", user=user, text=f"/follow @{handle}")
    deployment.drained()
    return slack, telegram


def load(deployment: Deployment, slack: list[str], telegram: list[int], commands: int, round_: int) -> None:
    """`commands` commands, half from each platform, four at a time."""
    words = ("help", "boards", "inbox", "new https://example.com/{n} Pin {n}", "send https://example.com/s{n} to @{to} hi",
             "search pin", "contacts")
    others = [*SLACK_PEOPLE, *(name.lower() for name in TELEGRAM_PEOPLE)]
    jobs = []
    for n, word in zip(range(commands), itertools.cycle(words)):
        text = word.format(n=f"{round_}-{n}", to=others[n % len(others)])
        if n % 2 == 0:
            jobs.append(("slack/type", {"user": slack[n % len(slack)], "text": f"/pin {text}"}))
        else:
            jobs.append(("telegram/send", {"user": telegram[n % len(telegram)], "text": f"/{text}"}))

    def run(job):
        path, payload = job
        response = deployment.client.post(path, json=payload)
        return response.status_code

    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(run, jobs))
    refused = sum(status >= 400 for status in statuses)
    if refused:
        print(f"  ({refused} commands refused by the page API)")
    deployment.drained()
    time.sleep(2)


def measure(roles: tuple[str, ...], commands: int) -> list[tuple[str, dict[str, float]]]:
    with tempfile.TemporaryDirectory() as folder:
        deployment = Deployment(Path(folder), roles)
        try:
            time.sleep(3)
            phases = [("idle", deployment.rss())]
            slack, telegram = people(deployment)
            load(deployment, slack, telegram, commands, 1)
            phases.append((f"after {commands:,} commands", deployment.rss()))
            load(deployment, slack, telegram, commands, 2)
            phases.append((f"after {commands:,} more", deployment.rss()))
            deployment.post("reset")
            time.sleep(2)
            phases.append(("after Reset", deployment.rss()))
            return phases
        finally:
            deployment.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=2000)
    args = parser.parse_args()
    print(f"Resident memory (MiB) of `serve` with the sandbox, {args.commands:,} commands per load\n")
    print("| process | idle | after load 1 | after load 2 | after Reset |")
    print("|---|---:|---:|---:|---:|")
    for roles in (("all",), ("web", "worker")):
        phases = measure(roles, args.commands)
        for role in roles:
            print(f"| `--role {role}` | " + " | ".join(f"{figures[role]:.0f}" for _, figures in phases) + " |", flush=True)
            idle, first, second = (phases[i][1][role] for i in range(3))
            ratio(f"RSS `--role {role}`, idle → {args.commands:,} commands → again",
                  f"{idle:.0f} → {first:.0f} → {second:.0f} MiB", "targets 150 / 250 MiB", max(idle / 150, first / 250),
                  "≤ 1, second load ≈ first")


if __name__ == "__main__":
    main()
