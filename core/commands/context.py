"""What every command handler gets: the session, the rules, who is asking and from where."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.orm import Session

from core import attempts, people
from core.clock import utcnow
from core.errors import LimitExceeded, NotFound
from core.grammar import PersonRef
from core.models import Account, Person
from core.results import Reply, error
from core.platforms import PlatformInfo
from core.settings import CoreSettings
from core.text import tr

T = TypeVar("T")


@dataclass
class Context:
    session: Session
    settings: CoreSettings
    person: Person
    platform: str
    external_id: str = ""  # the speaking account's id on `platform`
    source: tuple[str, str] | None = None  # (chat id, message id) of the platform message being run, if any

    @property
    def elsewhere(self) -> tuple[PlatformInfo, ...]:
        """The deployed platforms other than the one the person is speaking on."""
        return tuple(p for p in self.settings.platforms if p.name != self.platform)

    @property
    def account(self) -> Account:
        """The account the person is speaking from."""
        return next(a for a in self.person.accounts if a.platform == self.platform and a.external_id == self.external_id)

    def lookup(self, ref: PersonRef) -> Person | None:
        """The person a reference names, or None when nobody has that handle yet."""
        if ref.handle is not None:
            try:
                return people.by_handle(self.session, ref.handle)
            except NotFound:
                return None
        return people.by_account(self.session, ref.platform, ref.external_id)

    def person_of(self, ref: PersonRef) -> Person:
        """The person a reference names, or NotFound."""
        found = self.lookup(ref)
        if found is None:
            raise NotFound(tr("I don't know {person} yet.", person=ref.label()))
        return found

    def try_code(self, redeem: Callable[[], T]) -> T | Reply:
        """Redeem a typed code; an unknown one counts against this account, and too many make it wait.

        A wrong code answers with an error Reply instead of raising, so the count is committed.
        """
        key, now = f"code:{self.platform}:{self.external_id}", utcnow()
        wait = attempts.wait_seconds(self.session, key, now)
        if wait:
            raise LimitExceeded(tr("Too many wrong codes — try again in {minutes} minutes.", minutes=-(-wait // 60)))
        try:
            return redeem()
        except NotFound as exc:
            attempts.record_failure(self.session, key, now)
            return error(exc.text)
