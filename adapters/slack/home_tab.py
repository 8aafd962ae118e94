"""The App Home tab's listeners: `app_home_opened`, the tab's buttons and menus, and its New board form.

Opening the tab records it on the account (from then on the outbox refreshes it when something
changes, core/refreshes.py) and publishes the view at once — in a lazy listener, never in the
ack. A button or menu runs the same engine command people type, then publishes the tab again
for the person who clicked (they are looking at it); other people's tabs follow through the
outbox. A click in a Home tab has no response_url (Slack gives one only to messages), so an
answer worth reading — a conversation's history, a link code, a refusal — opens in a modal.
"""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from adapters.slack import home, modals
from adapters.slack.actions import BROKEN, refs_in
from adapters.slack.answers import NETWORK_ERRORS
from adapters.slack.errors import from_api_error, network
from adapters.slack.lifecycle import EVENT_SOURCE
from adapters.slack.payloads import action_value, actor_identity, event_key, identity_of
from adapters.slack.rich import mrkdwn
from adapters.slack.runtime import Runtime, acknowledge, once
from adapters.slack.submissions import FORM_BROKEN, answer, refuse
from core.i18n import speaking
from core.people import Identity
from core.results import Reply
from core.text import Text, tr

log = logging.getLogger(__name__)
MAX_CHOICE = 80  # a menu's value is a schedule ("weekly mon 09:00 America/Argentina/Buenos_Aires") or a platform
TITLE = {home.OPEN: tr("Conversation"), home.LINK: tr("Link an account")}
INBOX, DIGEST, DELIVERY = tr("Inbox"), tr("Digest"), tr("Delivery")


def _plain_choice(value: str) -> bool:
    """A menu value the engine may read as a command's words: one short line, nothing else."""
    return 0 < len(value) <= MAX_CHOICE and value.isprintable()


class HomeListeners:
    """The Home tab: opened, clicked, and its one form. (`respond` is unused: a Home tab click has no response_url.)"""

    def __init__(self, runtime: Runtime):
        self.rt = runtime

    def register(self, app: App) -> None:
        app.event("app_home_opened")(ack=acknowledge, lazy=[self.opened])
        for action_id, listener in ((home.OPEN, self.open), (home.READ, self.mark_read), (home.DISMISS, self.dismiss),
                                    (home.NEW_BOARD, self.new_board), (home.DIGEST, self.digest),
                                    (home.DELIVER, self.deliver), (home.LINK, self.link)):
            app.action(action_id)(self.rt.work.click(once(self.rt, listener)))
        app.view(home.NEW_BOARD_MODAL)(self.new_board_submitted)

    # the tab -----------------------------------------------------------------------------------
    def opened(self, body: dict, event: dict, client: WebClient) -> None:
        """The person opened the Home tab (not the Messages tab): record it and publish their home."""
        key = event_key(body)
        user = event.get("user")
        if event.get("tab") != "home" or not isinstance(user, str) or not user or key is None:
            return
        if not self.rt.engine.first_time(EVENT_SOURCE, key):
            return  # Slack's retry of an event already handled
        view = event.get("view") if isinstance(event.get("view"), dict) else {}
        team = body.get("team_id") or view.get("team_id")
        team = team if isinstance(team, str) else None
        channel = event.get("channel") if isinstance(event.get("channel"), str) else ""
        if channel:
            self.rt.dms.remember(team, str(event["user"]), channel)  # the event names the DM: no conversations.open
        self.publish(client, self.rt.speaker(client, identity_of(str(event["user"]), team)))

    def publish(self, client: WebClient, identity: Identity) -> None:
        """views.publish of the person's home as it is now; a refusal is logged (the next change tries again)."""
        view = home.render_home(self.rt.engine.open_home(identity), self.rt.command)
        try:
            client.views_publish(user_id=identity.external_id, view=view)
        except SlackApiError as exc:
            log.info("views.publish refused: %s", from_api_error(exc, view=True).describe())
        except NETWORK_ERRORS as exc:
            log.info("views.publish failed: %s", network(type(exc).__name__).describe())

    def _show(self, client: WebClient, body: dict, title: Text, reply: Reply) -> None:
        """An answer in a modal over the Home tab (it has no response_url to answer through), in the asker's language."""
        with speaking(reply.locale):
            view = modals.done_view(title, mrkdwn(reply.body, self.rt.command))
        try:
            client.views_open(trigger_id=body.get("trigger_id"), view=view)
        except SlackApiError as exc:
            log.info("views.open refused an answer in the Home tab: %s", from_api_error(exc, view=True).describe())
        except NETWORK_ERRORS as exc:
            log.info("views.open failed for an answer in the Home tab: %s", network(type(exc).__name__).describe())

    def _identity(self, client: WebClient, body: dict) -> Identity:
        return self.rt.speaker(client, actor_identity(body))

    def _broken(self, client: WebClient, body: dict, title: Text) -> None:
        self._show(client, body, title, self.rt.refused(actor_identity(body), BROKEN))

    def _then_publish(self, client: WebClient, body: dict, identity: Identity, reply: Reply, title: Text) -> None:
        if not reply.ok:
            self._show(client, body, title, reply)
        self.publish(client, identity)

    # buttons -----------------------------------------------------------------------------------
    def open(self, body: dict, client: WebClient, respond=None) -> None:
        """Open: the conversation's latest messages in a modal (read, as `read c3` does)."""
        refs = refs_in(action_value(body), "c")
        if len(refs) != 1:
            return self._broken(client, body, TITLE[home.OPEN])
        identity = self._identity(client, body)
        reply = self.rt.engine.open_conversation(identity, refs[0])
        self._show(client, body, tr("Conversation {conversation}", conversation=refs[0]) if reply.ok else TITLE[home.OPEN],
                   reply)
        self.publish(client, identity)

    def mark_read(self, body: dict, client: WebClient, respond=None) -> None:
        """Mark read: its unread count goes, the tab shows it."""
        self._on_conversation(body, client, lambda identity, ref: self.rt.engine.mark_read(identity, ref))

    def dismiss(self, body: dict, client: WebClient, respond=None) -> None:
        """Dismiss (the "x"): it leaves the inbox until someone writes."""
        self._on_conversation(body, client, lambda identity, ref: self.rt.engine.run(identity, f"dismiss {ref}"))

    def _on_conversation(self, body: dict, client: WebClient, run) -> None:
        refs = refs_in(action_value(body), "c")
        if len(refs) != 1:
            return self._broken(client, body, INBOX)
        identity = self._identity(client, body)
        self._then_publish(client, body, identity, run(identity, refs[0]), INBOX)

    def digest(self, body: dict, client: WebClient, respond=None) -> None:
        """The digest menu: `digest <schedule>`, keeping the person's time and zone."""
        self._setting(body, client, "digest", DIGEST)

    def deliver(self, body: dict, client: WebClient, respond=None) -> None:
        """The delivery menu: `deliver <platform>|all`."""
        self._setting(body, client, "deliver", DELIVERY)

    def _setting(self, body: dict, client: WebClient, word: str, title: Text) -> None:
        value = home.selected(body)
        if not _plain_choice(value):
            return self._broken(client, body, title)
        identity = self._identity(client, body)
        self._then_publish(client, body, identity, self.rt.engine.run(identity, f"{word} {value}"), title)

    def link(self, body: dict, client: WebClient, respond=None) -> None:
        """Link an account: a one-time code and where to type it, as `link` answers."""
        identity = self._identity(client, body)
        self._show(client, body, TITLE[home.LINK], self.rt.engine.run(identity, "link"))

    def new_board(self, body: dict, client: WebClient, respond=None) -> None:
        """New board: its form."""
        try:
            with self.rt.speaking_to(actor_identity(body)):
                view = home.new_board_modal()
            client.views_open(trigger_id=body.get("trigger_id"), view=view)
        except SlackApiError as exc:
            log.info("views.open refused the New board form: %s", from_api_error(exc, view=True).describe())
        except NETWORK_ERRORS as exc:
            log.info("views.open failed for the New board form: %s", network(type(exc).__name__).describe())

    # the form ----------------------------------------------------------------------------------
    def new_board_submitted(self, ack, body: dict, view: dict) -> None:
        """The New board form, answered in the ack (submissions.py); the tab follows through the outbox."""
        if self.rt.replayed(body):
            return ack()
        form = home.new_board_submission(view)
        identity = self.rt.settled(actor_identity(body))
        if form is None or not form[0]:
            with self.rt.speaking_to(identity):
                return refuse(ack, home.NAME_BLOCK, FORM_BROKEN if form is None else tr("Give the board a name."))
        name, secret = form
        reply = self.rt.engine.new_board(identity, name, secret)
        return answer(ack, reply, home.NAME_BLOCK, tr("New board"), self.rt.command)

