"""Hostile text through every pattern that reads what people type: time grows linearly with length.

Each translator gets the input that made the old patterns backtrack (`<@U1|` repeated with no
`>`), at 10k, 20k and 40k characters, beside ordinary text of the same length. Linear code
doubles its time when the input doubles (ratio ≈ 2); the old quadratic patterns quadrupled.

    python -m bench.patterns_bench
"""

from __future__ import annotations

import time

from bench.report import ratio as report
from adapters.slack.mentions import mentioned_ids
from adapters.slack.mrkdwn import command_text, message_text
from core.errors import InvalidInput
from core.grammar import parse

SIZES = (10_000, 20_000, 40_000)
INPUTS = {"hostile": "<@U1|", "links": "<http://a.test", "ordinary": "hello "}


def _parse(text: str) -> None:
    try:
        parse(text, limit=10**6)
    except InvalidInput:
        pass


TRANSLATORS = {"mentioned_ids": mentioned_ids, "command_text": command_text, "message_text": message_text, "grammar": _parse}


def timed(function, text: str) -> float:
    """Median of 3 runs, in milliseconds."""
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        function(text)
        runs.append((time.perf_counter() - start) * 1000)
    return sorted(runs)[1]


def main() -> None:
    print(f"{'translator':<14} {'input':<9} " + " ".join(f"{n // 1000:>6}k ms" for n in SIZES) + "  ×2 ratio")
    worst = (0.0, "")
    for name, function in TRANSLATORS.items():
        for kind, unit in INPUTS.items():
            times = [timed(function, (unit * (n // len(unit) + 1))[:n]) for n in SIZES]
            ratio = times[-1] / times[-2] if times[-2] else float("nan")
            print(f"{name:<14} {kind:<9} " + " ".join(f"{t:>9.2f}" for t in times) + f"  {ratio:>8.2f}")
            worst = max(worst, (ratio, f"{name} on {kind}"))
    report(f"hostile input, doubling its length ({worst[1]})", "time ×{:.2f}".format(worst[0]), "linear: ×2",
           worst[0] / 2, "≈ 1 (no backtracking)")


if __name__ == "__main__":
    main()
