"""The command menu (setMyCommands), built from the core grammar and its help lines."""

from __future__ import annotations

from telegram import BotCommand

from core.commands.help import LINES
from core.grammar import WORDS

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


def bot_commands(max_group_size: int = 10) -> list[BotCommand]:
    """One menu entry per grammar word (plus /cancel), described as in the help text."""
    described = {}
    for usage, what in LINES:
        described.setdefault(usage.split()[0], what.format(others=max_group_size - 1))
    described.update(OWN)
    words = [w for w in WORDS if w not in HIDDEN] + ["cancel"]
    return [BotCommand(word, described.get(word, word)[:256]) for word in words]
