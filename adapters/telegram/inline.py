"""Inline mode (F7): `@bot hiking` answers with pin cards, a page at a time."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from telegram import (
    InlineKeyboardMarkup,
    InlineQuery,
    InlineQueryResult,
    InlineQueryResultArticle,
    InlineQueryResultPhoto,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import Application, ContextTypes, InlineQueryHandler

from adapters.telegram import keyboard
from adapters.telegram.accounts import identity_of
from adapters.telegram.cards import host_of, pin_html, shorten
from adapters.telegram.chunks import CAPTION_LIMIT, TEXT_LIMIT, plain, split_first
from adapters.telegram.errors import Kind, classify
from adapters.telegram.render import pin_buttons
from adapters.telegram.rich import plain as plain_text
from core.engine import Engine
from core.i18n import localized, speaking
from core.results import PinCard
from core.text import tr

log = logging.getLogger(__name__)
PAGE = 10
# https://core.telegram.org/bots/api#answerinlinequery: "No more than 50 results per query are allowed."
MAX_RESULTS = 50
# InlineQueryResultPhoto.photo_url: "Photo must be in JPEG format" (core.telegram.org/bots/api#inlinequeryresultphoto),
# and TDLib declares every thumbnail but a GIF result's "image/jpeg" (InlineQueriesManager.cpp, thumbnail_type):
# only a JPEG makes a photo result or an article's thumbnail.
JPEG = "image/jpeg"
CACHE_SECONDS = 10  # short, and per user (is_personal): results depend on who may see which pin
MAX_OFFSET = 10_000
EMPTY = tr("Type words to search pins")


def page_offset(offset: str) -> int:
    """The numeric offset Telegram echoes back to us ('' on the first page)."""
    return min(int(offset), MAX_OFFSET) if offset.isdigit() else 0


def next_offset(offset: int, found: int) -> str:
    """Where the next page starts, or '' when this page was the last."""
    return str(offset + found) if found == PAGE and offset + found < MAX_OFFSET else ""


def result_of(
    card: PinCard, markup: InlineKeyboardMarkup | None, photos: bool = True, html: bool = True,
) -> InlineQueryResult:
    """One inline result carrying the whole card: a photo when Telegram takes the pin's picture as one."""
    description = shorten(f"{host_of(card.url)} · {card.description}".strip(" ·"), 120)
    jpeg = card.image_url if card.image_url and card.image_type == JPEG else None
    mode = ParseMode.HTML if html else None
    if jpeg and photos:
        caption, _ = split_first(pin_html(card), CAPTION_LIMIT)
        return InlineQueryResultPhoto(
            card.ref, jpeg, jpeg, title=card.title, description=description,
            caption=caption if html else plain(caption), parse_mode=mode, reply_markup=markup,
        )
    text = split_first(pin_html(card), TEXT_LIMIT)[0]
    content = InputTextMessageContent(text if html else plain(text), parse_mode=mode)
    return InlineQueryResultArticle(
        card.ref, shorten(card.title, 100) or card.ref, content, reply_markup=markup,
        url=card.url, description=description, thumbnail_url=jpeg,
    )


async def answer_page(query: InlineQuery, cards: list[PinCard], page: dict) -> None:
    """Answer with one result per card; a page refused for its pictures goes as articles, for its HTML as plain text."""
    cards = cards[:MAX_RESULTS]
    keyboards = [keyboard.markup((pin_buttons(card),), None) for card in cards]  # refs only: nothing stored
    try:
        await query.answer([result_of(c, k) for c, k in zip(cards, keyboards)], **page)
        return
    except BadRequest as error:
        kind = classify(error).kind
        photos = any(card.image_url and card.image_type == JPEG for card in cards)
        if kind is not Kind.BAD_HTML and not (kind is Kind.REFUSED and photos):
            raise
        # Telegram fetches photo results itself and refuses the whole page for one bad picture.
        log.info("telegram inline answer refused (%s); answering again %s", error.message,
                 "as plain text" if kind is Kind.BAD_HTML else "without pictures")
    as_plain = kind is Kind.BAD_HTML
    await query.answer([result_of(c, k, photos=as_plain, html=not as_plain) for c, k in zip(cards, keyboards)], **page)


@dataclass
class InlineSearch:
    """The inline-query handler, bound to the engine."""

    engine: Engine

    def install(self, application: Application) -> None:
        """Register the InlineQueryHandler."""
        application.add_handler(InlineQueryHandler(self.search))

    async def search(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answer one inline query with a page of matching pins."""
        query = update.inline_query
        if query is None:
            return
        words, offset = query.query.strip(), page_offset(query.offset)
        identity = identity_of(query.from_user)
        if not words:
            code = await asyncio.to_thread(self.engine.language, identity)
            await query.answer([], cache_time=CACHE_SECONDS, is_personal=True, button=_hint(str(localized(EMPTY, code))))
            return
        reply = await asyncio.to_thread(self.engine.search_pins, identity, words, offset, PAGE)
        if not reply.ok:
            await query.answer([], cache_time=CACHE_SECONDS, is_personal=True, button=_hint(plain_text(reply.body)))
            return
        cards = list(reply.items)
        page = {"cache_time": CACHE_SECONDS, "is_personal": True, "next_offset": next_offset(offset, len(cards))}
        with speaking(reply.locale):  # the cards' buttons in the searcher's language
            await answer_page(query, cards, page)


def _hint(text: str) -> InlineQueryResultsButton:
    """A button above the (empty) results that opens the private chat with /start help."""
    return InlineQueryResultsButton(shorten(text, 64), start_parameter="help")
