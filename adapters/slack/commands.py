"""The slash command and plain DMs to the bot: text in, the core grammar, a rendered reply out."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk import WebClient

from adapters.slack.answers import respond_with, tell
from adapters.slack.mentions import TooManyPeople
from adapters.slack.mrkdwn import ESCAPE_FACTOR, command_text, message_text
from adapters.slack.payloads import (
    Deleted, DirectMessage, Edited, ThreadReply, command_identity, command_raw, dm_change, dm_message, event_key,
)
from adapters.slack.runtime import Runtime
from adapters.slack.workqueue import BUSY_TEXT
from core.grammar import too_long
from core.people import Identity
from core.results import Reply, error
from core.text import Command, tr

log = logging.getLogger(__name__)
EVENT_SOURCE = "slack_event"
UNMAPPED_THREAD = tr("That thread isn't a Pinbridge conversation — reply in the thread of a message from a conversation, "
                     "or use {command}.", command=Command("reply c3 …"))


def _worth_a_place(body: dict) -> bool:
    """A person's message in the bot's DM (or their edit or delete of one), with an event id: the only
    message events that do any work."""
    return event_key(body) is not None and (dm_message(body) is not None or dm_change(body) is not None)


BUSY_CHANGE = tr("I was too busy to pass on your edit or delete just now — please make it again in a moment.")


class Refused(Exception):
    """The input was refused before the engine saw it; `reply` says why."""

    def __init__(self, reply: Reply):
        super().__init__(reply.text)
        self.reply = reply


class CommandListeners:
    """`/pin …` and messages in the bot's DM (top level: a command line; in a thread: a reply)."""

    def __init__(self, runtime: Runtime):
        self.rt = runtime

    def register(self, app: App) -> None:
        work = self.rt.work
        app.command(self.rt.command)(work.command(self.run_command))
        app.event("message")(work.event(self.on_message, tell=self.tell_busy, wanted=_worth_a_place))

    def bounded(self, raw: str, limit: int) -> None:
        """Refuse text too long to be a command before any pattern reads it (Slack escapes expand it at most 5×)."""
        if len(raw) > ESCAPE_FACTOR * limit:
            raise Refused(error(too_long(len(raw), limit).text))

    def command(self, client: WebClient, speaker: Identity, raw: str) -> tuple[str, Reply]:
        """Decode, resolve the people it mentions (capped), and run one command line."""
        limit = self.rt.engine.settings.max_command_length
        self.bounded(raw, limit)
        text = command_text(raw)
        try:
            mentioned = self.rt.mentioned(client, text)
        except TooManyPeople as exc:
            raise Refused(error(exc.args[0])) from None
        return text, self.rt.engine.run(self.rt.speaker(client, speaker), text, mentioned)

    def run_command(self, body: dict, client: WebClient, respond) -> None:
        """Run the words after the slash command and answer through the response_url (once per trigger_id)."""
        if self.rt.replayed(body):
            return
        elsewhere = self.rt.elsewhere(client, command_identity(body))
        try:
            text, reply = self.command(client, command_identity(body), command_raw(body))
        except Refused as refused:
            reply = self.rt.refused(command_identity(body), refused.reply.body)
            return respond_with(respond, reply, elsewhere=elsewhere, command=self.rt.command)
        return respond_with(respond, reply, reply.shared, elsewhere=elsewhere, command=self.rt.command)

    def on_message(self, body: dict, client: WebClient) -> None:
        """A message event, processed once per event_id whatever Slack retries."""
        key = event_key(body)
        if key is None or not self.rt.engine.first_time(EVENT_SOURCE, key):
            return
        change = dm_change(body)
        if change is not None:
            return self.on_change(client, change)
        found = dm_message(body)
        if found is not None:  # the event names the DM: deliveries go there from now on
            self.rt.dms.remember(found.identity.team_id, found.identity.external_id, found.channel)
        try:
            if isinstance(found, ThreadReply):
                self.thread_reply(client, found)
            elif isinstance(found, DirectMessage) and found.raw.strip():
                _, reply = self.command(client, found.identity, found.raw)
                tell(client, found.channel, found.identity.external_id, reply, command=self.rt.command)
        except Refused as refused:
            thread = found.parent_ts if isinstance(found, ThreadReply) else None
            reply = self.rt.refused(found.identity, refused.reply.body)
            tell(client, found.channel, found.identity.external_id, reply, thread_ts=thread, command=self.rt.command)

    def on_change(self, client: WebClient, change: Edited | Deleted) -> None:
        """A person edited or deleted their message in the bot's DM: so does every copy of it (quietly, unless refused)."""
        if isinstance(change, Deleted):
            self.rt.engine.delete_remote(change.identity, change.channel, change.ts)
            return
        try:
            self.bounded(change.raw, self.rt.engine.settings.max_text_length)
            reply = self.rt.engine.edit_remote(change.identity, change.channel, change.ts, message_text(change.raw),
                                                change.when)
        except Refused as refused:
            reply = self.rt.refused(change.identity, refused.reply.body)
        if reply is not None and not reply.ok:
            tell(client, change.channel, change.identity.external_id, reply, thread_ts=change.thread_ts,
                 command=self.rt.command)

    def tell_busy(self, body: dict, client: WebClient, respond=None) -> None:  # noqa: ARG002 - WorkQueue's shape
        """A DM, edit or delete shed on Slack's last retry: say so where the answer would have gone (bots: nothing)."""
        found = dm_message(body) or dm_change(body)
        key = event_key(body)
        if found is None or key is None or not self.rt.engine.first_time(EVENT_SOURCE, key):
            return
        thread = found.parent_ts if isinstance(found, ThreadReply) else getattr(found, "thread_ts", None)
        busy = self.rt.refused(found.identity, BUSY_CHANGE if isinstance(found, (Edited, Deleted)) else BUSY_TEXT)
        tell(client, found.channel, found.identity.external_id, busy, thread_ts=thread, command=self.rt.command)

    def thread_reply(self, client: WebClient, found: ThreadReply) -> None:
        """A reply in the thread of one of our DMs goes into that message's conversation."""
        self.bounded(found.raw, self.rt.engine.settings.max_text_length)
        identity = self.rt.directory.speaker(client, found.identity)  # chat id: the DM the event names
        text = message_text(found.raw)
        source = (found.channel, found.ts) if found.ts else None
        reply = self.rt.engine.reply_to_remote(identity, found.channel, found.parent_ts, text, source)
        if reply is None and found.channel != identity.external_id:
            # Sent before Pinbridge knew the DM's id, it is recorded under the user id (chat id rule, payloads.py).
            reply = self.rt.engine.reply_to_remote(identity, identity.external_id, found.parent_ts, text, source)
        if reply is None:
            reply = self.rt.refused(identity, UNMAPPED_THREAD)
        if not reply.ok:
            tell(client, found.channel, identity.external_id, reply, thread_ts=found.parent_ts, command=self.rt.command)
