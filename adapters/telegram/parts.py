"""The Bot API messages an `Outbound` becomes, and sending them within Telegram's rules.

A photo goes first with as much of the text as a caption holds, the rest follows in texts of
at most 4096 characters; the first part replies to `reply_to`, the last carries the buttons.
When Telegram answers that a part could go out differently (see errors.py), it is sent so here,
for deliveries and command answers alike: too long → smaller parts, unparsable HTML → plain text
once, a refused picture → the card without it.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field

from telegram import Bot, ForceReply, InlineKeyboardMarkup, LinkPreviewOptions, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest

from adapters.telegram.chunks import CAPTION_LIMIT, TEXT_LIMIT, plain, split_first, split_html, units
from adapters.telegram.errors import Kind, classify, where
from adapters.telegram.render import Outbound

log = logging.getLogger(__name__)
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
MIN_SPLIT = 256  # a part this short that Telegram still calls too long is not a length problem
Markup = InlineKeyboardMarkup | ForceReply | None


@dataclass(frozen=True)
class Part:
    """One Bot API message of an `Outbound`: a photo with its caption, or a text chunk."""

    html: str
    photo: str | None = None
    markup: Markup = None
    reply_to: int | None = None
    plain: bool = False  # sent without parse_mode (then `html` holds plain text)


@dataclass
class Progress:
    """How far a multi-part send got; filled in as parts go out (read it after a failure)."""

    planned: int = 0
    sent: list[Message] = field(default_factory=list)
    label: str = "answer"  # what is being sent, for log lines ("delivery 12"), never its content
    paid_broadcast: bool = False  # sent as a paid broadcast (allow_paid_broadcast: up to 1000/s, for Stars)
    photo_ids: object = None  # photos.PhotoIds: a picture Telegram holds goes by its file_id
    thread_id: int | None = None  # a forum topic's message_thread_id: the answer stays in the topic it was asked in


def _framed(pieces: list[Part], markup: Markup, reply_to: int | None) -> list[Part]:
    """The pieces with the first replying to `reply_to` and the last carrying the markup."""
    if not pieces:
        return []
    pieces = list(pieces)
    pieces[0] = dataclasses.replace(pieces[0], reply_to=reply_to)
    pieces[-1] = dataclasses.replace(pieces[-1], markup=markup)
    return pieces


def plan(outbound: Outbound, markup: Markup, reply_to: int | None = None, photos: bool = True) -> list[Part]:
    """The messages `outbound` becomes: the photo first if any; the markup on the last, replying on the first."""
    if outbound.photo and photos:
        caption, rest = split_first(outbound.html, CAPTION_LIMIT)
        pieces = [Part(caption, photo=outbound.photo), *(Part(chunk) for chunk in split_html(rest, TEXT_LIMIT))]
    else:
        pieces = [Part(chunk) for chunk in split_html(outbound.html, TEXT_LIMIT)]
    return _framed(pieces, markup, reply_to)


def halved(part: Part) -> list[Part]:
    """The part again in pieces of half its length (the photo keeps the first); [] when it cannot shrink."""
    budget = units(part.html) // 2
    if part.plain or budget < MIN_SPLIT:
        return []
    if part.photo:
        head, rest = split_first(part.html, budget)
        pieces = [Part(head, photo=part.photo), *(Part(chunk) for chunk in split_html(rest, budget))]
    else:
        pieces = [Part(chunk) for chunk in split_html(part.html, budget)]
    return _framed(pieces, part.markup, part.reply_to) if len(pieces) > 1 else []


async def send(
    bot: Bot, chat_id: int | str, outbound: Outbound, markup: Markup, reply_to: int | None = None,
    progress: Progress | None = None,
) -> list[Message]:
    """Send the parts in order; a picture Telegram refuses is left out. Raises on the first failure."""
    progress = Progress() if progress is None else progress
    planned = plan(outbound, markup, reply_to)
    try:
        await _send_all(bot, chat_id, planned, progress)
    except BadRequest as error:
        if progress.sent or not planned[0].photo or classify(error).kind is not Kind.REFUSED:
            raise
        log.info("telegram %s to chat %s: the picture was refused (%s); sending the card without it",
                 progress.label, chat_id, error.message)
        await _send_all(bot, chat_id, plan(outbound, markup, reply_to, photos=False), progress)
    return progress.sent


async def _send_all(bot: Bot, chat_id: int | str, planned: list[Part], progress: Progress) -> None:
    progress.planned = len(progress.sent) + len(planned)
    for part in planned:
        await _send_fitting(bot, chat_id, part, progress)


async def _send_fitting(bot: Bot, chat_id: int | str, part: Part, progress: Progress) -> None:
    """Send one part; if Telegram calls it too long it goes in smaller ones, if it cannot parse it, as plain text."""
    try:
        progress.sent.append(await _send_part(bot, chat_id, part, progress))
        return
    except BadRequest as error:
        kind = classify(error).kind
        if kind is Kind.BAD_HTML and not part.plain:
            # Logged without the text: it is a private message; the position is enough to find our bug.
            log.info("telegram %s to chat %s: Telegram could not parse its HTML (%s); sent as plain text",
                     progress.label, chat_id, where(error))
            as_plain = dataclasses.replace(part, html=plain(part.html), plain=True)
            progress.sent.append(await _send_part(bot, chat_id, as_plain, progress))
            return
        pieces = halved(part) if kind is Kind.TOO_LONG else []
        if not pieces:
            raise
    log.info("telegram %s to chat %s: Telegram found a part too long; sending it in %d",
             progress.label, chat_id, len(pieces))
    progress.planned += len(pieces) - 1
    for piece in pieces:
        await _send_fitting(bot, chat_id, piece, progress)


async def _send_part(bot: Bot, chat_id: int | str, part: Part, progress: Progress) -> Message:
    replying = ReplyParameters(part.reply_to, allow_sending_without_reply=True) if part.reply_to else None
    mode = None if part.plain else ParseMode.HTML
    extra = {"allow_paid_broadcast": True} if progress.paid_broadcast else {}
    if progress.thread_id is not None:
        extra["message_thread_id"] = progress.thread_id
    if part.photo:
        ids = progress.photo_ids
        known = await ids.get(part.photo) if ids is not None else None

        async def send_photo(photo: str) -> Message:
            return await bot.send_photo(chat_id, photo, caption=part.html, parse_mode=mode, reply_markup=part.markup,
                                        reply_parameters=replying, **extra)

        if known is not None:
            try:
                return await send_photo(known)
            except BadRequest as error:
                if classify(error).kind is not Kind.REFUSED:
                    raise
                log.info("telegram no longer takes a photo's file_id (%s); sending it by its URL", error.message)
                await ids.forget(part.photo)
        message = await send_photo(part.photo)
        if ids is not None and message.photo:
            await ids.put(part.photo, message.photo[-1].file_id)  # the largest size: what a resend shows
        return message
    return await bot.send_message(
        chat_id, part.html, parse_mode=mode, link_preview_options=NO_PREVIEW,
        reply_markup=part.markup, reply_parameters=replying, **extra,
    )
