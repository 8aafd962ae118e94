"""Inline keyboards as Telegram checks them (https://core.telegram.org/bots/api#inlinekeyboardbutton)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from bridge.sandbox.telegram_rules import bad_request

# Telegram's limit on buttons in one inline keyboard; beyond it the server answers REPLY_MARKUP_TOO_LONG,
# which the Bot API words "reply markup is too long" (tginfo/Telegram-Limits#228, pyTelegramBotAPI#511).
MAX_BUTTONS = 100
# https://core.telegram.org/bots/api#inlinekeyboardbutton: callback_data "1-64 bytes".
MAX_CALLBACK_BYTES = 64
# Exactly one of these makes a button do something; https://core.telegram.org/bots/api#inlinekeyboardbutton
ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query", "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat", "copy_text", "callback_game", "pay",
)
# A button with no action; wording of today's Bot API (HilelLustiger/max#32, 2026-09-04).
TEXT_BUTTON = "can't parse InlineKeyboardButton: Text buttons are not allowed in the inline keyboard"
# Schemes TDLib's LinkManager::check_link() accepts for a URL button (http/https and tg: links).
URL_SCHEMES = frozenset({"http", "https", "tg"})


def _url_refusal(url: str) -> str | None:
    """Why TDLib refuses `url` as a button URL, or None ("Wrong HTTP URL", "Unsupported URL protocol")."""
    parts = urlsplit(url if "://" in url or url.startswith("tg:") else f"http://{url}")
    scheme = parts.scheme.lower()
    if scheme not in URL_SCHEMES:
        return "Unsupported URL protocol"
    if scheme == "tg":
        return None if (parts.netloc or parts.path) else "Wrong tg URL"
    # LinkManager::check_link(): an HTTP URL needs a dotted host name (so "localhost" is refused).
    host = parts.hostname or ""
    if "." not in host or host.startswith(".") or host.endswith(".") or " " in url:
        return "Wrong HTTP URL"
    return None


def _action(button: dict[str, Any]) -> str | None:
    """The field that gives a button its action; an empty callback_data or url gives none."""
    for name in ACTIONS:
        value = button.get(name)
        # switch_inline_query* "can be empty, in which case just the bot's username will be inserted".
        if name.startswith("switch_inline_query") and isinstance(value, str):
            return name
        if value not in (None, "", False):
            return name
    return None


def _check_button(button: Any) -> None:
    """Refuse a button the way the Bot API does."""
    if not isinstance(button, dict):
        raise bad_request("can't parse InlineKeyboardButton: expected an Object")
    text = button.get("text")
    if not isinstance(text, str):
        # td::JsonObject::get_required_string_field(): 'Can't find field "text"'.
        raise bad_request("can't parse InlineKeyboardButton: Can't find field \"text\"")
    if not text.strip():
        # The server's BUTTON_TEXT_INVALID for an empty label (core.telegram.org/api/errors).
        raise bad_request("BUTTON_TEXT_INVALID")
    if _action(button) is None:
        raise bad_request(TEXT_BUTTON)
    data = button.get("callback_data")
    if data is not None and len(str(data).encode()) > MAX_CALLBACK_BYTES:
        raise bad_request("BUTTON_DATA_INVALID")  # callback_data is 1-64 bytes
    url = button.get("url")
    if url is not None:
        reason = _url_refusal(str(url))
        if reason:
            # TDLib get_inline_keyboard_button(): "Inline keyboard button URL '<url>' is invalid: <reason>".
            raise bad_request(f"inline keyboard button URL '{url}' is invalid: {reason}")


def check_reply_markup(markup: Any) -> None:
    """Refuse a reply_markup Telegram would refuse (only inline keyboards are checked in detail)."""
    if markup is None:
        return
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        return
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("can't parse inline keyboard markup: field \"inline_keyboard\" must be an Array of Arrays")
    buttons = [button for row in rows for button in row]
    if len(buttons) > MAX_BUTTONS:
        raise bad_request("reply markup is too long")
    for button in buttons:
        _check_button(button)
