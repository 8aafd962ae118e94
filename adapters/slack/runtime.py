"""What every listener needs: the engine, who is speaking (with their DM), and replays refused."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from slack_sdk import WebClient

from adapters.slack.answers import Elsewhere, post_in_dm
from adapters.slack.dms import DirectMessages
from adapters.slack.mentions import Directory
from adapters.slack.parts import Rendered
from adapters.slack.workqueue import WorkQueue
from core.engine import Engine, in_language
from core.i18n import speaking
from core.people import Identity
from core.results import Reply, error
from core.text import Text

TRIGGER_SOURCE = "slack_trigger"  # the inbound-dedup namespace of trigger_ids


@dataclass(frozen=True)
class Runtime:
    """The engine, the users.info directory, the DMs known, and the deployment's slash command."""

    engine: Engine
    directory: Directory
    command: str = "/pin"
    dms: DirectMessages = field(default_factory=DirectMessages)
    work: WorkQueue = field(default_factory=lambda: WorkQueue(threads=8, capacity=64))

    def __post_init__(self) -> None:
        self.work.language = self.remembered_language

    def remembered_language(self, body: dict) -> str | None:
        """The language of whoever sent a request, from the Slack profiles in memory only (no call of any kind)."""
        actor, event = body.get("user"), body.get("event")
        user = body.get("user_id") or (actor.get("id") if isinstance(actor, dict) else None) or (
            event.get("user") if isinstance(event, dict) else None)
        hit, found = self.directory.known.get(user) if isinstance(user, str) else (False, None)
        return found.locale if hit and found is not None else None

    def replayed(self, body: dict) -> bool:
        """True for a request Slack's signature accepts but that already ran: its trigger_id was seen.

        Slack gives every slash command, button click and modal submission its own trigger_id;
        the same signed body posted again within the signature's 5-minute window carries the same one.
        """
        trigger = body.get("trigger_id")
        return isinstance(trigger, str) and bool(trigger) and not self.engine.first_time(TRIGGER_SOURCE, trigger)

    @property
    def max_people(self) -> int:
        """How many people one send may name (the group limit counts the sender)."""
        return max(1, self.engine.settings.max_group_size - 1)

    def speaker(self, client: WebClient, identity: Identity) -> Identity:
        """Who is speaking: their Slack profile (users.info) and their DM with the app as chat id."""
        return self.dms.identity(client, self.directory.speaker(client, identity))

    def mentioned(self, client: WebClient, text: str) -> list[Identity]:
        """The people a command mentions, each with their DM as chat id (TooManyPeople past the group limit)."""
        found = self.directory.mentioned(client, text, self.engine.settings.max_group_size)
        return [self.dms.identity(client, person) for person in found]

    def settled(self, identity: Identity) -> Identity:
        """For answers given in the ack (no Slack calls): the DM id if known, else no chat id at all.

        A user id here would take the place of a DM id the account already has; no chat id leaves it be.
        """
        return dataclasses.replace(identity, chat_id=self.dms.known(identity.team_id, identity.external_id))

    def speaking_to(self, identity: Identity):
        """Render in the person's language inside the block (a form, a notice: words of the adapter's own)."""
        return speaking(self.engine.language(identity))

    def refused(self, identity: Identity, text: Text) -> Reply:
        """An adapter's own refusal (no command ran to answer in a language), in the person's language."""
        return in_language(error(text), self.engine.language(identity))

    def elsewhere(self, client: WebClient, identity: Identity) -> Elsewhere:
        """Where an answer goes when its response_url cannot carry it: the person's DM with the app."""

        def post(parts: list[Rendered]) -> None:
            channel = self.dms.identity(client, identity).chat_id or identity.external_id
            post_in_dm(client, channel, identity.external_id, parts)

        return post


def once(runtime: Runtime, listener):
    """A button's lazy listener that runs once per trigger_id (a replayed click is acknowledged, not run)."""

    def run(body: dict, client, respond) -> None:
        if not runtime.replayed(body):
            listener(body, client, respond)

    run.__name__ = run.__qualname__ = listener.__name__  # Bolt reads the arguments to inject from this signature
    return run


def acknowledge(ack) -> None:
    """Answer Slack at once; the work runs after (lazy listeners)."""
    ack()
