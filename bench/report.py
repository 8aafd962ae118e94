"""One line per headline figure; `python -m bench.all` (make bench) gathers them into one table of ratios.

Each benchmark prints its own detailed table, and for each figure the issue sets a target
for, one `ratio(...)` line: the figure, the floor it is measured against in the same run
(raw SQL, a bare Bolt app, the platform's limit, the write floor), their ratio and the target.
"""

from __future__ import annotations

MARK = "BENCH-RATIO"


def ratio(what: str, measured: str, floor: str, value: float, target: str) -> None:
    print(f"{MARK}\t{what}\t{measured}\t{floor}\t{value:.2f}\t{target}", flush=True)


def parse(line: str) -> tuple[str, ...] | None:
    if not line.startswith(MARK + "\t"):
        return None
    return tuple(line.rstrip("\n").split("\t")[1:])
