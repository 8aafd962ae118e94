"""Sending one `Outbound`: its reply markup, then text or photo, split at Telegram's limits."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

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


@dataclass(frozen=True)
class Part:
    """One Bot API message of an `Outbound`: a photo with its caption, or a text chunk."""

    html: str
    photo: str | None = None
    markup: Markup = None
    reply_to: int | None = None


@dataclass
class Progress:
    """How far a multi-part send got; filled in as parts go out (read it after a failure)."""

    planned: int = 0
    sent: list[Message] = field(default_factory=list)


def prepare(engine: Engine, outbound: Outbound) -> Markup:
    """The message's reply markup; writes to the database only for an action too big for a button."""
    if outbound.force_reply:
        return ForceReply(selective=True, input_field_placeholder=outbound.force_reply[:64])
    stored = keyboard.stored_actions(outbound.rows)
    key = engine.action_key({"buttons": stored}) if stored else None
    return keyboard.markup(outbound.rows, key)


async def post(engine: Engine, bot: Bot, chat_id: int | str, outbound: Outbound, reply_to: int | None = None) -> list[Message]:
    """Answer in a chat: markup, send, and map the messages to their conversation."""
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


def parts(outbound: Outbound, markup: Markup, reply_to: int | None = None, photos: bool = True) -> list[Part]:
    """The messages `outbound` becomes: the photo first if any; the markup on the last, replying on the first."""
    if outbound.photo and photos:
        caption, rest = split_first(outbound.html, CAPTION_LIMIT)
        planned = [Part(caption, photo=outbound.photo), *(Part(chunk) for chunk in split_html(rest, TEXT_LIMIT))]
    else:
        planned = [Part(chunk) for chunk in split_html(outbound.html, TEXT_LIMIT)]
    if not planned:
        return []
    planned[0] = Part(planned[0].html, planned[0].photo, reply_to=reply_to)
    planned[-1] = Part(planned[-1].html, planned[-1].photo, markup, planned[-1].reply_to)
    return planned


async def send(
    bot: Bot, chat_id: int | str, outbound: Outbound, markup: Markup, reply_to: int | None = None,
    progress: Progress | None = None,
) -> list[Message]:
    """Send its parts in order; a photo Telegram refuses falls back to text. Raises on the first failure."""
    progress = Progress() if progress is None else progress
    planned = parts(outbound, markup, reply_to)
    try:
        await _send_parts(bot, chat_id, planned, progress)
    except BadRequest as error:
        if progress.sent or not planned[0].photo or chat_is_gone(error):
            raise
        log.warning("photo refused (%s); sending the card as text", error.message)
        await _send_parts(bot, chat_id, parts(outbound, markup, reply_to, photos=False), progress)
    return progress.sent


async def _send_parts(bot: Bot, chat_id: int | str, planned: list[Part], progress: Progress) -> None:
    progress.planned = len(planned)
    for part in planned:
        progress.sent.append(await _send_part(bot, chat_id, part))


async def _send_part(bot: Bot, chat_id: int | str, part: Part) -> Message:
    replying = ReplyParameters(part.reply_to, allow_sending_without_reply=True) if part.reply_to else None
    if part.photo:
        return await bot.send_photo(
            chat_id, part.photo, caption=part.html, parse_mode=ParseMode.HTML,
            reply_markup=part.markup, reply_parameters=replying,
        )
    return await bot.send_message(
        chat_id, part.html, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW,
        reply_markup=part.markup, reply_parameters=replying,
    )
