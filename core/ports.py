"""The seam between the engine and the platforms: what a delivery sender must do.

Adapters implement `Sender`; the worker in `bridge` calls it. A sender never sleeps
on a rate limit: it reports `RetryLater` and the worker decides when to try again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Union

from core.results import Digest, MessageView


@dataclass(frozen=True)
class Copy:
    """A message already delivered to a chat (every part's id, in order): what an edit or a delete acts on."""

    chat_id: str
    remote_ids: tuple[str, ...]


@dataclass(frozen=True)
class Outgoing:
    """One delivery, ready to render: a conversation message, a digest, a change to a delivered copy
    (`edit`: render `message` again into `copy`; `delete`: remove `copy`) or a person's App Home (`home`).
    """

    delivery_id: int
    idempotency_key: str
    platform: str
    chat_id: str
    recipient_handle: str
    kind: str  # message|digest
    message: MessageView | None = None
    digest: Digest | None = None
    team_id: str | None = None  # the recipient account's workspace (picks the bot token where each has its own)
    copy: Copy | None = None  # edit|delete: the copy to change
    home: object | None = None  # home: the view to publish (core.home.HomeView)
    recipient_id: str = ""  # the recipient account's platform id (a home view is published per user)
    locale: str = "en"  # the recipient's language
    shown: str | None = None  # message|edit: a digest of what the copy will show once this goes out
    skip: str | None = None  # why nothing needs sending (the copy shows this already, the message is gone)


@dataclass(frozen=True)
class Sent:
    """Delivered; `remote_id` is the platform's id for the message (a timestamp, a message number …).

    `earlier_ids`: the ids of the parts before the last, when the message went out in several;
    `chat_id`: where it went, when the platform names the chat differently from the delivery
    (a DM's own id for a person's account id); `actions`: (key, payload) of each button action
    too big for the button itself, whose key the message carries. The worker records them all
    with the outcome, in one transaction: the sender only sends.
    """

    remote_id: str
    earlier_ids: tuple[str, ...] = ()
    chat_id: str | None = None
    actions: tuple[tuple[str, dict], ...] = ()
    removed: tuple[str, ...] = ()  # edit|delete: the parts of the copy that are gone now (no reply maps to them)
    shown: str | None = None  # what the copy shows, when not what the worker asked for (a resumed old render)


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
    """The chat has a new id (a group that became a bigger kind of group): follow it and send again."""

    chat_id: str
    error: str = "the chat moved"


@dataclass(frozen=True)
class Skipped:
    """Nothing to send, and no call was made: the copy already shows this, or its message was deleted."""

    reason: str


SendResult = Union[Sent, RetryLater, Failed, Moved, Skipped]


class Sender(Protocol):
    """Renders and sends deliveries for one platform."""

    platform: str

    def send(self, outgoing: Outgoing) -> SendResult:
        """Send one delivery; exceptions count as retryable network errors."""
        ...
