"""POST /telegram/webhook: check the secret and the update, hand it to the Application.

Nothing is recorded here: update_id is deduplicated by the Application itself (see
application.py), so an update answered 503 is handled when Telegram sends it again.
"""

from __future__ import annotations

import concurrent.futures
import hmac
import json
import logging

from flask import Blueprint, jsonify, request
from telegram import Update

from adapters.telegram.runner import TelegramRunner

log = logging.getLogger(__name__)
MAX_BODY = 1 << 20  # Telegram updates are a few KB; refuse anything absurd
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def secret_ok(given: str | None, secret: str) -> bool:
    """Constant-time check of the secret header; an unset secret refuses everything."""
    return bool(secret) and hmac.compare_digest((given or "").encode(), secret.encode())


def well_formed(update: Update) -> bool:
    """The fields Telegram always sends and our handlers rely on (PTB's parser is lenient)."""
    message = update.effective_message
    if message is not None and (message.chat is None or message.message_id is None):
        return False
    for query in (update.callback_query, update.inline_query):
        if query is not None and (query.from_user is None or not query.id):
            return False
    return True


def blueprint(runner: TelegramRunner, secret: str) -> Blueprint:
    """The webhook route, bound to this process's runner."""
    bp = Blueprint("telegram_webhook", __name__)

    @bp.post("/telegram/webhook")
    def telegram_webhook():
        """Answer fast: the update is queued, handlers run on the bot's event loop."""
        if not secret_ok(request.headers.get(SECRET_HEADER), secret):
            return _answer(403, "wrong or missing secret token")
        if request.content_length is not None and request.content_length > MAX_BODY:
            return _answer(413, "update too large")
        data = _json(request.get_data(cache=False))
        update_id = data.get("update_id") if isinstance(data, dict) else None
        if not isinstance(update_id, int) or isinstance(update_id, bool):
            log.info("refused a Telegram webhook request: not a Telegram update")
            return _answer(400, "not a Telegram update")
        if not runner.running:
            return _answer(503, "the bot is starting")  # Telegram retries
        try:
            update = Update.de_json(data, runner.application.bot)
        except (TypeError, ValueError, KeyError, AttributeError, RecursionError) as error:
            log.info("refused a Telegram webhook request: malformed update %s (%s)", update_id, type(error).__name__)
            return _answer(400, "malformed update")
        if not well_formed(update):
            log.info("refused a Telegram webhook request: malformed update %s", update_id)
            return _answer(400, "malformed update")
        try:
            runner.feed(update)
        except (concurrent.futures.TimeoutError, RuntimeError):
            log.warning("telegram update %s not queued (the bot is busy or stopping); Telegram will retry", update_id)
            return _answer(503, "the bot is busy or stopping")
        return _answer(200, "queued")

    return bp


def _json(body: bytes):
    """The parsed body, or None for anything that is not JSON (deep nesting included)."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None


def _answer(status: int, description: str):
    return jsonify({"ok": 200 <= status < 300, "description": description}), status
