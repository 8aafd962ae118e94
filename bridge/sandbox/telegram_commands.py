"""setMyCommands arguments as Telegram checks them (https://core.telegram.org/bots/api#setmycommands)."""

from __future__ import annotations

import re
from typing import Any

from bridge.sandbox.telegram_rules import bad_request

# https://core.telegram.org/bots/api#setmycommands: "At most 100 commands can be specified."
MAX_COMMANDS = 100
# https://core.telegram.org/bots/api#botcommand: "1-32 characters. Can contain only lowercase English
# letters, digits and underscores."
COMMAND = re.compile(r"[a-z0-9_]{1,32}")
# https://core.telegram.org/bots/api#botcommand: description "1-256 characters".
MAX_DESCRIPTION = 256
# https://core.telegram.org/bots/api#botcommandscope
SCOPES = frozenset({
    "default", "all_private_chats", "all_group_chats", "all_chat_administrators", "chat",
    "chat_administrators", "chat_member",
})
# https://core.telegram.org/bots/api#setmycommands: "A two-letter ISO 639-1 language code" (or empty).
LANGUAGE_CODE = re.compile(r"[a-z]{2}")


def _check_command(command: Any) -> None:
    """Refuse one BotCommand the way the Bot API does."""
    if not isinstance(command, dict):
        raise bad_request("can't parse commands JSON object")
    for field in ("command", "description"):
        if not isinstance(command.get(field), str):
            # Seen verbatim: 'can't parse BotCommand: Can't find field "description"'
            # (windkh/node-red-contrib-telegrambot#192).
            raise bad_request(f"can't parse BotCommand: Can't find field \"{field}\"")
    if not COMMAND.fullmatch(command["command"]):
        raise bad_request("BOT_COMMAND_INVALID")  # levlam in tdlib/telegram-bot-api#98
    description = command["description"].strip()
    if not description:
        raise bad_request("command description must be non-empty")  # williamhorning/lightning#87
    if len(description) > MAX_DESCRIPTION:
        raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")


def check_scope(scope: Any, language_code: Any) -> None:
    """Refuse a BotCommandScope or language_code Telegram would refuse."""
    if scope is not None and (not isinstance(scope, dict) or scope.get("type") not in SCOPES):
        raise bad_request("can't parse BotCommandScope JSON object")
    if isinstance(scope, dict) and scope["type"].startswith("chat") and scope.get("chat_id") in (None, ""):
        raise bad_request("chat_id is empty")
    if language_code and not LANGUAGE_CODE.fullmatch(str(language_code)):
        raise bad_request("LANG_CODE_INVALID")


def check_commands(commands: Any, scope: Any, language_code: Any) -> list[dict[str, Any]]:
    """The commands of a setMyCommands call, refused as Telegram refuses them."""
    if commands in (None, ""):
        commands = []
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > MAX_COMMANDS:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    for command in commands:
        _check_command(command)
    check_scope(scope, language_code)
    return commands
