"""Message text and captions as Telegram measures them: after entity parsing, trimmed, in characters."""

from __future__ import annotations

from bridge.sandbox.telegram_html import HtmlError, parse_html
from bridge.sandbox.telegram_rules import MAX_CAPTION_LENGTH, MAX_TEXT_LENGTH, bad_request

# https://core.telegram.org/bots/api#formatting-options (Client.cpp answers "Unsupported parse_mode" otherwise).
PARSE_MODES = frozenset({"html", "markdown", "markdownv2"})


def visible_text(text: str, parse_mode: object) -> str:
    """The text a reader sees once `parse_mode` markup is parsed (HTML fully; Markdown left as is)."""
    mode = str(parse_mode or "").lower()
    if mode and mode not in PARSE_MODES:
        # https://core.telegram.org/bots/api#formatting-options
        raise bad_request("unsupported parse_mode")
    if mode != "html":
        return text
    try:
        return parse_html(text)[0]
    except HtmlError as error:
        # https://core.telegram.org/bots/api#html-style; wording from TDLib's parse_html().
        raise bad_request(f"can't parse entities: {error}") from None


def length(text: str) -> int:
    """Telegram's length of a visible text: Unicode code points after trimming spaces and newlines."""
    # TDLib's fix_formatted_text() trims before the server counts; a live probe (FerroxLabs/wayland#934,
    # 2026-08-29) found 4,096 emoji (8,192 UTF-16 units) accepted and 4,097 refused: code points, not UTF-16.
    return len(text.strip(" \n"))


def checked_text(text: object, parse_mode: object) -> str:
    """A message text (sendMessage, editMessageText, input_message_content) Telegram would accept."""
    if text in (None, ""):
        # Bot API Client.cpp get_input_message_text(): "Message text is empty".
        raise bad_request("message text is empty")
    shown = length(visible_text(str(text), parse_mode))
    if shown == 0:
        # TDLib fix_formatted_text(): whitespace-only (after parsing) is "Message must be non-empty".
        raise bad_request("message must be non-empty")
    if shown > MAX_TEXT_LENGTH:
        raise bad_request("message is too long")  # https://core.telegram.org/bots/api#sendmessage
    return str(text)


def checked_caption(caption: object, parse_mode: object) -> str | None:
    """An optional caption (0-1024 characters after entities parsing), or None when absent."""
    if caption in (None, ""):
        return None
    if length(visible_text(str(caption), parse_mode)) > MAX_CAPTION_LENGTH:
        raise bad_request("message caption is too long")  # https://core.telegram.org/bots/api#sendphoto
    return str(caption)

