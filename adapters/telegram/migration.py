"""A group that became a supergroup: Telegram announces it with service messages, and the chat's records follow.

The old group gets a message with migrate_to_chat_id, the new supergroup one with migrate_from_chat_id
(core.telegram.org/bots/api#message); bots receive service messages even in privacy mode
(core.telegram.org/bots/features#privacy-mode). Either one is enough, and both are harmless.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from telegram import Message, Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

log = logging.getLogger(__name__)
Follow = Callable[[str, str], None]  # (old chat id, new chat id): move what Pinbridge keeps of the chat (blocking)


def chat_move(message: Message) -> tuple[str, str] | None:
    """(old chat id, new chat id) that a migrate service message announces, else None."""
    if message.migrate_to_chat_id:
        return str(message.chat.id), str(message.migrate_to_chat_id)
    if message.migrate_from_chat_id:
        return str(message.migrate_from_chat_id), str(message.chat.id)
    return None


@dataclass
class Migrations:
    """The handler for migrate service messages, bound to what moves a chat's records."""

    follow: Follow

    def install(self, application: Application) -> None:
        """Register the handler (group 0: no command or text handler takes a service message)."""
        application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, self.migrated))

    async def migrated(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Move the old chat's message map (and any lane or account) to the supergroup."""
        moved = chat_move(update.message) if update.message is not None else None
        if moved is None:
            return
        log.info("telegram chat %s became chat %s; its messages follow", *moved)
        await asyncio.to_thread(self.follow, *moved)
