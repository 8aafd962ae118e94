"""Pure conversions between button rows and Telegram inline keyboards, and back from callback data.

An action naming one pin, conversation or person travels in the button itself
(`save:p12`, `reply:c3`, `pick:bob`): sending a message stores nothing, and the button
works for as long as the message exists, in any process. Only an action that cannot fit
in callback_data's 64 bytes (Mark all read's list of conversations) is stored in the
database behind an opaque key; its button carries `<key>:<index>`.

Callback data comes from the client, so it is read back strictly: anything that is not
exactly one of these shapes reads as None.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from adapters.telegram.render import CHECKED, UNCHECKED, Rows

_VALUES = {  # the one field each inline action carries, and what its value must look like
    "save": ("pin", re.compile(r"p[1-9][0-9]{0,9}")),
    "send": ("pin", re.compile(r"p[1-9][0-9]{0,9}")),
    "confirm": ("pin", re.compile(r"p[1-9][0-9]{0,9}")),
    "reply": ("c", re.compile(r"c[1-9][0-9]{0,9}")),
    "seen": ("c", re.compile(r"c[1-9][0-9]{0,9}")),
    "open": ("c", re.compile(r"c[1-9][0-9]{0,9}")),
    "pick": ("handle", re.compile(r"[a-z0-9_.]{2,32}")),
    "linkok": ("token", re.compile(r"[A-Za-z0-9_-]{16}")),
    "linkno": ("token", re.compile(r"[A-Za-z0-9_-]{16}")),
}
_BARE = frozenset({"close"})  # actions with no field
_STORED = re.compile(r"([A-Za-z0-9_-]{1,32}):([0-9]{1,3})")


def url_allowed(url: str) -> bool:
    """Whether Telegram takes `url` for a URL button: http(s) with a dotted host name and no spaces.

    TDLib's LinkManager::check_link() refuses anything else ("Wrong HTTP URL"), and with it the whole
    message; a pin of http://intranet/page keeps its link in the text and loses only the button.
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return False
    dotted = "." in host and not host.startswith(".") and not host.endswith(".")
    return parts.scheme.lower() in ("http", "https") and dotted and not any(ch.isspace() for ch in url)


def inline_data(action: dict) -> str | None:
    """The callback_data carrying `action` itself, or None when it has to be stored."""
    verb = action.get("a")
    if verb in _BARE and set(action) == {"a"}:
        return str(verb)
    field, shape = _VALUES.get(str(verb), (None, None))
    if field is None or set(action) != {"a", field} or not isinstance(action[field], str):
        return None
    return f"{verb}:{action[field]}" if shape.fullmatch(action[field]) else None


def action_of(data: str | None) -> dict | None:
    """The action an inline button carries, or None when `data` is not exactly one of ours."""
    verb, _, value = (data or "").partition(":")
    if verb in _BARE and data == verb:
        return {"a": verb}
    if verb not in _VALUES:
        return None
    field, shape = _VALUES[verb]
    return {"a": verb, field: value} if shape.fullmatch(value) else None


def stored_ref(data: str | None) -> tuple[str, int] | None:
    """(key, index) of a button whose action is stored, or None when `data` is not that shape."""
    match = _STORED.fullmatch(data or "")
    return (match.group(1), int(match.group(2))) if match else None


def stored_actions(rows: Rows) -> list[dict]:
    """The actions that must be stored behind a key, in the order their indexes count."""
    return [b.action for row in rows for b in row if b.action is not None and inline_data(b.action) is None]


def markup(rows: Rows, key: str | None) -> InlineKeyboardMarkup | None:
    """The inline keyboard for `rows`; stored actions point at `key`."""
    if not rows:
        return None
    index, keyboard = 0, []
    for row in rows:
        buttons = []
        for button in row:
            if button.url is not None:
                if url_allowed(button.url):
                    buttons.append(InlineKeyboardButton(button.label, url=button.url))
                continue
            data = inline_data(button.action or {})
            if data is None:
                if key is None:
                    raise ValueError(f"button {button.label!r} needs a stored action key")
                data, index = f"{key}:{index}", index + 1
            buttons.append(InlineKeyboardButton(button.label, callback_data=data))
        if buttons:
            keyboard.append(buttons)
    return InlineKeyboardMarkup(keyboard) if keyboard else None


def toggled(keyboard: InlineKeyboardMarkup, data: str) -> InlineKeyboardMarkup:
    """The keyboard with the ☐/☑ mark of the button carrying `data` flipped."""
    rows = []
    for row in keyboard.inline_keyboard:
        buttons = []
        for button in row:
            if button.callback_data == data:
                label = button.text
                if label.startswith(UNCHECKED):
                    label = CHECKED + label[len(UNCHECKED):]
                elif label.startswith(CHECKED):
                    label = UNCHECKED + label[len(CHECKED):]
                button = InlineKeyboardButton(label, callback_data=button.callback_data)
            buttons.append(button)
        rows.append(buttons)
    return InlineKeyboardMarkup(rows)


def checked(keyboard: InlineKeyboardMarkup) -> list[str]:
    """The handles of the picker's people marked ☑."""
    found = []
    for row in keyboard.inline_keyboard:
        for button in row:
            data = button.callback_data if isinstance(button.callback_data, str) else None
            action = action_of(data)
            if action is not None and action["a"] == "pick" and button.text.startswith(CHECKED):
                found.append(action["handle"])
    return found
