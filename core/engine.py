"""The engine's front: adapters call these with who is speaking and what they said.

Every call is one transaction. Domain errors become `Reply(ok=False)` and change
nothing; anything else is a bug and propagates.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from core import conversations, people, refs
from core.commands import Context, dispatch
from core.db import transaction
from core.errors import DomainError
from core.grammar import parse
from core.results import Reply, error
from core.settings import CoreSettings

log = logging.getLogger(__name__)
T = TypeVar("T")


class Engine:
    """Pinbridge's use cases, bound to a session factory and the deployment's rules."""

    def __init__(self, sessions: sessionmaker[Session], settings: CoreSettings):
        self.sessions = sessions
        self.settings = settings

    def _unit(self, identity: people.Identity, work: Callable[[Context], T]) -> T:
        # One retry: a concurrent first contact can lose a unique-key race (same handle).
        for attempt in (1, 2):
            try:
                with transaction(self.sessions) as session:
                    person = people.resolve(session, identity)
                    return work(Context(session, self.settings, person, identity.platform))
            except IntegrityError:
                if attempt == 2:
                    raise
                log.info("retrying after a unique-key race")
        raise AssertionError("unreachable")

    def run(self, identity: people.Identity, text: str) -> Reply:
        """Run one command line of SPEC §2 for this person."""
        try:
            return self._unit(identity, lambda ctx: dispatch(ctx, parse(text)))
        except DomainError as exc:
            return error(exc.message)

    def ensure(self, identity: people.Identity) -> str:
        """Register (or refresh) a platform account; returns the person's handle."""
        return self._unit(identity, lambda ctx: ctx.person.handle)

    def mark_read(self, identity: people.Identity, conversation_ref: str) -> Reply:
        """The Mark read button: clear unread without showing history."""

        def work(ctx: Context) -> Reply:
            found, _ = conversations.membership(ctx.session, ctx.person, conversation_ref)
            count = conversations.mark_read(ctx.session, ctx.person, found)
            return Reply(text=f"Marked {refs.conversation_ref(found.id)} read ({count} message{'s' * (count != 1)}).")

        try:
            return self._unit(identity, work)
        except DomainError as exc:
            return error(exc.message)
