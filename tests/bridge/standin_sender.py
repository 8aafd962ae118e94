"""A minimal HTTP sender for the Telegram stand-in: proves the pipeline before/without the adapter.

It classifies answers the way the real adapter must (429 → RetryLater with retry_after,
5xx → RetryLater, 403 → Failed unreachable) and logs every attempt with the test clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from core.ports import Failed, Outgoing, RetryLater, Sent


@dataclass
class Attempt:
    at: float
    chat_id: str
    key: str
    status: int
    retry_after: int | None = None


@dataclass
class StandinSender:
    url: str
    token: str
    clock: object = None
    platform: str = "telegram"
    attempts: list[Attempt] = field(default_factory=list)

    def __post_init__(self):
        self.client = httpx.Client(base_url=f"{self.url}/bot{self.token}/", timeout=10)

    def send(self, outgoing: Outgoing) -> Sent | RetryLater | Failed:
        text = f"{outgoing.idempotency_key} {outgoing.message.text if outgoing.message else 'digest'}"
        answer = self.client.post("sendMessage", json={"chat_id": int(outgoing.chat_id), "text": text})
        body = answer.json()
        retry_after = (body.get("parameters") or {}).get("retry_after")
        now = self.clock() if self.clock else 0.0
        self.attempts.append(Attempt(now, outgoing.chat_id, outgoing.idempotency_key, answer.status_code, retry_after))
        if body.get("ok"):
            return Sent(str(body["result"]["message_id"]))
        if answer.status_code == 429:
            return RetryLater(body["description"], float(retry_after))
        if answer.status_code >= 500:
            return RetryLater(body["description"])
        return Failed(body["description"], unreachable=answer.status_code == 403)

    def close(self) -> None:
        self.client.close()
