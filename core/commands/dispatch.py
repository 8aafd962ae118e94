"""The table from command words to handlers."""

from __future__ import annotations

from core.commands import account, messaging, pinning
from core.commands.context import Context
from core.commands.help import help_reply
from core.commands.language import language
from core.grammar import Command
from core.results import Reply

HANDLERS = {
    "help": help_reply,
    "new": pinning.new,
    "save": pinning.save,
    "boards": pinning.boards,
    "board": pinning.board,
    "board_new": pinning.board_new,
    "search": pinning.search,
    "send": messaging.send,
    "share": messaging.share,
    "reply": messaging.reply,
    "inbox": messaging.inbox,
    "read": messaging.read,
    "dismiss": messaging.dismiss,
    "join": messaging.join,
    "follow": account.follow,
    "unfollow": account.unfollow,
    "block": account.block,
    "unblock": account.unblock,
    "contacts": account.contacts,
    "link": account.link,
    "deliver": account.deliver,
    "digest": account.digest,
    "handle": account.handle,
    "start": account.start,
    "language": language,
}


def dispatch(ctx: Context, command: Command) -> Reply:
    """Run one command; domain errors propagate to the caller, which rolls back."""
    return HANDLERS[command.word](ctx, **command.args)
