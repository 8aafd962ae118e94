"""The command grammar of SPEC §2, as a pure parser: text in, a Command out.

The same words arrive from every platform (after a slash command, or as the bot command
itself). Parsing never touches the database. People are `@handle`s, or a platform's own
mentions, read with the patterns the deployed platforms describe (`PlatformInfo.mention`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.errors import InvalidInput
from core.platforms import PlatformInfo
from core.text import Command as Typed, rich, tr

Mentions = tuple[PlatformInfo, ...]  # the deployed platforms: their mention patterns name people

MAX_COMMAND_LENGTH = 42_000  # the default bound: above any configured messaging.max_text_length (≤ 40,000)
WORDS = (
    "help", "new", "send", "reply", "inbox", "read", "dismiss", "save", "boards", "board", "share",
    "search", "follow", "unfollow", "block", "unblock", "contacts", "link", "deliver", "digest",
    "handle", "join", "start", "language",
)
# Chat markup wraps links and mentions as <…|label>; the label may hold spaces but never < or >
# (those arrive as &lt; &gt;). The pattern stops at the next "<", so no input makes it rescan the
# rest of the text: matching is linear in the input's length.
_TOKEN = re.compile(r"<[^<>\s][^<>]*>|\S+")
_HANDLE_TOKEN = re.compile(r"^@[A-Za-z0-9_.]+$")


@dataclass(frozen=True)
class PersonRef:
    """A person as typed: `@handle`, or a platform's own mention of one of its accounts."""

    handle: str | None = None
    platform: str | None = None
    external_id: str | None = None

    def label(self) -> str:
        return f"@{self.handle}" if self.handle else f"<@{self.external_id}>"


@dataclass(frozen=True)
class Command:
    word: str
    args: dict = field(default_factory=dict)


def person_ref(token: str, mentions: Mentions = ()) -> PersonRef | None:
    """A token read as a person, or None when it is not one."""
    token = token.strip().strip(",")
    for platform in mentions:
        found = platform.mention.fullmatch(token) if platform.mention else None
        if found:
            return PersonRef(platform=platform.name, external_id=found.group(1))
    if _HANDLE_TOKEN.match(token):
        return PersonRef(handle=token[1:].lower())
    return None


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def split_people(text: str, start: int, mentions: Mentions = ()) -> tuple[list[PersonRef], str]:
    """People from `start` on (spaces or commas between), then the message after the last one."""
    people, end = [], start
    for token, _, token_end in _tokens(text[start:]):
        parts = [token] if token.startswith("<") else [p for p in token.split(",") if p]
        refs = [person_ref(p, mentions) for p in parts]
        if any(r is None for r in refs):
            break
        people.extend(refs)
        end = start + token_end
    return people, text[end:].strip()


def clean_text(text: str | None) -> str:
    """Text a database can store: no NUL (PostgreSQL refuses it), no lone surrogates."""
    text = (text or "").replace("\x00", "")
    return text.encode("utf-8", "replace").decode("utf-8").strip()


def too_long(length: int, limit: int) -> InvalidInput:
    """The answer to a command line over the limit (checked before any pattern looks at it)."""
    return InvalidInput(tr("That command is too long ({length} characters; the limit is {limit}).",
                           length=f"{length:,}", limit=f"{limit:,}"))


def parse(text: str, limit: int = MAX_COMMAND_LENGTH, mentions: Mentions = ()) -> Command:
    """Parse one command line of at most `limit` characters; unknown words come back as `help` with the word noted."""
    if len(text or "") > limit:
        raise too_long(len(text), limit)
    text = clean_text(text)
    tokens = _tokens(text)
    if not tokens:
        return Command("help")
    word = tokens[0][0].lower()
    if word not in WORDS:
        return Command("help", {"unknown": tokens[0][0][:40]})
    rest = text[tokens[0][2]:].strip()
    return _PARSERS.get(word, _no_args)(word, rest, mentions)


def _no_args(word: str, rest: str, mentions: Mentions = ()) -> Command:
    if rest:
        raise InvalidInput(tr("{command} takes nothing after it.", command=Typed(word)))
    return Command(word)


def _one(word: str, rest: str, what) -> str:
    parts = rest.split()
    if len(parts) != 1:
        raise InvalidInput(tr("Usage: {usage}", usage=rich(f"{word} <", what, ">")))
    return parts[0]


def _send(word: str, rest: str, mentions: Mentions = ()) -> Command:
    tokens = _tokens(rest)
    if len(tokens) < 3 or tokens[1][0].lower() != "to":
        raise InvalidInput(tr("Usage: {usage}", usage=tr("send <pin or link> to @person [@more…] [message]")))
    people, message = split_people(rest, tokens[1][2], mentions)
    if not people:
        raise InvalidInput(tr("Send it to whom? Name people as @handle, like {command}.", command=Typed("send p12 to @bob")))
    return Command("send", {"pin": tokens[0][0], "people": people, "message": message})


def _share(word: str, rest: str, mentions: Mentions = ()) -> Command:
    tokens = _tokens(rest)
    if len(tokens) < 4 or tokens[0][0].lower() not in ("board", "profile"):
        raise InvalidInput(tr("Usage: {usage}", usage=tr(
            "share board <name> to @person [message] · share profile @person to @person [message]")))
    kind = tokens[0][0].lower()
    # The subject runs up to the first "to" that is followed by a person.
    for index in range(2, len(tokens) - 1):
        if tokens[index][0].lower() == "to" and person_ref(tokens[index + 1][0].split(",")[0] or ",", mentions):
            subject = rest[tokens[1][1]:tokens[index][1]].strip()
            people, message = split_people(rest, tokens[index][2], mentions)
            if kind == "profile" and person_ref(subject, mentions) is None:
                raise InvalidInput(tr("Name the profile as @handle, like {command}.", command=Typed("share profile @ana to @bob")))
            return Command("share", {"kind": kind, "subject": subject, "people": people, "message": message})
    example = f"share {kind} {'Trips' if kind == 'board' else '@ana'} to @bob"
    raise InvalidInput(tr("Share it to whom? Like {command}.", command=Typed(example)))


def _reply(word: str, rest: str, mentions: Mentions = ()) -> Command:
    parts = rest.split(None, 1)
    if len(parts) < 2:
        raise InvalidInput(tr("Usage: {usage}", usage=tr("reply <conversation, like c3> <text>")))
    return Command("reply", {"conversation": parts[0], "text": parts[1]})


def _conversation(word: str, rest: str, mentions: Mentions = ()) -> Command:
    return Command(word, {"conversation": _one(word, rest, tr("conversation, like c3"))})


def _new(word: str, rest: str, mentions: Mentions = ()) -> Command:
    tokens = _tokens(rest)
    if not tokens:
        raise InvalidInput(tr("Usage: {usage}", usage=tr("new <link> [title]")))
    return Command("new", {"url": tokens[0][0], "title": rest[tokens[0][2]:].strip()})


def _save(word: str, rest: str, mentions: Mentions = ()) -> Command:
    tokens = _tokens(rest)
    if not tokens:
        raise InvalidInput(tr("Usage: {usage}", usage=tr("save <pin> [to <board>]")))
    board = None
    if len(tokens) > 1:
        if tokens[1][0].lower() != "to" or len(tokens) < 3:
            raise InvalidInput(tr("Usage: {usage}", usage=tr("save <pin> [to <board>]")))
        board = rest[tokens[2][1]:].strip()
    return Command("save", {"pin": tokens[0][0], "board": board})


def _board(word: str, rest: str, mentions: Mentions = ()) -> Command:
    tokens = _tokens(rest)
    if not tokens:
        raise InvalidInput(tr("Usage: {usage}", usage=tr("board <name> · board new <name> [secret]")))
    if tokens[0][0].lower() == "new" and len(tokens) > 1:
        secret = tokens[-1][0].lower() == "secret" and len(tokens) > 2
        end = tokens[-1][1] if secret else len(rest)
        return Command("board_new", {"name": rest[tokens[1][1]:end].strip(), "secret": secret})
    owner = person_ref(tokens[0][0], mentions) if len(tokens) > 1 else None
    name = rest[tokens[1][1]:].strip() if owner else rest
    return Command("board", {"owner": owner, "name": name})


def _search(word: str, rest: str, mentions: Mentions = ()) -> Command:
    if not rest:
        raise InvalidInput(tr("Search for what? Try {command}.", command=Typed("search hiking boots")))
    return Command("search", {"words": rest})


def _person(word: str, rest: str, mentions: Mentions = ()) -> Command:
    ref = person_ref(_one(word, rest, tr("@person")), mentions)
    if ref is None:
        raise InvalidInput(tr("Name the person as @handle, like {command}.", command=Typed(f"{word} @bob")))
    return Command(word, {"person": ref})


def _optional(word: str, rest: str, mentions: Mentions = ()) -> Command:
    return Command(word, {"value": rest})


_PARSERS = {
    "new": _new, "send": _send, "share": _share, "reply": _reply, "read": _conversation,
    "dismiss": _conversation, "save": _save, "board": _board, "search": _search,
    "follow": _person, "unfollow": _person, "block": _person, "unblock": _person,
    "link": _optional, "deliver": _optional, "digest": _optional, "handle": _optional,
    "join": _optional, "start": _optional, "help": _optional, "language": _optional,
}
