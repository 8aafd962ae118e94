"""Link previews of Pinbridge's own links anywhere in the workspace: link_shared → chat.unfurl.

Slack sends `link_shared` for links on the app's unfurl domains, from any conversation the
app is installed in (public, private, DMs: api.slack.com/changelog/2020-11-app-unfurls-everywhere),
and already while the link is typed in the composer (api.slack.com/changelog/2021-08-changes-to-unfurls).
A preview is seen by everyone there, so it shows only what the public page shows (core/links.py),
the cards carrying the usual buttons: Save, Open and Send act for whoever clicks them,
through the same listeners as on any card (actions.py), the engine checking each of them.

The event is acknowledged at once and the work queued (workqueue.py); one chat.unfurl per
event, never retried: a preview that could not be attached is logged (the error code only),
and the link stays a plain link. One preview is seen by all there, so it reads in the language of the
person who shared the link (the event's `user`), as far as Pinbridge knows it without asking anyone.
"""

from __future__ import annotations

import dataclasses
import logging

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from adapters.slack import cards
from adapters.slack.payloads import event_key, identity_of
from adapters.slack.runtime import Runtime
from core import links
from core.i18n import speaking
from core.results import BoardCard, PinCard, ProfileCard

log = logging.getLogger(__name__)
EVENT_SOURCE = "slack_event"  # the inbound-dedup namespace of event_ids (shared with the other events)
# https://api.slack.com/methods/chat.unfurl: "source ... composer, when the link is inside the message composer,
# or conversations_history, when the link has been posted to a conversation".
COMPOSER, HISTORY = "composer", "conversations_history"
SOURCES = frozenset({COMPOSER, HISTORY})
MAX_FIELD = 512  # ids and timestamps Slack sends are short; anything longer is not one of them


def shared_links(event: dict) -> list[str]:
    """The URLs of a link_shared event's `links` (each {"domain", "url"}), in order, once each, a few at most."""
    found: list[str] = []
    entries = event.get("links") if isinstance(event, dict) else None
    for entry in entries[: links.MAX_LINKS * 4] if isinstance(entries, list) else ():
        url = entry.get("url") if isinstance(entry, dict) else None
        if isinstance(url, str) and url not in found:
            found.append(url)
    return found[: links.MAX_LINKS]


def _field(event: dict, name: str) -> str | None:
    value = event.get(name)
    return value if isinstance(value, str) and 0 < len(value) <= MAX_FIELD else None


def target(event: dict) -> dict[str, str] | None:
    """Where chat.unfurl attaches the previews: unfurl_id + source, or channel + ts; None when the event names neither.

    https://api.slack.com/methods/chat.unfurl: "Both channel and ts must be provided together, or unfurl_id and
    source must be provided together." A composer event's `channel` is "COMPOSER" and its `message_ts` no
    timestamp (changelog 2021-08), so it is answered by its unfurl_id.
    """
    source, unfurl_id = _field(event, "source"), _field(event, "unfurl_id")
    channel, ts = _field(event, "channel"), _field(event, "message_ts")
    if source == COMPOSER and unfurl_id:
        return {"unfurl_id": unfurl_id, "source": source}
    if channel and ts:  # Slack still takes these, COMPOSER's included (changelog 2021-08)
        return {"channel": channel, "ts": ts}
    if source in SOURCES and unfurl_id:
        return {"unfurl_id": unfurl_id, "source": source}
    return None


def card_blocks(card: PinCard | BoardCard | ProfileCard) -> list[dict]:
    """One preview's blocks: the card as it looks everywhere (a pin with a thumbnail: a preview is compact)."""
    if isinstance(card, PinCard):
        blocks = cards.pin_blocks(card, large=False)
    elif isinstance(card, BoardCard):
        blocks = cards.board_blocks(card)
    else:
        blocks = cards.profile_blocks(card)
    return [block.to_dict() for block in blocks]


def unfurls(found: dict[str, PinCard | BoardCard | ProfileCard]) -> dict[str, dict]:
    """chat.unfurl's `unfurls`: each URL Slack sent, to the blocks of its preview."""
    return {url: {"blocks": card_blocks(card)} for url, card in found.items()}


class UnfurlListeners:
    """link_shared: the public cards of Pinbridge's links, attached with chat.unfurl, once per event_id."""

    def __init__(self, runtime: Runtime):
        self.rt = runtime

    def register(self, app: App) -> None:
        app.event("link_shared")(self.rt.work.event(self.unfurl, tell=_gave_up, wanted=_wanted))

    def unfurl(self, body: dict, client: WebClient) -> None:
        """Look the links up and attach their previews; a link with none stays a plain link."""
        event = body.get("event") or {}
        where = target(event)
        key = event_key(body)
        if where is None or key is None or not self.rt.engine.first_time(EVENT_SOURCE, key):
            return
        engine = self.rt.engine
        found = links.public_cards(engine.sessions, engine.settings, shared_links(event))
        if not found:
            return
        with speaking(self.language(body)):
            previews = unfurls(found)
        try:
            client.chat_unfurl(**where, unfurls=previews)
        except SlackApiError as exc:  # cannot_unfurl_url, cannot_find_message, ratelimited …: the link stays plain
            error = exc.response.get("error") if exc.response is not None else None
            log.warning("slack: chat.unfurl refused %d preview(s): %s", len(found), str(error or "no answer")[:60])

    def language(self, body: dict) -> str:
        """The language of whoever shared the links: their choice or their Slack locale, read only (a person
        Pinbridge does not know is not made an account here), English for anyone unknown."""
        user = _field(body.get("event") or {}, "user")
        if user is None:
            return "en"
        known = self.rt.remembered_language(body)  # their Slack locale when a users.info answer is in memory
        identity = dataclasses.replace(identity_of(user, _field(body, "team_id")), locale=known)
        return self.rt.engine.language(identity)


def _wanted(body: dict) -> bool:
    """Only link_shared events with links take a place in the queue."""
    return bool(shared_links(body.get("event") or {}))


def _gave_up(body: dict, client, respond) -> None:
    """Busy on Slack's last retry: there is nobody to tell; the links stay plain."""
    log.warning("slack: too busy for link previews; %d link(s) stay plain", len(shared_links(body.get("event") or {})))
