"""Platform-neutral results: what the engine returns and adapters render.

Every `Reply` has a `body` of neutral rich text (core/text.py) that reads well on its own
(the fallback text, and the whole message where a platform cannot show more); `items` carry
the structure for richer rendering. `text` is the body's plain reading.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from core.text import Text, rich


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
    image_width: int | None = None  # the picture's size in pixels, when Pinbridge keeps it
    image_height: int | None = None


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
    edited: bool = False  # its sender changed the text since it was sent
    deleted: bool = False  # its sender removed it: nothing of it is left but the fact


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
    openings: tuple[tuple[str, str], ...] = ()  # (platform title, link that opens the bot there with the invite)
    joins: tuple[tuple[str, str], ...] = ()  # (platform title, the join command as typed there)


@dataclass(frozen=True)
class DigestLine:
    """One unread message in a digest: who sent it, and its one-line summary (as the inbox shows it)."""

    sender: str
    kind: str  # text|pin|board|profile|join
    summary: str
    pin_ref: str | None = None

    @classmethod
    def from_payload(cls, line: dict) -> DigestLine:
        """A line as stored; digests queued before summaries were stored get theirs from the old fields."""
        summary = line.get("summary")
        if summary is None:
            carried = f"{line['pin_ref']} “{line.get('pin_title') or ''}”" if line.get("pin_ref") else None
            summary = " ".join(part for part in (carried, str(line.get("text") or "")) if part)
        return cls(str(line.get("sender") or "?"), str(line.get("kind") or "text"), str(summary), line.get("pin_ref"))


@dataclass(frozen=True)
class DigestConversation:
    ref: str
    conversation_id: int
    count: int  # unread in it (the lines are the latest few)
    lines: tuple[DigestLine, ...]


@dataclass(frozen=True)
class Digest:
    """What a person has not read, grouped by conversation: frozen when queued, rendered by each platform."""

    handle: str
    period: str
    total: int
    conversations: tuple[DigestConversation, ...]

    @classmethod
    def from_payload(cls, payload: dict) -> Digest:
        """A digest from the JSON it is stored as (tolerant of missing fields)."""
        return cls(
            handle=str(payload.get("handle") or ""), period=str(payload.get("period") or ""),
            total=int(payload.get("total") or 0),
            conversations=tuple(
                DigestConversation(str(c.get("ref") or ""), int(c.get("conversation_id") or 0), int(c.get("count") or 0),
                                   tuple(DigestLine.from_payload(line) for line in c.get("lines") or ()))
                for c in payload.get("conversations") or ()
            ),
        )


@dataclass(frozen=True)
class LinkPrompt:
    """Asks the account that typed a link code to confirm that the other account is theirs."""

    token: str  # what the Confirm / Cancel buttons carry
    handle: str  # whose account this joins
    platform: str  # the platform of the account that typed the code
    other_platform: str  # where the code was issued


@dataclass(frozen=True)
class Reply:
    """What a command answers.

    `ok=False` marks a user error; `shared` answers are for everyone where the command was typed
    (a new pin's card, which anyone there may Save or Open) — all others go to the asker alone.
    """

    body: Text
    items: tuple = field(default_factory=tuple)
    ok: bool = True
    conversation_ref: str | None = None
    shared: bool = False
    locale: str = "en"  # the asker's language: the body is already read in it; adapters use it for their own words

    def __post_init__(self) -> None:
        object.__setattr__(self, "body", rich(self.body))

    @property
    def text(self) -> str:
        """The body read plainly (logs, tests)."""
        return str(self.body)


def error(message: Text | str) -> Reply:
    """A user-facing error reply (never shared)."""
    return Reply(message, ok=False)
