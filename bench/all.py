"""Every benchmark, one after another, then one table of their headline ratios against their floors.

    python -m bench.all          # what `make bench` runs; tens of minutes on the 2-core machine

PostgreSQL parts need a server at BRIDGE_TEST_POSTGRES_URL (default: the local one);
without it they print that they were skipped.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench.report import parse

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = (
    ("core_bench", []),
    ("delivery_bench", []),
    ("priority_bench", []),
    ("digest_bench", []),
    ("slack_ack_bench", []),
    ("memory_bench", []),
    ("patterns_bench", []),
    ("pictures_bench", []),
    ("edit_bench", []),
)


def main() -> None:
    rows = []
    for module, args in BENCHMARKS:
        print(f"\n== python -m bench.{module} {' '.join(args)}".rstrip(), flush=True)
        process = subprocess.Popen([sys.executable, "-m", f"bench.{module}", *args], cwd=ROOT,
                                   stdout=subprocess.PIPE, text=True)
        for line in process.stdout:
            found = parse(line)
            if found is None:
                print(line, end="", flush=True)
            else:
                rows.append(found)
        if process.wait() != 0:
            rows.append((f"{module} failed (exit {process.returncode})", "—", "—", "—", "—"))
    print("\n| figure | measured | floor (same run) | ratio | target |")
    print("|---|---:|---:|---:|---|")
    for what, measured, floor, value, target in rows:
        print(f"| {what} | {measured} | {floor} | {value} | {target} |")


if __name__ == "__main__":
    main()
