"""The help text, written once: each line a command (every platform spells it its own way) and what it does."""

from __future__ import annotations

from core.commands.context import Context
from core.results import Reply
from core.settings import CoreSettings
from core.text import Command, Text, lines, rich

LINES = (
    ("new <link> [title]", "create a pin"),
    ("send <pin> to @people [message]", "send a pin (p12 or a link) to up to {others} people"),
    ("reply <conversation> <text>", "answer in a conversation (c3)"),
    ("inbox", "your conversations and what is unread"),
    ("read <conversation>", "the latest messages; marks them read"),
    ("dismiss <conversation>", "clear its notifications"),
    ("save <pin> [to <board>]", "save a pin to one of your boards"),
    ("boards", "your boards"),
    ("board <name>", "one board's pins"),
    ("board new <name> [secret]", "create a board"),
    ("share board <name> to @people [message]", "send a whole board"),
    ("share profile @person to @people [message]", "send someone's profile"),
    ("search <words>", "find pins"),
    ("follow @person · unfollow · block · unblock", "who you connect with"),
    ("contacts", "people you can message (you follow each other)"),
    ("link · link <code>", "join your accounts on {platforms}"),
    ("deliver <platforms>|all", "where your messages arrive"),
    ("digest [off|hourly|daily HH:MM [Area/City]|weekly <day> HH:MM [Area/City]]", "your unread digest"),
    ("handle <new-handle>", "rename yourself"),
    ("join <invite-code>", "accept an invite"),
)


def described(settings: CoreSettings) -> list[tuple[str, str]]:
    """(usage, what it does) for every command, filled in for this deployment (group size, platforms)."""
    names = "|".join(settings.platform_names) or "<platform>"
    titles = " and ".join(p.title for p in settings.platforms) or "several platforms"
    return [
        (usage.replace("<platforms>", names), what.format(others=settings.max_group_size - 1, platforms=titles))
        for usage, what in LINES
    ]


def help_text(settings: CoreSettings) -> Text:
    """Every command, one per line."""
    return lines(rich(Command(usage), f" — {what}") for usage, what in described(settings))


def help_reply(ctx: Context, unknown: str | None = None, value: str = "") -> Reply:
    """The help text; an unknown word gets a line saying so first. Nothing in it is private: it is shared."""
    head = f"I don't know “{unknown}”. " if unknown else ""
    intro = f"{head}Here is what you can do, @{ctx.person.handle}:\n"
    return Reply(intro + help_text(ctx.settings), ok=unknown is None, shared=unknown is None)
