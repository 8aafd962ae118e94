"""#general on the sandbox's Slack workspace: people post there, and Pinbridge's links get their previews.

A message with links on the app's unfurl domain makes the stand-in send `link_shared`, signed,
to the real /slack/events, as Slack does for a message posted in a channel
(source "conversations_history"); the preview shows under the message once Pinbridge's
chat.unfurl has passed the stand-in's checks. Pinbridge hears nothing else of #general: the
app subscribes to no channel messages.
"""

from __future__ import annotations

import secrets

from bridge.sandbox import slack_requests as requests
from bridge.sandbox.pane import Refused, post
from bridge.sandbox.slack_pane import MAX_TEXT, SlackPane

GENERAL, GENERAL_NAME = "C0GENERAL", "general"
SHOWN = 50  # the latest messages of #general on the page


class SlackChannel:
    """What the page's people post in #general, and what everyone there sees."""

    def __init__(self, pane: SlackPane):
        self.pane, self.standin = pane, pane.standin

    def _person(self, user_id: object) -> dict:
        found = next((p for p in self.pane.people() if p["id"] == str(user_id)), None)
        if found is None:
            raise Refused("No such Slack user on this page — pick or create one.", 404)
        return found

    def say(self, user_id: object, text: object) -> dict:
        """A person posts in #general; Pinbridge's links in it are announced to the app (link_shared)."""
        person, text = self._person(user_id), str(text or "").strip()
        if not text:
            raise Refused("Type a message for #general.")
        if len(text) > MAX_TEXT:
            raise Refused(f"Slack messages are at most {MAX_TEXT} characters here.")
        message = self.standin.post_user_message(GENERAL, person["id"], text)
        event = self.standin.share_links(GENERAL, message["ts"], person["id"], text)
        if event is not None:
            body = requests.event_callback(event, f"Ev{secrets.token_hex(8).upper()}", self.standin.bot_user_id)
            post(self.pane.events_url, body, {**requests.signed_headers(self.pane.secret, body),
                                              "Content-Type": requests.JSON})
        return {"ts": message["ts"], "links": len(event["links"]) if event else 0}

    def feed(self) -> dict:
        """#general as everyone sees it: each message, who wrote it, and the previews under it."""
        names = {p["id"]: p["name"] for p in self.pane.people()}
        items = []
        for message in self.standin.messages(GENERAL)[-SHOWN:]:
            previews = self.standin.unfurls_of(GENERAL, message["ts"])
            items.append({"ts": message["ts"], "user": message.get("user"),
                          "name": names.get(message.get("user"), "Pinbridge"), "text": message.get("text") or "",
                          "blocks": message.get("blocks") or [],
                          "unfurls": [{"url": url, "blocks": (p.get("blocks") or [])} for url, p in previews.items()]})
        return {"channel": f"#{GENERAL_NAME}", "items": items}
