"""The help text, written once: each line a command (every platform spells it its own way) and what it does."""

from __future__ import annotations

from dataclasses import replace

from core.commands.context import Context
from core.results import Reply
from core.settings import CoreSettings
from core.text import Command, Text, lines, placeholders, rich, tr

LINES = (
    ("new <link> [title]", tr("create a pin")),
    ("send <pin> to @people [message]", tr("send a pin (p12 or a link) to up to {others} people")),
    ("reply <conversation> <text>", tr("answer in a conversation (c3)")),
    ("inbox", tr("your conversations and what is unread")),
    ("read <conversation>", tr("the latest messages; marks them read")),
    ("dismiss <conversation>", tr("clear its notifications")),
    ("save <pin> [to <board>]", tr("save a pin to one of your boards")),
    ("boards", tr("your boards")),
    ("board <name>", tr("one board's pins")),
    ("board new <name> [secret]", tr("create a board")),
    ("share board <name> to @people [message]", tr("send a whole board")),
    ("share profile @person to @people [message]", tr("send someone's profile")),
    ("search <words>", tr("find pins")),
    ("follow @person · unfollow · block · unblock", tr("who you connect with")),
    ("contacts", tr("people you can message (you follow each other)")),
    ("link · link <code>", tr("join your accounts on {platforms}")),
    ("deliver <platforms>|all", tr("where your messages arrive")),
    ("digest [off|hourly|daily HH:MM [Area/City]|weekly <day> HH:MM [Area/City]]", tr("your unread digest")),
    ("handle <new-handle>", tr("rename yourself")),
    ("language [<code>|auto]", tr("the language I answer you in")),
    ("join <invite-code>", tr("accept an invite")),
)


def described(settings: CoreSettings) -> list[tuple[str, Text]]:
    """(usage, what it does) for every command, filled in for this deployment (group size, platforms)."""
    names = "|".join(settings.platform_names) or "<platform>"
    titles = and_list(p.title for p in settings.platforms) if settings.platforms else tr("several platforms")
    return [(usage.replace("<platforms>", names), _filled(what, settings.max_group_size - 1, titles)) for usage, what in LINES]


def _filled(what: Text, others: int, platforms: Text) -> Text:
    phrase = what.spans[0]
    given = {"others": rich(str(others)), "platforms": platforms}
    return Text((replace(phrase, params=tuple((name, given[name]) for name in placeholders(phrase.msgid))),))


def and_list(items) -> Text:
    """Names joined with "and" in the reader's language ("A and B")."""
    items = [rich(item) for item in items]
    result = items[0] if items else Text()
    for item in items[1:]:  # "A and B and C", as the English always read
        result = tr("{first} and {last}", first=result, last=item)
    return result


def help_text(settings: CoreSettings) -> Text:
    """Every command, one per line."""
    return lines(rich(Command(usage), " — ", what) for usage, what in described(settings))


def help_reply(ctx: Context, unknown: str | None = None, value: str = "") -> Reply:
    """The help text; an unknown word gets a line saying so first. Nothing in it is private: it is shared."""
    head = rich(tr("I don't know “{word}”.", word=unknown), " ") if unknown else Text()
    intro = rich(head, tr("Here is what you can do, {person}:", person=f"@{ctx.person.handle}"), "\n")
    return Reply(intro + help_text(ctx.settings), ok=unknown is None, shared=unknown is None)
