"""Platform-neutral results: what the engine returns and adapters render.

Every `Reply` has a plain `text` that reads well on its own (it is the Slack `text`
fallback and the whole message where a platform cannot show more); `items` carry the
structure for richer rendering.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class PinCard:
    ref: str
    pin_id: int
    title: str
    url: str
    description: str
    image_url: str | None
    creator_handle: str
    page_url: str
    conversation_ref: str | None = None
    image_type: str | None = None  # image/png, image/jpeg, …: None when not known


@dataclass(frozen=True)
class BoardCard:
    board_id: int
    name: str
    owner_handle: str
    pin_count: int
    secret: bool
    pins: tuple[PinCard, ...]
    page_url: str


@dataclass(frozen=True)
class BoardRow:
    name: str
    pin_count: int
    secret: bool
    is_default: bool
    page_url: str


@dataclass(frozen=True)
class ProfileCard:
    handle: str
    display_name: str
    avatar_url: str | None
    boards: tuple[BoardRow, ...]
    page_url: str


@dataclass(frozen=True)
class PersonRow:
    handle: str
    display_name: str
    platforms: tuple[str, ...]


@dataclass(frozen=True)
class MessageView:
    """One message of a conversation, as its reader sees it."""

    conversation_ref: str
    conversation_id: int
    message_id: int
    sender_handle: str
    sender_name: str
    sender_avatar: str | None
    kind: str  # text|pin|board|profile|join
    text: str
    created_at: datetime
    participants: tuple[str, ...]
    pin: PinCard | None = None
    board: BoardCard | None = None
    profile: ProfileCard | None = None


@dataclass(frozen=True)
class ConversationRow:
    ref: str
    conversation_id: int
    participants: tuple[str, ...]
    last_line: str
    unread: int
    updated_at: datetime


@dataclass(frozen=True)
class InviteLink:
    handle: str
    code: str
    page_url: str
    telegram_url: str


@dataclass(frozen=True)
class LinkPrompt:
    """Asks the account that typed a link code to confirm that the other account is theirs."""

    token: str  # what the Confirm / Cancel buttons carry
    handle: str  # whose account this joins
    platform: str  # the platform of the account that typed the code
    other_platform: str  # where the code was issued


@dataclass(frozen=True)
class Reply:
    """What a command answers; `ok=False` marks a user error (render it ephemerally)."""

    text: str
    items: tuple = field(default_factory=tuple)
    ok: bool = True
    conversation_ref: str | None = None


def error(message: str) -> Reply:
    """A user-facing error reply."""
    return Reply(text=message, ok=False)
