"""answerInlineQuery results as Telegram checks them (https://core.telegram.org/bots/api#answerinlinequery)."""

from __future__ import annotations

import re
from typing import Any, Callable

from bridge.sandbox.telegram_markup import check_reply_markup
from bridge.sandbox.telegram_rules import bad_request
from bridge.sandbox.telegram_text import checked_caption, checked_text

# https://core.telegram.org/bots/api#answerinlinequery: "No more than 50 results per query are allowed."
MAX_RESULTS = 50
# https://core.telegram.org/bots/api#inlinequeryresultarticle: id "Unique identifier for this result, 1-64 Bytes".
MAX_ID_BYTES = 64
# https://core.telegram.org/bots/api#answerinlinequery: next_offset "can't exceed 64 bytes".
MAX_OFFSET_BYTES = 64
# https://core.telegram.org/bots/api#inlinequeryresultsbutton: start_parameter "1-64 characters,
# only A-Z, a-z, 0-9, _ and - are allowed".
START_PARAMETER = re.compile(r"[A-Za-z0-9_-]{1,64}")
ImageType = Callable[[str], "str | None"]


def _missing(field: str) -> None:
    # td::JsonObject::get_required_string_field() wording, as the Bot API passes it on.
    raise bad_request(f"can't parse inline query result: Can't find field \"{field}\"")


def _check_photo(result: dict[str, Any], image_type: ImageType) -> None:
    """https://core.telegram.org/bots/api#inlinequeryresultphoto: photo_url and thumbnail_url are required."""
    for field in ("photo_url", "thumbnail_url"):
        if not result.get(field):
            _missing(field)
    kind = image_type(str(result["photo_url"]))
    if kind is not None and kind != "image/jpeg":
        # "A valid URL of the photo. Photo must be in JPEG format." The server refuses other web
        # document types with WEBDOCUMENT_MIME_INVALID (core.telegram.org/api/errors).
        raise bad_request("WEBDOCUMENT_MIME_INVALID")


def _check_result(result: Any, image_type: ImageType) -> None:
    """Refuse one InlineQueryResult the way Telegram does."""
    if not isinstance(result, dict):
        raise bad_request("can't parse inline query results JSON object")
    result_id = result.get("id")
    if not isinstance(result_id, str) or not 1 <= len(result_id.encode()) <= MAX_ID_BYTES:
        raise bad_request("RESULT_ID_INVALID")
    if result.get("type") == "photo":
        _check_photo(result, image_type)
    if result.get("type") == "article" and not result.get("title"):
        _missing("title")
    checked_caption(result.get("caption"), result.get("parse_mode"))
    content = result.get("input_message_content")
    if isinstance(content, dict) and "message_text" in content:
        checked_text(content.get("message_text"), content.get("parse_mode"))
    elif result.get("type") == "article":
        _missing("input_message_content")
    check_reply_markup(result.get("reply_markup"))


def check_inline_answer(results: Any, next_offset: Any, button: Any, image_type: ImageType) -> None:
    """Refuse an answerInlineQuery call Telegram would refuse."""
    if not isinstance(results, list):
        raise bad_request("can't parse inline query results JSON object")
    if len(results) > MAX_RESULTS:
        raise bad_request("RESULTS_TOO_MUCH")
    seen: set[str] = set()
    for result in results:
        _check_result(result, image_type)
        if result["id"] in seen:
            raise bad_request("RESULT_ID_DUPLICATE")  # ids must be unique within one answer
        seen.add(result["id"])
    if next_offset and len(str(next_offset).encode()) > MAX_OFFSET_BYTES:
        raise bad_request("NEXT_OFFSET_INVALID")
    if isinstance(button, dict) and "start_parameter" in button:
        if not START_PARAMETER.fullmatch(str(button["start_parameter"])):
            raise bad_request("START_PARAM_INVALID")
