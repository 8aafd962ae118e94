"""The help text, written once and shown with each platform's prefix."""

from __future__ import annotations

from core.commands.context import Context
from core.results import Reply

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
    ("link · link <code>", "join your Slack and Telegram accounts"),
    ("deliver slack|telegram|both", "where your messages arrive"),
    ("digest [off|hourly|daily HH:MM [Area/City]|weekly <day> HH:MM [Area/City]]", "your unread digest"),
    ("handle <new-handle>", "rename yourself"),
    ("join <invite-code>", "accept an invite"),
)


def help_text(prefix: str, max_group_size: int = 10) -> str:
    """Every command, one per line, as typed on the platform."""
    others = max_group_size - 1
    return "\n".join(f"{prefix}{usage} — {what.format(others=others)}" for usage, what in LINES)


def help_reply(ctx: Context, unknown: str | None = None, value: str = "") -> Reply:
    """The help text; an unknown word gets a line saying so first."""
    head = f"I don't know “{unknown}”. " if unknown else ""
    intro = f"{head}Here is what you can do, @{ctx.person.handle}:\n"
    return Reply(text=intro + help_text(ctx.prefix, ctx.settings.max_group_size), ok=unknown is None)
