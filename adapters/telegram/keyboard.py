"""Pure conversions between button rows and Telegram inline keyboards.

A message's actions are stored together behind one opaque key; each button's
callback_data is `<key>:<index>` (well under Telegram's 64 bytes), so buttons keep
working after a restart and in any process.
"""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from adapters.telegram.render import CHECKED, UNCHECKED, Rows

_DATA = re.compile(r"^([A-Za-z0-9_-]{1,32}):(\d{1,3})$")


def actions(rows: Rows) -> list[dict]:
    """The actions of a message's buttons, in callback order."""
    return [button.action for row in rows for button in row if button.action is not None]


def markup(rows: Rows, key: str | None) -> InlineKeyboardMarkup | None:
    """The inline keyboard for `rows`, with action buttons pointing at `key`."""
    if not rows:
        return None
    index, keyboard = 0, []
    for row in rows:
        buttons = []
        for button in row:
            if button.url is not None:
                buttons.append(InlineKeyboardButton(button.label, url=button.url))
                continue
            buttons.append(InlineKeyboardButton(button.label, callback_data=f"{key}:{index}"))
            index += 1
        keyboard.append(buttons)
    return InlineKeyboardMarkup(keyboard)


def parse_data(data: str | None) -> tuple[str, int] | None:
    """(key, index) from a callback's data, or None when it is not ours."""
    match = _DATA.match(data or "")
    return (match.group(1), int(match.group(2))) if match else None


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


def checked(keyboard: InlineKeyboardMarkup) -> list[int]:
    """The action indexes of the buttons marked ☑."""
    found = []
    for row in keyboard.inline_keyboard:
        for button in row:
            parsed = parse_data(button.callback_data if isinstance(button.callback_data, str) else None)
            if parsed and button.text.startswith(CHECKED):
                found.append(parsed[1])
    return found
