"""A local stand-in for the Telegram Bot API, served by Flask (state lives in telegram_state.py).

Point a real client at it: ``telegram.Bot(token, base_url=served.url + "/bot")``; PTB appends
the token and the method, so calls arrive as ``POST /bot<token>/<method>``.
"""

from __future__ import annotations

import re
import time
from typing import Any, Callable

from flask import Blueprint, Flask, Response, jsonify, request

from bridge.sandbox.telegram_commands import check_commands, check_scope
from bridge.sandbox.telegram_inline import check_inline_answer
from bridge.sandbox.telegram_markup import check_reply_markup
from bridge.sandbox.telegram_params import (
    chat_id_arg,
    check_params,
    flag_arg,
    int_arg,
    message_id_arg,
    parse_request,
)
from bridge.sandbox.telegram_rules import ApiError, Call, bad_request, photo_sizes
from bridge.sandbox.telegram_state import TelegramStandin
from bridge.sandbox.telegram_text import checked_caption, checked_text

__all__ = ["ApiError", "Call", "TelegramStandin", "answer", "blueprint", "create_app", "parse_request"]

Params = dict[str, Any]
Handler = Callable[[TelegramStandin, Params], Any]

SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
GIFT_TYPES = ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription", "gifts_from_channels")
# https://core.telegram.org/bots/api#answercallbackquery: text "0-200 characters"; the server answers
# MESSAGE_TOO_LONG beyond it (eternnoir/pyTelegramBotAPI#500).
MAX_CALLBACK_TEXT = 200
# sendPhoto by URL: Telegram downloads the URL and its content decides the message: "PNG and JPG files are
# treated as photos" (levlam in tdlib/telegram-bot-api#644). Other content cannot become a photo; Telegram
# answers such a URL "wrong type of the web page content" (WEBPAGE_MEDIA_EMPTY, tdlib/telegram-bot-api#782).
PHOTO_TYPES = frozenset({"image/jpeg", "image/png"})


def _send(standin: TelegramStandin, params: Params, fields: Params) -> Params:
    """Send a message with the fields common to every send* method."""
    check_reply_markup(params.get("reply_markup"))
    reply = params.get("reply_parameters") if isinstance(params.get("reply_parameters"), dict) else {}
    fields.update(
        parse_mode=params.get("parse_mode"),
        reply_markup=params.get("reply_markup"),
        reply_to_message_id=int_arg(reply, "message_id") or int_arg(params, "reply_to_message_id"),
        message_thread_id=int_arg(params, "message_thread_id"),
    )
    allow = flag_arg(params, "allow_sending_without_reply") or flag_arg(reply, "allow_sending_without_reply")
    return standin.send(chat_id_arg(params), fields, allow)


def _edit(standin: TelegramStandin, params: Params, kind: str, changes: Params) -> Params | bool:
    """Edit a chat message (answering its Message) or an inline message (answering True)."""
    check_reply_markup(params.get("reply_markup"))
    # Telegram drops an inline keyboard on edit unless the call sends reply_markup again.
    changes["reply_markup"] = params.get("reply_markup")
    if params.get("inline_message_id"):
        return True
    return standin.edit(chat_id_arg(params), message_id_arg(params), kind, changes)


def _get_me(standin: TelegramStandin, params: Params) -> Params:
    return standin.bot_user()


def _send_message(standin: TelegramStandin, params: Params) -> Params:
    text = checked_text(params.get("text"), params.get("parse_mode"))
    return _send(standin, params, {"text": text, "entities": params.get("entities")})


def _send_photo(standin: TelegramStandin, params: Params) -> Params:
    photo = params.get("photo")
    if not photo or not isinstance(photo, str):
        # https://core.telegram.org/bots/api#sendphoto: photo is required (Client.cpp's wording).
        raise bad_request("there is no photo in the request")
    by_url = photo.startswith(("http://", "https://"))
    kind = standin.image_type(photo) if by_url else None
    if kind is not None and kind not in PHOTO_TYPES:
        raise bad_request("wrong type of the web page content")
    # https://core.telegram.org/bots/api#sending-files: "Pass a file_id as String to send a photo that exists on
    # the Telegram servers": one Telegram gave out, nothing else (tdlib's wording for anything else).
    caption = checked_caption(params.get("caption"), params.get("parse_mode"))
    sizes = photo_sizes(photo) if by_url else standin.photo_by_id(photo)
    if sizes is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    standin.remember_photo(sizes)
    fields = {"photo": sizes, "photo_source": photo}
    fields["caption"] = caption
    fields["caption_entities"] = params.get("caption_entities")
    return _send(standin, params, fields)


def _edit_message_text(standin: TelegramStandin, params: Params) -> Params | bool:
    text = checked_text(params.get("text"), params.get("parse_mode"))
    return _edit(standin, params, "text", {"text": text, "parse_mode": params.get("parse_mode")})


def _edit_message_caption(standin: TelegramStandin, params: Params) -> Params | bool:
    changes = {"caption": checked_caption(params.get("caption"), params.get("parse_mode"))}
    changes["parse_mode"] = params.get("parse_mode")
    return _edit(standin, params, "caption", changes)


def _edit_message_reply_markup(standin: TelegramStandin, params: Params) -> Params | bool:
    return _edit(standin, params, "reply_markup", {})


def _delete_message(standin: TelegramStandin, params: Params) -> bool:
    standin.delete(chat_id_arg(params), message_id_arg(params))
    return True


def _answer_callback_query(standin: TelegramStandin, params: Params) -> bool:
    query_id = str(params.get("callback_query_id") or "")
    if len(str(params.get("text") or "")) > MAX_CALLBACK_TEXT:
        raise bad_request("MESSAGE_TOO_LONG")
    reply = {"text": params.get("text"), "show_alert": flag_arg(params, "show_alert"), "url": params.get("url")}
    reply["cache_time"] = int_arg(params, "cache_time", 0)
    standin.answer_query("callback_query", query_id, reply)
    return True


def _answer_inline_query(standin: TelegramStandin, params: Params) -> bool:
    results = params.get("results")
    check_inline_answer(results, params.get("next_offset"), params.get("button"), standin.image_type)
    reply = {"results": results, "cache_time": int_arg(params, "cache_time", 300)}
    reply.update(is_personal=flag_arg(params, "is_personal"), next_offset=params.get("next_offset") or "")
    standin.answer_query("inline_query", str(params.get("inline_query_id") or ""), reply)
    return True


def _set_webhook(standin: TelegramStandin, params: Params) -> bool:
    # Deliberately lenient: http:// URLs pass (real Telegram insists on HTTPS) so the sandbox can use them.
    url = str(params.get("url") or "")
    secret = params.get("secret_token")
    if secret and not SECRET_TOKEN.fullmatch(str(secret)):
        # https://core.telegram.org/bots/api#setwebhook: secret_token "1-256 characters ... A-Z, a-z, 0-9, _ and -".
        raise bad_request("secret token contains unallowed characters")
    webhook = {
        "url": url,
        "secret_token": secret,
        "allowed_updates": params.get("allowed_updates"),
        "max_connections": int_arg(params, "max_connections"),
    }
    standin.set_webhook(webhook if url else None, flag_arg(params, "drop_pending_updates"))
    return True


def _delete_webhook(standin: TelegramStandin, params: Params) -> bool:
    standin.set_webhook(None, flag_arg(params, "drop_pending_updates"))
    return True


def _get_webhook_info(standin: TelegramStandin, params: Params) -> Params:
    return standin.webhook_info()


def _command_scope(params: Params) -> tuple[str, str]:
    """The (scope type, language code) a *MyCommands call is about."""
    check_scope(params.get("scope"), params.get("language_code"))
    scope = params.get("scope") if isinstance(params.get("scope"), dict) else {}
    return str(scope.get("type") or "default"), str(params.get("language_code") or "")


def _set_my_commands(standin: TelegramStandin, params: Params) -> bool:
    commands = check_commands(params.get("commands"), params.get("scope"), params.get("language_code"))
    standin.set_commands(commands, *_command_scope(params))
    return True


def _get_my_commands(standin: TelegramStandin, params: Params) -> list[Params]:
    return standin.my_commands(*_command_scope(params))


def _delete_my_commands(standin: TelegramStandin, params: Params) -> bool:
    standin.set_commands([], *_command_scope(params))
    return True


def _get_updates(standin: TelegramStandin, params: Params) -> list[Params]:
    limit = min(max(int_arg(params, "limit", 100), 1), 100)
    try:
        timeout = float(params.get("timeout") or 0)
    except (TypeError, ValueError):
        raise bad_request("invalid timeout specified") from None
    return standin.take_updates(int_arg(params, "offset", 0), limit, timeout)


def _get_chat(standin: TelegramStandin, params: Params) -> Params:
    chat = standin.chat(chat_id_arg(params))
    gifts = dict.fromkeys(GIFT_TYPES, False)
    return {**chat, "accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": gifts}


def _set_chat_menu_button(standin: TelegramStandin, params: Params) -> bool:
    chat_id = int_arg(params, "chat_id")
    if chat_id is not None:
        standin.chat(chat_id)
    button = params.get("menu_button") if isinstance(params.get("menu_button"), dict) else {"type": "default"}
    standin.set_menu_button(chat_id, button)
    return True


def _get_file(standin: TelegramStandin, params: Params) -> Params:
    return standin.file(str(params.get("file_id")))


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
    "getFile": _get_file,
}
# Telegram matches method names case-insensitively.
CANONICAL = {name.lower(): name for name in HANDLERS}


def answer(standin: TelegramStandin, method: str, params: Params) -> tuple[str, int, Params]:
    """The canonical method name, HTTP status and JSON body of one Bot API call."""
    name = CANONICAL.get(method.lower(), method)
    try:
        if name not in HANDLERS:
            raise ApiError(404, "Not Found")
        fault = standin.take_fault(name)
        if fault is not None:
            raise fault
        check_params(name, params)
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
        time.sleep(standin.take_lateness(name))  # done already: only the answer is late
        return jsonify(body), status

    @bp.get("/file/bot<token>/<path:path>")
    def file_download(token: str, path: str) -> Any:
        """https://api.telegram.org/file/bot<token>/<file_path>: the bytes of a file getFile described."""
        data = standin.file_bytes(path) if token == standin.token else None
        if data is None:
            return jsonify(ApiError(404, "Not Found").payload()), 404
        return Response(data, mimetype="application/octet-stream")

    return bp


def create_app(standin: TelegramStandin) -> Flask:
    """A Flask app serving only the Telegram stand-in, at the root."""
    app = Flask(__name__)
    app.register_blueprint(blueprint(standin))
    return app
