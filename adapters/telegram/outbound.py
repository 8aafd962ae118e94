"""Sending one `Outbound`: store its buttons' actions, then text or photo, split at Telegram's limits."""

from __future__ import annotations

import asyncio
import logging

from telegram import (
    Bot,
    ForceReply,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest

from adapters.telegram import keyboard
from adapters.telegram.chunks import CAPTION_LIMIT, TEXT_LIMIT, split_first, split_html
from adapters.telegram.render import Outbound
from core.engine import Engine

log = logging.getLogger(__name__)
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
Markup = InlineKeyboardMarkup | ForceReply | None


def prepare(engine: Engine, outbound: Outbound) -> Markup:
    """The message's reply markup, its actions stored behind one key (blocking: run off the loop)."""
    if outbound.force_reply:
        return ForceReply(selective=True, input_field_placeholder=outbound.force_reply[:64])
    stored = keyboard.actions(outbound.rows)
    key = engine.action_key({"buttons": stored}) if stored else None
    return keyboard.markup(outbound.rows, key)


async def post(engine: Engine, bot: Bot, chat_id: int | str, outbound: Outbound, reply_to: int | None = None) -> list[Message]:
    """Answer in a chat: store the buttons, send, and map the messages to their conversation."""
    markup = await asyncio.to_thread(prepare, engine, outbound)
    messages = await send(bot, chat_id, outbound, markup, reply_to)
    if outbound.conversation_ref:
        await asyncio.to_thread(remember, engine, chat_id, messages, outbound.conversation_ref)
    return messages


def remember(engine: Engine, chat_id: int | str, messages: list[Message], conversation_ref: str) -> None:
    """Replies to any of these messages go to the conversation (blocking)."""
    for message in messages:
        engine.remember("telegram", str(chat_id), str(message.message_id), conversation_ref)


def chat_is_gone(error: BadRequest) -> bool:
    """True for the BadRequests that mean the chat itself is unreachable."""
    return "chat not found" in error.message.lower() or "user not found" in error.message.lower()


async def send(bot: Bot, chat_id: int | str, outbound: Outbound, markup: Markup, reply_to: int | None = None) -> list[Message]:
    """Send it; the markup goes on the last part. A photo Telegram refuses falls back to text."""
    if outbound.photo:
        try:
            return await _photo(bot, chat_id, outbound, markup, reply_to)
        except BadRequest as error:
            if chat_is_gone(error):
                raise
            log.warning("photo refused (%s); sending the card as text", error.message)
    return await _texts(bot, chat_id, split_html(outbound.html, TEXT_LIMIT), markup, reply_to)


async def _photo(bot: Bot, chat_id: int | str, outbound: Outbound, markup: Markup, reply_to: int | None) -> list[Message]:
    caption, rest = split_first(outbound.html, CAPTION_LIMIT)
    first = await bot.send_photo(
        chat_id, outbound.photo, caption=caption, parse_mode=ParseMode.HTML,
        reply_markup=None if rest else markup, reply_parameters=_replying(reply_to),
    )
    return [first, *await _texts(bot, chat_id, split_html(rest, TEXT_LIMIT), markup, None)]


async def _texts(bot: Bot, chat_id: int | str, chunks: list[str], markup: Markup, reply_to: int | None) -> list[Message]:
    sent = []
    for index, chunk in enumerate(chunks):
        last = index == len(chunks) - 1
        sent.append(await bot.send_message(
            chat_id, chunk, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW,
            reply_markup=markup if last else None, reply_parameters=_replying(reply_to) if index == 0 else None,
        ))
    return sent


def _replying(message_id: int | None) -> ReplyParameters | None:
    return ReplyParameters(message_id, allow_sending_without_reply=True) if message_id else None
