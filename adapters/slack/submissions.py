"""Modal submissions, answered in the acknowledgement itself (Slack's way to show errors inline).

The engine call is one short transaction, so it runs before the ack: the modal then
shows the engine's answer, or keeps the person's input with the error under the field.
Slack cannot be asked twice here (a refused update only shows the person an error), so the
view is valid by construction: the answer in as many sections as it needs (modals.done_view).
"""

from __future__ import annotations

from slack_bolt import App

from adapters.slack import modals
from adapters.slack.mrkdwn import clip
from adapters.slack.payloads import actor_identity
from adapters.slack.runtime import Runtime
from core.refs import looks_like
from adapters.slack.rich import mrkdwn, plain
from core.i18n import speaking, words
from core.results import Reply
from core.text import Text, tr

ERROR_LIMIT = 300
FORM_BROKEN = tr("This form is broken — open it again.")


def answer(ack, reply: Reply, block_id: str, title: Text, command: str) -> None:
    """Close the form into the engine's answer, or show the refusal under `block_id` — in the asker's language."""
    with speaking(reply.locale):
        if reply.ok:
            ack(response_action="update", view=modals.done_view(title, mrkdwn(reply.body, command)))
        else:
            ack(response_action="errors", errors={block_id: clip(plain(reply.body, command), ERROR_LIMIT)})


def refuse(ack, block_id: str, message: Text) -> None:
    """Keep the modal open with an error under one field (in the language being rendered in)."""
    ack(response_action="errors", errors={block_id: words(message)})


class SubmissionListeners:
    """Reply, Send and Save-to-board modals."""

    def __init__(self, runtime: Runtime):
        self.rt = runtime

    def register(self, app: App) -> None:
        app.view(modals.REPLY_MODAL)(self.reply)
        app.view(modals.SEND_MODAL)(self.send)
        app.view(modals.SAVE_MODAL)(self.save)
        app.view(modals.NEW_PIN_MODAL)(self.new_pin)

    def replay(self, ack, body: dict) -> bool:
        """A submission already handled (same trigger_id) is acknowledged and closes the modal; True then."""
        if self.rt.replayed(body):
            ack()
            return True
        return False

    def reply(self, ack, body: dict, view: dict) -> None:
        """Post the typed reply into the conversation."""
        if self.replay(ack, body):
            return None
        identity = self.rt.settled(actor_identity(body))
        with self.rt.speaking_to(identity):
            try:
                ref, text = modals.reply_submission(view)
            except modals.InvalidSubmission:
                return refuse(ack, modals.MESSAGE_BLOCK, FORM_BROKEN)
            if not looks_like(ref, "c"):
                return refuse(ack, modals.MESSAGE_BLOCK, FORM_BROKEN)
            if not text:
                return refuse(ack, modals.MESSAGE_BLOCK, tr("Write something to send."))
        # Straight to the conversation: the text is never read as a command, only the message limit applies.
        reply = self.rt.engine.reply(identity, ref, text)
        return answer(ack, reply, modals.MESSAGE_BLOCK, tr("Replied"), self.rt.command)

    def send(self, ack, body: dict, view: dict) -> None:
        """Send the pin to the chosen people."""
        if self.replay(ack, body):
            return None
        identity = self.rt.settled(actor_identity(body))
        with self.rt.speaking_to(identity):
            try:
                form = modals.send_submission(view)
            except modals.InvalidSubmission:
                return refuse(ack, modals.MORE_BLOCK, FORM_BROKEN)
            if isinstance(form, dict):
                return ack(response_action="errors", errors=form)
            if not looks_like(form.pin, "p"):
                return refuse(ack, modals.MORE_BLOCK, FORM_BROKEN)
        reply = self.rt.engine.send(identity, form.pin, form.people, form.message)
        return answer(ack, reply, modals.MORE_BLOCK, tr("Sent"), self.rt.command)

    def save(self, ack, body: dict, view: dict) -> None:
        """Save the pin to the chosen board."""
        if self.replay(ack, body):
            return None
        identity = self.rt.settled(actor_identity(body))
        with self.rt.speaking_to(identity):
            try:
                pin, board = modals.save_submission(view)
            except modals.InvalidSubmission:
                return refuse(ack, modals.BOARD_BLOCK, FORM_BROKEN)
            if not looks_like(pin, "p") or not board:
                return refuse(ack, modals.BOARD_BLOCK, tr("Choose a board."))
        chosen = None if board == modals.DEFAULT_CHOICE else board
        reply = self.rt.engine.save(identity, pin, chosen)
        return answer(ack, reply, modals.BOARD_BLOCK, tr("Saved"), self.rt.command)

    def new_pin(self, ack, body: dict, view: dict) -> None:
        """The New pin shortcut's form: the pin, on the default board — and sent, when people were named."""
        if self.replay(ack, body):
            return None
        identity = self.rt.settled(actor_identity(body))
        with self.rt.speaking_to(identity):
            try:
                form = modals.new_pin_submission(view)
            except modals.InvalidSubmission:
                return refuse(ack, modals.LINK_BLOCK, FORM_BROKEN)
            if isinstance(form, dict):
                return ack(response_action="errors", errors=form)
        pinned = self.rt.engine.pin_link(identity, form.url, title=form.title or None)
        if not pinned.ok or not form.people:
            return answer(ack, pinned, modals.LINK_BLOCK, tr("Pinned"), self.rt.command)
        sent = self.rt.engine.send(identity, pinned.items[0].ref, form.people, form.message)
        return answer(ack, sent, modals.MORE_BLOCK, tr("Pinned and sent"), self.rt.command)
