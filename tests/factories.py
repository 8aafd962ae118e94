"""Small factories for people and scenarios (no mocks: the real engine underneath)."""

from __future__ import annotations

import itertools

from core.engine import Engine
from core.people import Identity
from core.results import Reply

_ids = itertools.count(1000)


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
