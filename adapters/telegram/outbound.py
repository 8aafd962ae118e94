"""Answering in a chat outside the worker: reply markup, sending (see parts.py), the message map, edits."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable

from telegram import Bot, CallbackQuery, ForceReply, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import TelegramError

from adapters.telegram import keyboard, parts
from adapters.telegram.chunks import plain
from adapters.telegram.errors import Kind, classify, where
from adapters.telegram.parts import Markup
from adapters.telegram.render import Outbound
from core.engine import Engine

log = logging.getLogger(__name__)


def prepare_reply(outbound: Outbound) -> ForceReply:
    """The markup that opens the reply field (the Reply button's prompt)."""
    return ForceReply(selective=True, input_field_placeholder=outbound.force_reply[:64])


def prepare(engine: Engine, outbound: Outbound) -> Markup:
    """The message's reply markup; writes to the database only for an action too big for a button."""
    if outbound.force_reply:
        return prepare_reply(outbound)
    stored = keyboard.stored_actions(outbound.rows)
    key = engine.action_key({"buttons": stored}) if stored else None
    return keyboard.markup(outbound.rows, key)


async def post(
    engine: Engine, bot: Bot, chat_id: int | str, outbound: Outbound, reply_to: int | None = None,
    photo_ids=None, thread_id: int | None = None,
) -> list[Message]:
    """Answer in a chat (in a forum, in topic `thread_id`): markup, send (following a group that became a
    supergroup), map the messages."""
    markup = await asyncio.to_thread(prepare, engine, outbound)
    messages = await _send_following(bot, chat_id, outbound, markup, reply_to, photo_ids, thread_id)
    if outbound.conversation_ref:
        await asyncio.to_thread(remember, engine, messages, outbound.conversation_ref)
    return messages


async def _send_following(
    bot: Bot, chat_id: int | str, outbound: Outbound, markup: Markup, reply_to: int | None, photo_ids=None,
    thread_id: int | None = None,
) -> list[Message]:
    progress = parts.Progress(photo_ids=photo_ids, thread_id=thread_id)
    try:
        return await parts.send(bot, chat_id, outbound, markup, reply_to, progress)
    except TelegramError as error:
        verdict = classify(error)
        if verdict.kind is not Kind.MOVED or progress.sent:
            raise
    # The group became a supergroup: answer there at once (the message replied to stayed behind).
    log.info("telegram chat %s is now chat %s; answering there", chat_id, verdict.new_chat_id)
    return await parts.send(bot, verdict.new_chat_id, outbound, markup, None, parts.Progress(photo_ids=photo_ids))


def remember(engine: Engine, messages: list[Message], conversation_ref: str) -> None:
    """Replies to any of these messages go to the conversation (blocking)."""
    for message in messages:
        engine.remember("telegram", str(message.chat_id), str(message.message_id), conversation_ref)


async def _unless_unchanged(edit: Awaitable[object]) -> bool:
    """Run an edit; False when Telegram says it changes nothing (the message already reads so)."""
    try:
        await edit
    except TelegramError as error:
        if classify(error).kind is not Kind.NOT_MODIFIED:
            raise
        return False
    return True


async def edit_text(query: CallbackQuery, html: str) -> None:
    """Replace the text of a button's message (keeping no buttons); HTML Telegram cannot parse goes plain."""
    try:
        await _unless_unchanged(query.edit_message_text(html, parse_mode=ParseMode.HTML))
    except TelegramError as error:
        if classify(error).kind is not Kind.BAD_HTML:
            raise
        log.info("telegram edit in chat %s: Telegram could not parse its HTML (%s); sent as plain text",
                 query.message.chat.id if query.message else "?", where(error))
        await _unless_unchanged(query.edit_message_text(plain(html)))


async def edit_markup(query: CallbackQuery, markup: InlineKeyboardMarkup | None) -> None:
    """Replace the buttons of a button's message (a double tap that changes nothing is fine)."""
    await _unless_unchanged(query.edit_message_reply_markup(markup))
