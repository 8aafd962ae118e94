"""Small factories for people and scenarios (no mocks: the real engine underneath)."""

from __future__ import annotations

import dataclasses
import itertools

from core.engine import Engine
from core.people import Identity
from core.results import Reply
from core.settings import CoreSettings

_ids = itertools.count(1000)


def shipped_settings(**changes) -> CoreSettings:
    """The SPEC defaults, deployed with the shipped platforms as config describes them (Slack's /pin, @pinbridge_bot)."""
    from bridge.config import Config

    return dataclasses.replace(CoreSettings(public_url="http://pins.test", platforms=Config().core().platforms), **changes)


def slack_user(name: str) -> Identity:
    """A Slack account whose username is `name`."""
    uid = f"U{next(_ids)}"
    return Identity("slack", uid, chat_id=f"D{uid}", username=name, display_name=name.title())


def telegram_user(name: str) -> Identity:
    """A Telegram account whose username is `name` (private chat id == user id)."""
    uid = str(next(_ids))
    return Identity("telegram", uid, chat_id=uid, username=name, display_name=name.title())


def say(engine: Engine, who: Identity, text: str) -> Reply:
    """Run a command and insist it succeeded."""
    reply = engine.run(who, text)
    assert reply.ok, f"{text!r} failed: {reply.text}"
    return reply


def refuse(engine: Engine, who: Identity, text: str) -> Reply:
    """Run a command and insist it was refused with a message."""
    reply = engine.run(who, text)
    assert not reply.ok, f"{text!r} should have been refused, got: {reply.text}"
    assert reply.text
    return reply


def friends(engine: Engine, *people: Identity) -> None:
    """Make every pair follow each other (registering everyone first)."""
    handles = {p: engine.ensure(p) for p in people}
    for a in people:
        for b in people:
            if a is not b:
                say(engine, a, f"follow @{handles[b]}")


def connect(engine: Engine, hub: Identity, *others: Identity) -> None:
    """Make `hub` and each of `others` follow each other (not the others among themselves)."""
    hub_handle = engine.ensure(hub)
    for other in others:
        say(engine, hub, f"follow @{engine.ensure(other)}")
        say(engine, other, f"follow @{hub_handle}")


def count_rows(sessions, model, *conditions) -> int:
    """How many rows of `model` match the conditions, read in a fresh transaction."""
    from sqlalchemy import func, select

    from core.db import transaction

    with transaction(sessions) as session:
        return session.scalar(select(func.count()).select_from(model).where(*conditions))


def link_code(reply: Reply) -> str:
    """The one-time code in the answer to `link`."""
    import re

    found = re.search(r"link code is ([A-Z0-9]+)", reply.text)
    assert found, f"no link code in: {reply.text}"
    return found.group(1)


def link_prompt(reply: Reply):
    """The confirmation a `link <code>` answer asks for."""
    from core.results import LinkPrompt

    found = [item for item in reply.items if isinstance(item, LinkPrompt)]
    assert found, f"no link confirmation in: {reply.text}"
    return found[0]


def link_accounts(engine: Engine, first: Identity, second: Identity) -> Reply:
    """Link two accounts: `link` on the first, `link <code>` on the second, and its Confirm button."""
    asked = say(engine, second, f"link {link_code(say(engine, first, 'link'))}")
    confirmed = engine.confirm_link(second, link_prompt(asked).token)
    assert confirmed.ok, confirmed.text
    return confirmed


def pin_sent_to_readers(engine: Engine, count: int, message: str = "hi", prefix: str = "reader") -> tuple[Identity, list[Identity]]:
    """Alice on Slack and `count` Telegram readers (`prefix`0, `prefix`1 …), friends with her, each sent her pin p1
    in a chat of their own."""
    alice = slack_user("alice")
    readers = [telegram_user(f"{prefix}{n}") for n in range(count)]
    friends(engine, alice, *readers)
    say(engine, alice, "new https://example.com/a A")
    for reader in readers:
        say(engine, alice, f"send p1 to @{engine.ensure(reader)} {message}")
    return alice, readers
