"""Edits and deletes on Telegram: an `edited_message` follows the conversation; `/delete` stands in for deletes.

Telegram sends bots an `edited_message` update when a person edits a message in the bot's chat
(core.telegram.org/bots/api#update), but nothing at all when they delete one: so `/delete`,
sent in reply to one's own message, removes it from the conversation and every copy, and the
bot deletes the original in the person's chat too ("bots can delete incoming messages in
private chats", core.telegram.org/bots/api#deletemessage).
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, CommandHandler, MessageHandler, filters

from adapters.telegram.accounts import identity_of
from adapters.telegram.render import reply_outbound

log = logging.getLogger(__name__)
# Commands are never conversation messages, so an edit of one finds nothing to change; but a reply edited to
# begin with "/" is still that reply (filters.COMMAND would drop it, and its copies would keep the old text).
EDITS = filters.UpdateType.EDITED_MESSAGE & filters.ChatType.PRIVATE & filters.TEXT


class Corrections:
    """The edited-message handler and /delete, answering through the text handlers' `answer`."""

    def __init__(self, engine, answer) -> None:
        self.engine = engine
        self.answer = answer  # handlers.Commands.answer: the one way answers are posted

    def install(self, application: Application) -> None:
        """Register before the grammar's handlers: /delete is Telegram's own word, not the grammar's."""
        # Private chats only: conversations live there, and in a group /delete is as likely another bot's.
        application.add_handler(CommandHandler("delete", self.delete,
                                               filters=filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE))
        application.add_handler(MessageHandler(EDITS, self.edited))

    async def edited(self, update: Update, context) -> None:
        """A person edited a message: if it went into a conversation, it changes everywhere (quietly)."""
        message, user = update.edited_message, update.effective_user
        if message is None or user is None or user.is_bot or message.text is None:
            return
        reply = await asyncio.to_thread(
            self.engine.edit_remote, identity_of(user, message.chat), str(message.chat.id), str(message.message_id),
            message.text, int(message.edit_date.timestamp()) if message.edit_date else None,
        )
        if reply is not None and not reply.ok:  # refused (too long, emptied): say why, under the edited message
            await self.answer(message, context, reply_outbound(reply))

    async def delete(self, update: Update, context) -> None:
        """/delete in reply to your own message: it leaves the conversation and every copy of it."""
        message, user = update.message, update.effective_user
        if message is None or user is None or user.is_bot:
            return
        replied = message.reply_to_message
        target = str(replied.message_id) if replied is not None else None
        reply = await asyncio.to_thread(
            self.engine.delete_asked, identity_of(user, message.chat), str(message.chat.id), target,
        )
        if reply.ok and replied is not None:
            try:
                await context.bot.delete_message(message.chat.id, replied.message_id)
            except TelegramError as error:  # older than 48 hours, say: the copies are gone all the same
                log.info("could not delete the original of a deleted message (%s)", error.message)
        await self.answer(message, context, reply_outbound(reply))
