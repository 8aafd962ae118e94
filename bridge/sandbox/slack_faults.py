"""Faults the Slack stand-in can be told to answer with, answers held back, and per-channel rate limits.

Mixed into SlackStandin (slack_state.py), whose lock guards these fields too.
"""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from bridge.sandbox.faults import QueuedFaults


class SlackError(Exception):
    """A Slack API error answered as HTTP 200 with {"ok": false, "error": error, **details}."""

    def __init__(self, error: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.details = details or {}

    def payload(self) -> dict[str, Any]:
        """The JSON body Slack answers with."""
        return {"ok": False, "error": self.error, **self.details}


class RateLimited(Exception):
    """A request refused with HTTP 429 and a Retry-After of `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limited, retry after {retry_after}s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Fault:
    """An injected failure: an HTTP status, an ok=false error, extra headers and extra fields of the answer."""

    status: int
    error: str
    headers: dict[str, str] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)


RESPONSE_URL = "response_url"  # the fault key of response_url posts (they are not a Web API method)
# Slash commands and interactivity: a response_url takes "up to 5" posts "within 30 minutes".
RESPONSE_URL_USES = 5


class FaultInjection(QueuedFaults):
    """fail_next, answer_late and enforce_rate_limit, and how the API takes them (take_fault, take_lateness)."""

    def reset_faults(self) -> None:
        """No faults, no late answers, no rate limit (called under the state's lock)."""
        self._faults: dict[str, deque[Fault]] = {}
        self._late: dict[str, deque[float]] = {}
        self._rate_interval: float | None = None
        self._last_post: dict[str, float] = {}
        self.rate_limited = 0

    def fail_next(
        self,
        method: str,
        status: int = 429,
        retry_after: int | None = None,
        error: str | None = None,
        times: int = 1,
        details: dict[str, Any] | None = None,
    ) -> None:
        """Make the next `times` calls to `method` fail as Slack fails them.

        `error`: HTTP 200 with {"ok": false, "error": error, **details} (how the Web API refuses, e.g.
        missing_scope with "needed" and "provided"); else status 429: "ratelimited" with a Retry-After header
        (api.slack.com/docs/rate-limits); another status: that HTTP error (an outage).
        """
        if error is not None and status not in (200, 429):
            raise ValueError("error= answers HTTP 200; give status alone for an HTTP failure")
        if error is not None:
            fault = Fault(200, error, details=dict(details or {}))
        elif status == 429:
            wait = 1 if retry_after is None else retry_after
            fault = Fault(429, "ratelimited", {"Retry-After": str(wait)})
        else:
            fault = Fault(status, "internal_error")
        with self._lock:
            self._faults.setdefault(method, deque()).extend([fault] * times)

    def fail_next_response(self, status: int, error: str, times: int = 1) -> None:
        """Make the next `times` response_url posts fail: HTTP `status` with the bare error as text.

        That is how incoming webhooks and response_urls refuse (api.slack.com/messaging/webhooks#handling_errors).
        """
        with self._lock:
            self._faults.setdefault(RESPONSE_URL, deque()).extend([Fault(status, error)] * times)

    def enforce_rate_limit(self, per_channel_per_second: float | None = 1.0) -> None:
        """Answer 429 to chat.postMessage posts to one channel faster than this; None turns it off."""
        with self._lock:
            self._rate_interval = 1.0 / per_channel_per_second if per_channel_per_second else None
            self._last_post.clear()

    def _check_rate(self, channel: str) -> None:
        """Raise RateLimited if `channel` was posted to too recently, else note this post."""
        now = time.monotonic()
        last = self._last_post.get(channel)
        if self._rate_interval is not None and last is not None:
            wait = self._rate_interval - (now - last)
            if wait > 0:
                self.rate_limited += 1
                raise RateLimited(max(1, math.ceil(wait)))
        self._last_post[channel] = now
