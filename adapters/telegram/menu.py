"""The command menu (setMyCommands), built from the core grammar and its help lines, in every language."""

from __future__ import annotations

from telegram import BotCommand

from core.commands.help import described
from core.grammar import WORDS
from core.i18n import LANGUAGES, localized
from core.settings import CoreSettings
from core.text import Text, tr

HIDDEN = frozenset({"start"})  # Telegram's Start button covers it
OWN = {  # where the help line reads badly on its own in the menu
    "help": tr("everything I can do"),
    "dismiss": tr("clear a conversation's notifications"),
    "share": tr("send a whole board or a profile"),
    "follow": tr("follow someone"),
    "unfollow": tr("stop following someone"),
    "block": tr("block someone: they can never message you"),
    "unblock": tr("lift a block"),
    "cancel": tr("forget the reply you started with a Reply button"),
    "delete": tr("reply to your message with it: removed everywhere"),
}
TELEGRAM_ONLY = ["cancel", "delete"]  # words of this adapter, not of the grammar (corrections.py, handlers.py)


def bot_commands(settings: CoreSettings, language: str = "en") -> list[BotCommand]:
    """One menu entry per grammar word (plus /cancel and /delete), described as in the help text, in one language."""
    menu: dict[str, Text] = {}
    for usage, what in described(settings):
        menu.setdefault(usage.split()[0], what)
    menu.update(OWN)
    words = [w for w in WORDS if w not in HIDDEN] + TELEGRAM_ONLY
    return [BotCommand(word, (str(localized(menu[word], language)) if word in menu else word)[:256]) for word in words]


def menus(settings: CoreSettings) -> dict[str, list[BotCommand]]:
    """The menu for every language: "" (no language_code: everyone else) is English.

    setMyCommands: language_code "A two-letter ISO 639-1 language code. If empty, commands will be applied
    to all users from the given scope, for whose language there are no dedicated commands".
    """
    return {"": bot_commands(settings)} | {code: bot_commands(settings, code) for code in LANGUAGES if code != "en"}
