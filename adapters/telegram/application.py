"""Building the PTB Application: handlers, per-person ordering, rate limiter, dedup."""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    ContextTypes,
    TypeHandler,
)

from adapters.telegram.callbacks import Buttons
from adapters.telegram.corrections import Corrections
from adapters.telegram.handlers import Commands
from adapters.telegram.inline import InlineSearch
from adapters.telegram.migration import Follow, Migrations
from adapters.telegram.processor import PerPersonOrder
from core.engine import Engine

log = logging.getLogger(__name__)
UPDATE_SOURCE = "telegram_update"  # the inbound-dedup namespace for update_id
# edited_message: a person's edit of a message that went into a conversation follows it (corrections.py).
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "inline_query"]


def file_url(base_url: str) -> str:
    """Where files are downloaded from, beside the Bot API: https://api.telegram.org/bot → …/file/bot."""
    head, _, _ = base_url.rstrip("/").rpartition("/")
    return f"{head}/file/bot"


def build_application(token: str, base_url: str, engine: Engine, *, polling: bool, follow: Follow,
                      pictures=None, photo_ids=None) -> Application:
    """The Application; `base_url` ends where PTB appends the token (…/bot); `follow` moves a migrated group's records;
    `pictures` keeps the pictures people send (bridge.media.Pictures)."""
    builder = (
        ApplicationBuilder().token(token).base_url(base_url).base_file_url(file_url(base_url))
        .concurrent_updates(PerPersonOrder())
        # Only the bot's own answers go through this limiter; deliveries are paced by the worker.
        .rate_limiter(AIORateLimiter(max_retries=2))
    )
    if not polling:
        builder = builder.updater(None)
    application = builder.build()
    # Before any other handler, in both modes: an update is recorded only once the Application
    # takes it up, so one the webhook route could not queue (503) is still new when Telegram retries.
    application.add_handler(TypeHandler(Update, _once(engine)), group=-1)
    commands = Commands(engine, pictures, photo_ids)
    Corrections(engine, commands.answer).install(application)  # before Commands: its catch-all would take /delete
    commands.install(application)
    Buttons(engine).install(application)
    InlineSearch(engine).install(application)
    Migrations(follow).install(application)
    application.add_error_handler(_log_error)
    return application


def _once(engine: Engine):
    async def check(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not await asyncio.to_thread(engine.first_time, UPDATE_SOURCE, str(update.update_id)):
            raise ApplicationHandlerStop

    return check


async def _log_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    update_id = getattr(update, "update_id", None)
    log.error("telegram update %s failed", update_id, exc_info=context.error)
