"""The seam between the engine and the platforms: what a delivery sender must do.

Adapters implement `Sender`; the worker in `bridge` calls it. A sender never sleeps
on a rate limit: it reports `RetryLater` and the worker decides when to try again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Union

from core.results import MessageView


@dataclass(frozen=True)
class Outgoing:
    """One delivery, ready to render: a conversation message or a digest."""

    delivery_id: int
    idempotency_key: str
    platform: str
    chat_id: str
    recipient_handle: str
    kind: str  # message|digest
    message: MessageView | None = None
    digest: dict | None = None
    team_id: str | None = None  # the recipient account's workspace (Slack: picks the bot token in OAuth mode)


@dataclass(frozen=True)
class Sent:
    """Delivered; `remote_id` is the platform's id for the message (Slack ts, Telegram message_id).

    `earlier_ids`: the ids of the parts before the last, when the message went out in several;
    `chat_id`: where it went, when the platform names the chat differently from the delivery
    (a Slack DM's D… id for a person's user id). The worker records them all with the outcome.
    """

    remote_id: str
    earlier_ids: tuple[str, ...] = ()
    chat_id: str | None = None


@dataclass(frozen=True)
class RetryLater:
    """Try again after `seconds` (a 429's Retry-After exactly, or a backoff hint when None).

    `maybe_sent`: the request reached the platform but no answer came (a read timeout), so the
    message may have arrived. Such a delivery is tried once more after the pause, never again.
    """

    error: str
    seconds: float | None = None
    maybe_sent: bool = False


@dataclass(frozen=True)
class Failed:
    """Will never work (bad chat, bot blocked); `unreachable` marks the account so."""

    error: str
    unreachable: bool = False


@dataclass(frozen=True)
class Moved:
    """The chat has a new id (a Telegram group that became a supergroup): follow it and send again."""

    chat_id: str
    error: str = "the chat moved"


SendResult = Union[Sent, RetryLater, Failed, Moved]


class Sender(Protocol):
    """Renders and sends deliveries for one platform."""

    platform: str

    def send(self, outgoing: Outgoing) -> SendResult:
        """Send one delivery; exceptions count as retryable network errors."""
        ...
