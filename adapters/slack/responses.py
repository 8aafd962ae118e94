"""response_url posts over kept-alive connections.

Bolt's `respond` makes a slack_sdk WebhookClient per call, and each opens a new HTTPS
connection: about a tenth of a `/pin inbox` request went into connecting. `KeptAlive`
is Bolt's Respond with the same message shape (Bolt's own `_build_message`) and the same
WebhookResponse back, posted through one httpx connection pool the process shares.
"""

from __future__ import annotations

import ssl

import httpx
from slack_bolt.context.respond.internals import _build_message
from slack_bolt.context.respond.respond import Respond
from slack_sdk.webhook import WebhookResponse

TIMEOUT_SECONDS = 10.0  # Slack answers a response_url post at once; a hung one must not hold an answer thread
HEADERS = {"Content-Type": "application/json;charset=utf-8"}  # as slack_sdk's WebhookClient sends


class Responses:
    """One connection pool for every response_url post of the process (thread-safe)."""

    def __init__(self, connections: int = 16, timeout: float = TIMEOUT_SECONDS) -> None:
        # The system's certificate store, as slack_sdk's urllib client uses; one retry of a failed connect, as
        # its WebhookClient retries connection errors once (a pooled connection the far end closed is replaced).
        transport = httpx.HTTPTransport(verify=ssl.create_default_context(), retries=1,
                                        limits=httpx.Limits(max_connections=connections,
                                                            max_keepalive_connections=connections))
        self.http = httpx.Client(transport=transport, timeout=timeout, follow_redirects=False)

    def respond_to(self, body: dict, bolt_respond):
        """The `respond` for a request: kept-alive when the body carries a response_url, else Bolt's own."""
        url = body.get("response_url") if isinstance(body, dict) else None
        return KeptAlive(url, self.http) if isinstance(url, str) and url else bolt_respond

    def close(self) -> None:
        self.http.close()


class KeptAlive(Respond):
    """Bolt's `respond` for one response_url, posting through the shared pool."""

    def __init__(self, response_url: str, http: httpx.Client) -> None:
        super().__init__(response_url=response_url)
        self.http = http

    def __call__(self, text: str | dict = "", **fields) -> WebhookResponse:
        message = _build_message(**text) if isinstance(text, dict) else _build_message(text=text, **fields)
        response = self.http.post(self.response_url, json=message, headers=HEADERS)
        return WebhookResponse(url=self.response_url, status_code=response.status_code, body=response.text,
                               headers=dict(response.headers))
