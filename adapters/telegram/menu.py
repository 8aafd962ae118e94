"""The command menu (setMyCommands), built from the core grammar and its help lines."""

from __future__ import annotations

from telegram import BotCommand

from core.commands.help import described
from core.grammar import WORDS
from core.settings import CoreSettings

HIDDEN = frozenset({"start"})  # Telegram's Start button covers it
OWN = {  # where the help line reads badly on its own in the menu
    "help": "everything I can do",
    "dismiss": "clear a conversation's notifications",
    "share": "send a whole board or a profile",
    "follow": "follow someone",
    "unfollow": "stop following someone",
    "block": "block someone: they can never message you",
    "unblock": "lift a block",
    "cancel": "forget the reply you started with a Reply button",
}


def bot_commands(settings: CoreSettings) -> list[BotCommand]:
    """One menu entry per grammar word (plus /cancel), described as in the help text."""
    menu: dict[str, str] = {}
    for usage, what in described(settings):
        menu.setdefault(usage.split()[0], what)
    menu.update(OWN)
    words = [w for w in WORDS if w not in HIDDEN] + ["cancel"]
    return [BotCommand(word, menu.get(word, word)[:256]) for word in words]
