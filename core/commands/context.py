"""What every command handler gets: the session, the rules, who is asking and from where."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from core import people
from core.errors import NotFound
from core.grammar import PersonRef
from core.models import Person
from core.settings import CoreSettings


@dataclass
class Context:
    session: Session
    settings: CoreSettings
    person: Person
    platform: str

    @property
    def prefix(self) -> str:
        """How commands are typed on this platform: `/pin send` on Slack, `/send` on Telegram."""
        return f"{self.settings.slack_command} " if self.platform == "slack" else "/"

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
            raise NotFound(f"I don't know {ref.label()} yet.")
        return found
