"""Who is speaking: a Telegram user (and their private chat) as a core `Identity`."""

from __future__ import annotations

from telegram import Chat, User
from telegram.constants import ChatType

from core.people import Identity

PLATFORM = "telegram"


def identity_of(user: User, chat: Chat | None = None) -> Identity:
    """The person behind a Telegram user; only a private chat becomes their delivery chat."""
    private = chat is not None and chat.type == ChatType.PRIVATE
    return Identity(
        PLATFORM, str(user.id), chat_id=str(chat.id) if private else None,
        username=user.username, display_name=user.full_name,
        # "IETF language tag of the user's language" (Bot API, User.language_code): on every update, kept when it changes.
        locale=user.language_code or None,
    )
