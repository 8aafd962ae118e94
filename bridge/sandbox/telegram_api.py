"""A local stand-in for the Telegram Bot API, served by Flask (state lives in telegram_state.py).

Point a real client at it: ``telegram.Bot(token, base_url=served.url + "/bot")``; PTB appends
the token and the method, so calls arrive as ``POST /bot<token>/<method>``.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any, Callable

from flask import Blueprint, Flask, Request, jsonify, request

from bridge.sandbox.telegram_rules import (
    MAX_CAPTION_LENGTH,
    MAX_TEXT_LENGTH,
    ApiError,
    Call,
    bad_request,
    photo_sizes,
)
from bridge.sandbox.telegram_state import TelegramStandin

__all__ = ["ApiError", "Call", "TelegramStandin", "answer", "blueprint", "create_app", "parse_request"]

Params = dict[str, Any]
Handler = Callable[[TelegramStandin, Params], Any]

# PTB posts form fields, JSON-encoding every non-string value; string-typed arguments come raw.
STRING_PARAMS = frozenset({
    "text", "caption", "parse_mode", "photo", "url", "secret_token", "callback_query_id",
    "inline_query_id", "inline_message_id", "next_offset", "language_code", "title", "description",
    "ip_address", "business_connection_id", "message_effect_id",
})
# In JSON bodies these may still arrive as JSON text, as the Bot API allows.
JSON_PARAMS = frozenset({
    "reply_markup", "reply_parameters", "results", "commands", "allowed_updates", "scope",
    "menu_button", "button", "entities", "caption_entities", "link_preview_options",
})
COMMAND = re.compile(r"[a-z0-9_]{1,32}")
SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
GIFT_TYPES = ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription", "gifts_from_channels")


def _int(params: Params, name: str, default: int | None = None) -> int | None:
    """An optional integer argument (sent as a number or a string)."""
    value = params.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise bad_request(f"invalid {name} specified") from None


def _flag(params: Params, name: str) -> bool:
    """A boolean argument, sent as true/false JSON or as a string."""
    return params.get(name) in (True, 1, "true", "True", "1")


def _chat_id(params: Params) -> int:
    """The required chat_id; usernames (@channel) are not modelled, so they are unknown chats."""
    if params.get("chat_id") in (None, ""):
        raise bad_request("chat_id is empty")
    try:
        return int(params["chat_id"])
    except (TypeError, ValueError):
        raise bad_request("chat not found") from None


def _message_id(params: Params) -> int:
    """The required message_id of an edit or delete."""
    message_id = _int(params, "message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    return message_id


def _checked_text(params: Params, empty: str) -> str:
    """The `text` argument, rejected when empty or longer than Telegram allows."""
    text = params.get("text")
    text = "" if text is None else str(text)
    if not text.strip():
        raise bad_request(empty)
    if len(text) > MAX_TEXT_LENGTH:
        raise bad_request("message is too long")
    return text


def _checked_caption(params: Params) -> str | None:
    """The optional `caption` argument, rejected when longer than Telegram allows."""
    caption = params.get("caption")
    if caption and len(str(caption)) > MAX_CAPTION_LENGTH:
        raise bad_request("message caption is too long")
    return str(caption) if caption else None


def _send(standin: TelegramStandin, params: Params, fields: Params) -> Params:
    """Send a message with the fields common to every send* method."""
    reply = params.get("reply_parameters") if isinstance(params.get("reply_parameters"), dict) else {}
    fields.update(
        parse_mode=params.get("parse_mode"),
        reply_markup=params.get("reply_markup"),
        reply_to_message_id=_int(reply, "message_id") or _int(params, "reply_to_message_id"),
    )
    allow = _flag(params, "allow_sending_without_reply") or _flag(reply, "allow_sending_without_reply")
    return standin.send(_chat_id(params), fields, allow)


def _edit(standin: TelegramStandin, params: Params, kind: str, changes: Params) -> Params | bool:
    """Edit a chat message (answering its Message) or an inline message (answering True)."""
    # Telegram drops an inline keyboard on edit unless the call sends reply_markup again.
    changes["reply_markup"] = params.get("reply_markup")
    if params.get("inline_message_id"):
        return True
    return standin.edit(_chat_id(params), _message_id(params), kind, changes)


def _get_me(standin: TelegramStandin, params: Params) -> Params:
    return standin.bot_user()


def _send_message(standin: TelegramStandin, params: Params) -> Params:
    text = _checked_text(params, "message text is empty")
    return _send(standin, params, {"text": text, "entities": params.get("entities")})


def _send_photo(standin: TelegramStandin, params: Params) -> Params:
    photo = params.get("photo")
    if not photo or not isinstance(photo, str):
        raise bad_request("there is no photo in the request")
    fields = {"photo": photo_sizes(photo), "photo_source": photo, "caption": _checked_caption(params)}
    fields["caption_entities"] = params.get("caption_entities")
    return _send(standin, params, fields)


def _edit_message_text(standin: TelegramStandin, params: Params) -> Params | bool:
    text = _checked_text(params, "text must be non-empty")
    return _edit(standin, params, "text", {"text": text, "parse_mode": params.get("parse_mode")})


def _edit_message_caption(standin: TelegramStandin, params: Params) -> Params | bool:
    changes = {"caption": _checked_caption(params), "parse_mode": params.get("parse_mode")}
    return _edit(standin, params, "caption", changes)


def _edit_message_reply_markup(standin: TelegramStandin, params: Params) -> Params | bool:
    return _edit(standin, params, "reply_markup", {})


def _delete_message(standin: TelegramStandin, params: Params) -> bool:
    standin.delete(_chat_id(params), _message_id(params))
    return True


def _answer_callback_query(standin: TelegramStandin, params: Params) -> bool:
    query_id = str(params.get("callback_query_id") or "")
    reply = {"text": params.get("text"), "show_alert": _flag(params, "show_alert"), "url": params.get("url")}
    reply["cache_time"] = _int(params, "cache_time", 0)
    standin.answer_query("callback_query", query_id, reply)
    return True


def _answer_inline_query(standin: TelegramStandin, params: Params) -> bool:
    results = params.get("results")
    if not isinstance(results, list):
        raise bad_request("can't parse inline query results JSON object")
    if len(results) > 50:
        raise bad_request("RESULTS_TOO_MUCH")
    reply = {"results": results, "cache_time": _int(params, "cache_time", 300)}
    reply.update(is_personal=_flag(params, "is_personal"), next_offset=params.get("next_offset") or "")
    standin.answer_query("inline_query", str(params.get("inline_query_id") or ""), reply)
    return True


def _set_webhook(standin: TelegramStandin, params: Params) -> bool:
    # The stand-in accepts http:// URLs (real Telegram insists on HTTPS) so the sandbox can use them.
    url = str(params.get("url") or "")
    secret = params.get("secret_token")
    if secret and not SECRET_TOKEN.fullmatch(str(secret)):
        raise bad_request("secret token contains unallowed characters")
    webhook = {
        "url": url,
        "secret_token": secret,
        "allowed_updates": params.get("allowed_updates"),
        "max_connections": _int(params, "max_connections"),
    }
    standin.set_webhook(webhook if url else None, _flag(params, "drop_pending_updates"))
    return True


def _delete_webhook(standin: TelegramStandin, params: Params) -> bool:
    standin.set_webhook(None, _flag(params, "drop_pending_updates"))
    return True


def _get_webhook_info(standin: TelegramStandin, params: Params) -> Params:
    return standin.webhook_info()


def _command_scope(params: Params) -> tuple[str, str]:
    """The (scope type, language code) a *MyCommands call is about."""
    scope = params.get("scope") if isinstance(params.get("scope"), dict) else {}
    return str(scope.get("type") or "default"), str(params.get("language_code") or "")


def _set_my_commands(standin: TelegramStandin, params: Params) -> bool:
    commands = params.get("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON object")
    for command in commands:
        if not isinstance(command, dict) or not COMMAND.fullmatch(str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description") or "")) <= 256:
            raise bad_request("command description must be non-empty")
    standin.set_commands(commands, *_command_scope(params))
    return True


def _get_my_commands(standin: TelegramStandin, params: Params) -> list[Params]:
    return standin.my_commands(*_command_scope(params))


def _delete_my_commands(standin: TelegramStandin, params: Params) -> bool:
    standin.set_commands([], *_command_scope(params))
    return True


def _get_updates(standin: TelegramStandin, params: Params) -> list[Params]:
    limit = min(max(_int(params, "limit", 100), 1), 100)
    try:
        timeout = float(params.get("timeout") or 0)
    except (TypeError, ValueError):
        raise bad_request("invalid timeout specified") from None
    return standin.take_updates(_int(params, "offset", 0), limit, timeout)


def _get_chat(standin: TelegramStandin, params: Params) -> Params:
    chat = standin.chat(_chat_id(params))
    gifts = dict.fromkeys(GIFT_TYPES, False)
    return {**chat, "accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": gifts}


def _set_chat_menu_button(standin: TelegramStandin, params: Params) -> bool:
    chat_id = _int(params, "chat_id")
    if chat_id is not None:
        standin.chat(chat_id)
    button = params.get("menu_button") if isinstance(params.get("menu_button"), dict) else {"type": "default"}
    standin.set_menu_button(chat_id, button)
    return True


HANDLERS: dict[str, Handler] = {
    "getMe": _get_me,
    "sendMessage": _send_message,
    "sendPhoto": _send_photo,
    "editMessageText": _edit_message_text,
    "editMessageCaption": _edit_message_caption,
    "editMessageReplyMarkup": _edit_message_reply_markup,
    "deleteMessage": _delete_message,
    "answerCallbackQuery": _answer_callback_query,
    "answerInlineQuery": _answer_inline_query,
    "setWebhook": _set_webhook,
    "deleteWebhook": _delete_webhook,
    "getWebhookInfo": _get_webhook_info,
    "setMyCommands": _set_my_commands,
    "getMyCommands": _get_my_commands,
    "deleteMyCommands": _delete_my_commands,
    "getUpdates": _get_updates,
    "getChat": _get_chat,
    "setChatMenuButton": _set_chat_menu_button,
}
# Telegram matches method names case-insensitively.
CANONICAL = {name.lower(): name for name in HANDLERS}


def _decoded(params: Params, keys: frozenset[str] | None) -> Params:
    """Params with JSON-encoded values decoded (only `keys`, or every non-string argument)."""
    decoded = dict(params)
    for key, value in params.items():
        wanted = key in keys if keys is not None else key not in STRING_PARAMS
        if isinstance(value, str) and wanted:
            try:
                decoded[key] = json.loads(value)
            except ValueError:
                pass  # a plain string (e.g. chat_id "@channel"); the handler judges it
    return decoded


def parse_request(req: Request) -> Params:
    """Merge the query, form (urlencoded or multipart) and JSON arguments of a Bot API request."""
    params = _decoded({**req.args.to_dict(), **req.form.to_dict()}, None)
    for name, upload in req.files.items():
        params[name] = f"upload:{upload.filename or name}"
    body = req.get_json(silent=True) if req.is_json else None
    if isinstance(body, dict):
        params.update(_decoded(body, JSON_PARAMS))
    return params


def answer(standin: TelegramStandin, method: str, params: Params) -> tuple[str, int, Params]:
    """The canonical method name, HTTP status and JSON body of one Bot API call."""
    name = CANONICAL.get(method.lower(), method)
    try:
        if name not in HANDLERS:
            raise ApiError(404, "Not Found")
        fault = standin.take_fault(name)
        if fault is not None:
            raise fault
        return name, 200, {"ok": True, "result": HANDLERS[name](standin, params)}
    except ApiError as error:
        return name, error.status, error.payload()


def blueprint(standin: TelegramStandin, url_prefix: str = "", name: str = "telegram_standin") -> Blueprint:
    """A Blueprint serving GET|POST {prefix}/bot<token>/<method>."""
    bp = Blueprint(name, __name__, url_prefix=url_prefix or None)

    @bp.route("/bot<token>/<method>", methods=["GET", "POST"])
    def bot_api(token: str, method: str) -> Any:
        """Answer one Bot API call and record it."""
        if token != standin.token:
            return jsonify(ApiError(401, "Unauthorized").payload()), 401
        arrived = time.time()
        params = parse_request(request)
        name, status, body = answer(standin, method, params)
        error = None if status == 200 else body["description"]
        standin.record_call(name, params, status, error, arrived)
        return jsonify(body), status

    return bp


def create_app(standin: TelegramStandin) -> Flask:
    """A Flask app serving only the Telegram stand-in, at the root."""
    app = Flask(__name__)
    app.register_blueprint(blueprint(standin))
    return app
