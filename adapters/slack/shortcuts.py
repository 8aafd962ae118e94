"""Shortcuts: "Save as pin" on any message (its picture or first link becomes a pin in one gesture), and
"New pin" from anywhere in Slack (a modal: link, title, and people to send it to, in one step).

Slack sends the whole message in the `message_action` payload. A picture in it is a Slack
file: its bytes come from the file's private URL, which wants the bot's token (scope
`files:read`) — so the URL is taken from files.info, never from the payload, and the token
only ever goes to Slack's own file host (the API's domain), never to a URL someone could
put in front of it.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import httpx
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from adapters.slack import modals
from adapters.slack.answers import NETWORK_ERRORS, open_modal, respond_with
from adapters.slack.rich import mrkdwn
from adapters.slack.mrkdwn import links_and_words
from adapters.slack.parts import Rendered
from adapters.slack.payloads import actor_identity
from adapters.slack.runtime import Runtime, once
from core.errors import InvalidInput
from core.pictures import MAX_INPUT_BYTES
from core.i18n import speaking
from core.results import Reply
from core.text import Command, tr

log = logging.getLogger(__name__)
SAVE_AS_PIN = "save_as_pin"  # the manifest's message shortcut callback_id
NEW_PIN = "new_pin"  # the manifest's global shortcut callback_id
UNREADABLE = tr("Slack wouldn't give me that picture — is the app in that channel? Try again, or pin a link.")
SAVE_AS_PIN_TITLE = tr("Save as pin")


class ShortcutListeners:
    """Message shortcuts; the work runs after the ack, answered privately through the response_url."""

    def __init__(self, runtime: Runtime, pictures=None):
        self.rt, self.pictures = runtime, pictures

    def register(self, app) -> None:
        app.shortcut(SAVE_AS_PIN)(self.rt.work.click(once(self.rt, self.save_as_pin)))
        app.shortcut(NEW_PIN)(self.rt.work.click(once(self.rt, self.new_pin)))

    def new_pin(self, body: dict, client: WebClient, respond) -> None:
        """Open the New pin modal with the person's contacts (a global shortcut has no channel to answer in)."""
        identity = self.rt.speaker(client, actor_identity(body))
        contacts = self.rt.engine.contacts(identity)
        with self.rt.speaking_to(identity):
            view = modals.new_pin_modal(contacts, self.rt.max_people, self.rt.engine.settings.max_text_length)
            open_modal(client, body.get("trigger_id"), view, _in_dm(self.rt, client, identity), command=self.rt.command)

    def save_as_pin(self, body: dict, client: WebClient, respond) -> None:
        """The message's picture (a Slack image file) or its first link, as a pin on the default board.

        With several boards the board picker opens at once (a "Saving…" form, within the trigger's 3 s),
        and turns into the picker when the pin exists (views.update needs no trigger).
        """
        message = body.get("message") if isinstance(body.get("message"), dict) else {}
        identity = self.rt.speaker(client, actor_identity(body))
        boards = self.rt.engine.boards(identity)
        picker = self._saving(client, body.get("trigger_id"), identity) if len(boards) > 1 else None
        links, words = links_and_words(message.get("text") if isinstance(message.get("text"), str) else "")
        links += [url for url in links_in_blocks(message.get("blocks")) if url not in links]  # an app's or rich message
        # A file whose details the payload leaves out (file_access: check_file_info) may be a picture too.
        images = [f for f in message.get("files") or () if isinstance(f, dict)
                  and (str(f.get("mimetype", "")).startswith("image/") or f.get("file_access") == "check_file_info")]
        if images and self.pictures is not None:
            reply = self._picture(client, identity, images[0], words, links[0] if links else None)
        elif links:
            reply = self.rt.engine.pin_link(identity, links[0], words)
        else:
            reply = self.rt.refused(identity, tr("That message has no link or picture to pin — {command} makes a pin of any link.",
                                                 command=Command("new <link>")))
        self._answer(client, body, respond, reply)
        if picker is not None:
            card = reply.items[0] if reply.ok and reply.items else None
            on_board = card is not None and reply.shared  # shared: on the default board, for all to see
            boards = self.rt.engine.boards(identity) if on_board else []
            with speaking(reply.locale):
                view = modals.save_modal(card.ref, boards) if on_board else modals.done_view(
                    SAVE_AS_PIN_TITLE, mrkdwn(reply.body, self.rt.command))
            try:
                client.views_update(view_id=picker, view=view)
            except SlackApiError as exc:
                log.info("views.update refused: %s", exc.response.get("error"))
            except NETWORK_ERRORS as exc:  # the answer went through the response_url already
                log.info("views.update failed: %s", type(exc).__name__)

    def _saving(self, client: WebClient, trigger_id, identity) -> str | None:
        """Open the form that becomes the board picker; its view id, or None when Slack would not."""
        with self.rt.speaking_to(identity):
            view = modals.done_view(SAVE_AS_PIN_TITLE, mrkdwn(tr("Saving…"), self.rt.command))
        try:
            return client.views_open(trigger_id=trigger_id, view=view)["view"]["id"]
        except SlackApiError as exc:
            log.info("views.open refused: %s", exc.response.get("error"))
        except NETWORK_ERRORS as exc:
            log.info("views.open failed: %s", type(exc).__name__)
        return None

    def _picture(self, client: WebClient, identity, file: dict, words: str, source: str | None) -> Reply:
        found = self._download(client, file.get("id"))
        if found is None:
            return self.rt.refused(identity, UNREADABLE)
        data, public = found
        try:
            kept = self.pictures.keep(data)
        except InvalidInput as refusal:
            return self.rt.refused(identity, refusal.text)
        # A picture from a private channel or a DM stays off the public boards until its saver puts it on one.
        return self.rt.engine.pin_picture(identity, kept.key, kept.mime, words, source, (kept.width, kept.height),
                                          on_board=public)

    def _download(self, client: WebClient, file_id) -> tuple[bytes, bool] | None:
        """The file's bytes through files.info and its private URL (with the bot's token), and whether Slack
        calls the file public (shared in a public channel); None when it is no picture we can have."""
        if not isinstance(file_id, str) or not file_id:
            return None
        try:
            found = client.files_info(file=file_id)["file"]
        except SlackApiError as exc:
            log.info("files.info refused: %s", exc.response.get("error"))
            return None
        except NETWORK_ERRORS as exc:
            log.info("files.info failed: %s", type(exc).__name__)
            return None
        if not isinstance(found, dict) or not str(found.get("mimetype", "")).startswith("image/"):
            return None
        url = found.get("url_private_download") or found.get("url_private")
        size = found.get("size")
        if not isinstance(url, str) or not _slacks_own(url, client.base_url) or (isinstance(size, int) and size > MAX_INPUT_BYTES):
            return None
        try:
            with httpx.stream("GET", url, headers={"Authorization": f"Bearer {client.token}"}, timeout=20.0,
                              follow_redirects=False) as response:
                if response.status_code != 200 or "text/html" in response.headers.get("content-type", ""):
                    return None  # Slack's sign-in page: the token was not good for this file
                data = bytearray()
                for chunk in response.iter_bytes():
                    data += chunk
                    if len(data) > MAX_INPUT_BYTES:
                        return None
                return bytes(data), found.get("is_public") is True
        except httpx.HTTPError as exc:
            log.info("could not download a slack file: %s", type(exc).__name__)
            return None

    def _answer(self, client: WebClient, body: dict, respond, reply: Reply) -> None:
        elsewhere = self.rt.elsewhere(client, actor_identity(body))
        respond_with(respond, reply, elsewhere=elsewhere, command=self.rt.command)


def links_in_blocks(blocks) -> list[str]:
    """The http(s) links of a message's Block Kit, in reading order: mrkdwn links in texts, rich text's `link`
    elements, URL buttons (https://docs.slack.dev/reference/block-kit/blocks)."""
    found: list[str] = []

    def visit(node) -> None:
        if isinstance(node, list):
            for item in node:
                visit(item)
            return
        if not isinstance(node, dict):
            return
        if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
            found.extend(links_and_words(node["text"])[0])
        elif node.get("type") in ("link", "button") and isinstance(node.get("url"), str):
            found.append(node["url"])
        for key, value in node.items():
            if key != "text" or not isinstance(value, str):
                visit(value)

    visit(blocks)
    return [url for n, url in enumerate(found) if url.lower().startswith(("http://", "https://")) and url not in found[:n]]


def _in_dm(runtime: Runtime, client: WebClient, identity):
    """A `respond` for a request with no response_url (a global shortcut): what it says goes to the person's DM."""
    elsewhere = runtime.elsewhere(client, identity)

    def respond(text: str = "", blocks=None, **_) -> None:
        elsewhere([Rendered(text, blocks or [])])

    return respond


def _slacks_own(url: str, api_base_url: str) -> bool:
    """True when `url` is on the API's own domain (files.slack.com beside slack.com/api): the bot token may go there."""
    parts, api = urlsplit(url), urlsplit(api_base_url)
    host, api_host = (parts.hostname or "").lower(), (api.hostname or "").lower()
    if not host or parts.scheme != api.scheme:
        return False
    return host == api_host or host.endswith("." + api_host)
