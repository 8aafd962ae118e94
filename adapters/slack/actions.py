"""Buttons: Save (default board, or a board picker), Reply and Send (modals), Open, Mark read."""

from __future__ import annotations

import re

from slack_bolt import App
from slack_sdk import WebClient

from adapters.slack import cards, modals
from adapters.slack.answers import open_modal, respond_with
from adapters.slack.digests import MARK_ALL_READ
from adapters.slack.payloads import action_value, actor_identity
from adapters.slack.runtime import Runtime, acknowledge, once
from core.people import Identity
from core.refs import looks_like
from core.results import Reply
from core.text import tr

BROKEN = tr("That button no longer works — try the command instead.")


def refs_in(value: str, kind: str) -> list[str]:
    """The references a button carries, or [] when any of them is not one (a forged value)."""
    found = value.split()
    return found if found and all(looks_like(ref, kind) for ref in found) else []


class ActionListeners:
    """One method per button; each runs after the click is acknowledged."""

    def __init__(self, runtime: Runtime):
        self.rt = runtime

    def register(self, app: App) -> None:
        for action_id, listener in (
            (cards.SAVE, self.save), (cards.REPLY, self.reply), (cards.SEND, self.send),
            (cards.MARK_READ, self.mark_read), (cards.OPEN_CONVERSATION, self.open_conversation),
            (MARK_ALL_READ, self.mark_all_read), (cards.LINK_CONFIRM, self.confirm_link),
            (cards.LINK_CANCEL, self.decline_link),
        ):
            work = self.rt.work
            app.action(action_id)(work.click(once(self.rt, listener)))
        # URL buttons (Open, pin and board pages) open in the browser; Slack still tells us.
        app.action(re.compile(f"^{cards.OPEN_URL}"))(acknowledge)

    def _identity(self, client: WebClient, body: dict) -> Identity:
        return self.rt.speaker(client, actor_identity(body))

    def _answer(self, client: WebClient, body: dict, respond, reply: Reply, replace_original: bool = False) -> None:
        """The reply through the response_url, and whatever it cannot carry in the person's DM."""
        elsewhere = self.rt.elsewhere(client, actor_identity(body))
        respond_with(respond, reply, replace_original=replace_original, elsewhere=elsewhere, command=self.rt.command)

    def _broken(self, body: dict) -> Reply:
        return self.rt.refused(actor_identity(body), BROKEN)

    def save(self, body: dict, client: WebClient, respond) -> None:
        """One click saves to the default board; with several boards, a picker opens."""
        pins = refs_in(action_value(body), "p")
        if len(pins) != 1:
            return self._answer(client, body, respond, self._broken(body))
        identity = self._identity(client, body)
        boards = self.rt.engine.boards(identity)
        if len(boards) > 1:
            with self.rt.speaking_to(identity):
                view = modals.save_modal(pins[0], boards)
                return open_modal(client, body.get("trigger_id"), view, respond, command=self.rt.command)
        return self._answer(client, body, respond, self.rt.engine.save(identity, pins[0]))

    def reply(self, body: dict, client: WebClient, respond) -> None:
        """Open the Reply modal for the conversation on the card."""
        refs = refs_in(action_value(body), "c")
        if len(refs) != 1:
            return self._answer(client, body, respond, self._broken(body))
        with self.rt.speaking_to(actor_identity(body)):
            view = modals.reply_modal(refs[0], self.rt.engine.settings.max_text_length)
            return open_modal(client, body.get("trigger_id"), view, respond, command=self.rt.command)

    def send(self, body: dict, client: WebClient, respond) -> None:
        """Open the Send modal with the person's contacts."""
        pins = refs_in(action_value(body), "p")
        if len(pins) != 1:
            return self._answer(client, body, respond, self._broken(body))
        identity = self._identity(client, body)
        contacts = self.rt.engine.contacts(identity)
        with self.rt.speaking_to(identity):
            view = modals.send_modal(pins[0], contacts, self.rt.max_people, self.rt.engine.settings.max_text_length)
            return open_modal(client, body.get("trigger_id"), view, respond, command=self.rt.command)

    def mark_read(self, body: dict, client: WebClient, respond) -> None:
        """Clear a conversation's unread messages."""
        refs = refs_in(action_value(body), "c")
        reply = self.rt.engine.mark_read(self._identity(client, body), refs[0]) if len(refs) == 1 else self._broken(body)
        self._answer(client, body, respond, reply)

    def open_conversation(self, body: dict, client: WebClient, respond) -> None:
        """Show a conversation's latest messages (which marks them read)."""
        refs = refs_in(action_value(body), "c")
        reply = self.rt.engine.open_conversation(self._identity(client, body), refs[0]) if len(refs) == 1 else self._broken(body)
        self._answer(client, body, respond, reply)

    def mark_all_read(self, body: dict, client: WebClient, respond) -> None:
        """A digest's Mark all read: every conversation it listed."""
        refs = refs_in(action_value(body), "c")
        if not refs:
            return self._answer(client, body, respond, self._broken(body))
        return self._answer(client, body, respond, self.rt.engine.mark_all_read(self._identity(client, body), refs))

    def confirm_link(self, body: dict, client: WebClient, respond) -> None:
        """"Yes, join": the account that typed a link code consents; the answer replaces the question."""
        token = action_value(body)
        reply = self.rt.engine.confirm_link(self._identity(client, body), token) if token else self._broken(body)
        self._answer(client, body, respond, reply, replace_original=True)

    def decline_link(self, body: dict, client: WebClient, respond) -> None:
        """Cancel on a link request: nothing is joined and the code is spent."""
        token = action_value(body)
        reply = self.rt.engine.decline_link(self._identity(client, body), token) if token else self._broken(body)
        self._answer(client, body, respond, reply, replace_original=True)
