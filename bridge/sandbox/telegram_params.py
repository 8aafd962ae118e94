"""A Bot API call's arguments: read from the request, checked against the published method table."""

from __future__ import annotations

import json
from typing import Any

from flask import Request

from bridge.sandbox.telegram_rules import ApiError, bad_request
from bridge.sandbox.telegram_spec import METHODS

Params = dict[str, Any]

# PTB posts form fields, JSON-encoding every non-string value; string-typed arguments come raw.
STRING_PARAMS = frozenset({
    "text", "caption", "parse_mode", "photo", "url", "secret_token", "callback_query_id",
    "inline_query_id", "inline_message_id", "next_offset", "language_code", "title", "description",
    "ip_address", "business_connection_id", "message_effect_id", "document",
})
# In JSON bodies these may still arrive as JSON text, as the Bot API allows.
JSON_PARAMS = frozenset({
    "reply_markup", "reply_parameters", "results", "commands", "allowed_updates", "scope",
    "menu_button", "button", "entities", "caption_entities", "link_preview_options", "media",
})
# Spec types that are not JSON-serialized objects or arrays.
PLAIN_TYPES = frozenset({"Integer", "String", "Boolean", "Float", "InputFile"})
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
# How the Bot API words a missing required argument (Client.cpp; the rest are the server's answers).
MISSING = {
    "chat_id": "chat_id is empty",
    "text": "message text is empty",
    "message_id": "message identifier is not specified",
    "photo": "there is no photo in the request",
    "document": "there is no document in the request",
    "callback_query_id": QUERY_INVALID,
    "inline_query_id": QUERY_INVALID,
    "results": "can't parse inline query results JSON object",
}
# Required in the spec, yet the Bot API takes them empty or absent: an empty webhook URL removes the
# webhook (core.telegram.org/bots/api#setwebhook); setMyCommands without commands sets an empty list
# (levlam in tdlib/telegram-bot-api#98).
LENIENT = frozenset({("setWebhook", "url"), ("setMyCommands", "commands")})
# How the Bot API words a structured argument that is not valid JSON of the right kind.
UNPARSABLE = {
    "reply_markup": "can't parse reply keyboard markup JSON object",
    "entities": "can't parse entities JSON object",
    "caption_entities": "can't parse entities JSON object",
    "results": "can't parse inline query results JSON object",
    "link_preview_options": "can't parse link preview options JSON object",
    "reply_parameters": "can't parse reply parameters JSON object",
    "scope": "can't parse BotCommandScope JSON object",
    "menu_button": "can't parse menu button JSON object",
    "commands": "can't parse commands JSON object",
}


def _decoded(params: Params, keys: frozenset[str] | None) -> Params:
    """Params with JSON-encoded values decoded (only `keys`, or every non-string argument)."""
    decoded = dict(params)
    for key, value in params.items():
        wanted = key in keys if keys is not None else key not in STRING_PARAMS
        if isinstance(value, str) and wanted:
            try:
                decoded[key] = json.loads(value)
            except ValueError:
                pass  # a plain string (e.g. chat_id "@channel"); the checks judge it
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


def _structured_kind(types: tuple[str, ...]) -> type | None:
    """list or dict when every spec type of a parameter is a JSON array or object, else None."""
    if any(kind in PLAIN_TYPES for kind in types):
        return None
    return list if all(kind.startswith("Array of") for kind in types) else dict


def check_params(method: str, params: Params) -> None:
    """Refuse missing required arguments and unparsable JSON ones; unknown ones are ignored, as Telegram does."""
    # https://core.telegram.org/bots/api#making-requests: parameters by name; Telegram ignores ones it
    # does not know (so do we: older clients' removed parameters keep working).
    for name, (types, required) in METHODS.get(method, {}).items():
        value = params.get(name)
        if value in (None, ""):
            if required and (method, name) not in LENIENT:
                raise bad_request(MISSING.get(name, f'parameter "{name}" is required'))
            continue
        kind = _structured_kind(types)
        if kind is not None and not isinstance(value, kind):
            raise bad_request(UNPARSABLE.get(name, f"can't parse {name} JSON object"))


def int_arg(params: Params, name: str, default: int | None = None) -> int | None:
    """An optional integer argument (sent as a number or a string)."""
    value = params.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise bad_request(f"invalid {name} specified") from None


def flag_arg(params: Params, name: str) -> bool:
    """A boolean argument; the Bot API reads anything but true/1 as false rather than refusing it."""
    return params.get(name) in (True, 1, "true", "True", "1")


def chat_id_arg(params: Params) -> int:
    """The chat_id; usernames (@channel) are not modelled, so they are unknown chats."""
    if params.get("chat_id") in (None, ""):
        raise bad_request("chat_id is empty")
    try:
        return int(params["chat_id"])
    except (TypeError, ValueError):
        raise bad_request("chat not found") from None


def message_id_arg(params: Params) -> int:
    """The message_id of an edit or delete."""
    try:
        message_id = int_arg(params, "message_id")
    except ApiError:
        message_id = None
    if not message_id:
        raise bad_request("message identifier is not specified")
    return message_id
