"""Every Bot API error, classified once: what it means, whether a delivery or a command answer met it.

PTB strips "Bad Request: " from a description and capitalizes the rest, so the texts are
compared in lower case. Sources for each wording are beside it.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import timedelta

import httpx
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    RetryAfter,
    TelegramError,
    TimedOut,
)


class Kind(enum.Enum):
    """What an error means for the message that met it."""

    UNREACHABLE = "unreachable"  # the chat can never be written to: blocked, deactivated, gone
    MOVED = "moved"  # the group became a supergroup: send to `new_chat_id`
    RATE_LIMITED = "rate limited"  # 429: wait `seconds`
    TOO_LONG = "too long"  # a text or caption over Telegram's count: split smaller
    BAD_HTML = "bad html"  # our HTML did not parse: send it once as plain text
    NOT_MODIFIED = "not modified"  # an edit that changes nothing: already done
    UNCERTAIN = "uncertain"  # no answer after the request went out: it may have arrived
    TRANSIENT = "transient"  # network trouble, 5xx, a bad token: try again later
    REFUSED = "refused"  # any other 400: sending the same again cannot work


@dataclass(frozen=True)
class Verdict:
    """An error's meaning, with what acting on it needs (how long to wait, where the chat went)."""

    kind: Kind
    message: str
    seconds: float | None = None
    new_chat_id: int | None = None


# 400s meaning the chat itself is gone: "chat not found" / "user not found" for an id Telegram does not
# know, PEER_ID_INVALID, and "group chat was deactivated" for a deleted group (wordings bots report; a
# 403 says the rest, see `classify`).
GONE = ("chat not found", "user not found", "peer_id_invalid", "group chat was deactivated")
# Over 4096 characters of text or 1024 of caption after entity parsing (core.telegram.org/bots/api#sendmessage,
# #sendphoto); MESSAGE_TOO_LONG is the server's own name for it (core.telegram.org/api/errors).
TOO_LONG = ("message is too long", "message caption is too long", "message_too_long")
# "can't parse entities: <TDLib's reason>" (core.telegram.org/bots/api#formatting-options, TDLib parse_html()).
BAD_HTML = ("can't parse entities",)
# editMessage*: "message is not modified: specified new message content and reply markup are exactly
# the same as a current content and reply markup of the message" (core.telegram.org/bots/api#editmessagetext).
NOT_MODIFIED = ("message is not modified",)
BYTE_OFFSET = re.compile(r"at byte offset (\d+)")


def classify(error: TelegramError) -> Verdict:
    """The one reading of a Bot API error that every sender of a message acts on."""
    text = error.message.lower()
    if isinstance(error, ChatMigrated):
        # PTB raises it for any answer whose parameters carry migrate_to_chat_id (ResponseParameters).
        return Verdict(Kind.MOVED, f"the group moved to chat {error.new_chat_id}", new_chat_id=error.new_chat_id)
    if isinstance(error, RetryAfter):
        return Verdict(Kind.RATE_LIMITED, error.message, seconds=retry_seconds(error))
    if isinstance(error, TimedOut):
        if reached_telegram(error):
            return Verdict(Kind.UNCERTAIN, f"no answer from Telegram ({error.message})")
        return Verdict(Kind.TRANSIENT, error.message)
    if isinstance(error, Forbidden):
        # Every 403 means the bot may not write there: "bot was blocked by the user", "user is
        # deactivated", "bot was kicked from the group chat", "bot can't initiate conversation with a user".
        return Verdict(Kind.UNREACHABLE, error.message)
    if isinstance(error, BadRequest):  # before NetworkError: BadRequest subclasses it
        kind = _bad_request_kind(text)
        # TDLib's reason can quote a piece of the message; it is stored and logged, so only its position is kept.
        return Verdict(kind, f"Can't parse entities ({where(error)})" if kind is Kind.BAD_HTML else error.message)
    return Verdict(Kind.TRANSIENT, error.message)  # 5xx, network, a bad token: an operator or time fixes it


def _bad_request_kind(text: str) -> Kind:
    for phrases, kind in ((GONE, Kind.UNREACHABLE), (TOO_LONG, Kind.TOO_LONG), (BAD_HTML, Kind.BAD_HTML),
                          (NOT_MODIFIED, Kind.NOT_MODIFIED)):
        if any(phrase in text for phrase in phrases):
            return kind
    return Kind.REFUSED


def is_kind(error: TelegramError, kind: Kind) -> bool:
    """Whether `error` classifies as `kind`."""
    return classify(error).kind is kind


def retry_seconds(error: RetryAfter) -> float:
    """Telegram's retry_after in seconds (PTB reports an int or, with PTB_TIMEDELTA, a timedelta)."""
    value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def reached_telegram(error: TimedOut) -> bool:
    """True when the request went out before the timeout: Telegram may have delivered the message."""
    cause = error.__cause__
    return not isinstance(cause, (httpx.ConnectTimeout, httpx.PoolTimeout))


def where(error: TelegramError) -> str:
    """Where Telegram's HTML parser stopped, without quoting the text (it is the user's): 'byte offset 12'."""
    found = BYTE_OFFSET.search(error.message)
    return f"byte offset {found.group(1)}" if found else "no position given"
