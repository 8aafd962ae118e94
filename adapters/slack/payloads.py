"""Pure translation of inbound Slack payloads: who is speaking, and what they said.

Chat id rule: a Slack account's `chat_id` is its DM with the app (D…), the conversation
Slack's `channel` argument names. A message.im event carries it; otherwise the listeners
open the DM (dms.py) before the identity reaches the engine, and an account first met
without it gets the user id (U…), which the sender turns into the DM on the first
delivery (Sent.chat_id moves the account there). The messages the worker records are
keyed by (DM id, ts), so a reply in a DM thread is looked up by the event's channel;
messages recorded before the DM id was known are keyed by (user id, ts) and still found.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.people import Identity

PLATFORM = "slack"


@dataclass(frozen=True)
class ThreadReply:
    """A person's message in a thread of the bot's DM, answering the message at `parent_ts` (raw mrkdwn)."""

    identity: Identity
    channel: str
    parent_ts: str
    raw: str
    ts: str = ""  # the reply's own id: its edits and deletes follow it


@dataclass(frozen=True)
class Edited:
    """A person changed one of their messages in the bot's DM (subtype message_changed) to `raw`."""

    identity: Identity
    channel: str
    ts: str
    raw: str
    thread_ts: str | None
    when: str | None = None  # the edit's own time (`message.edited.ts`): edits may arrive out of order


@dataclass(frozen=True)
class Deleted:
    """A person deleted one of their messages in the bot's DM (subtype message_deleted)."""

    identity: Identity
    channel: str
    ts: str


@dataclass(frozen=True)
class DirectMessage:
    """A top-level message a person wrote in the bot's DM, run as a command line (raw mrkdwn)."""

    identity: Identity
    channel: str
    raw: str


def identity_of(user_id: str, team_id: str | None = None, username: str | None = None,
                chat_id: str | None = None) -> Identity:
    """The Identity of a Slack user known by id (chat id: their DM when known; the user id stands in for a new account)."""
    return Identity(PLATFORM, user_id, chat_id=chat_id or None, username=username or None, team_id=team_id or None,
                    fallback_chat_id=user_id)


def command_identity(body: dict) -> Identity:
    """Who typed a slash command."""
    return identity_of(str(body.get("user_id", "")), body.get("team_id"), body.get("user_name"))


def command_raw(body: dict) -> str:
    """The words after the slash command, as Slack sent them (escaped mrkdwn)."""
    return str(body.get("text") or "")


def actor_identity(body: dict) -> Identity:
    """Who clicked a button or submitted a modal (block_actions / view_submission)."""
    user = body.get("user") or {}
    team = (body.get("team") or {}).get("id") or user.get("team_id")
    return identity_of(str(user.get("id", "")), team, user.get("username") or user.get("name"))


def profile_identity(user: dict) -> Identity | None:
    """The Identity behind a users.info user object; None for bots and deactivated users."""
    if not user.get("id") or user.get("is_bot") or user.get("deleted") or user.get("id") == "USLACKBOT":
        return None
    profile = user.get("profile") or {}
    return Identity(
        PLATFORM, user["id"], fallback_chat_id=user["id"], username=user.get("name") or None,
        display_name=(profile.get("display_name") or profile.get("real_name") or user.get("real_name") or None),
        avatar_url=profile.get("image_192") or profile.get("image_72") or None,
        team_id=user.get("team_id") or profile.get("team") or None, timezone=user.get("tz") or None,
        locale=user.get("locale") or None,  # present when users.info was asked with include_locale
    )


def dm_message(body: dict) -> ThreadReply | DirectMessage | None:
    """A person's plain message in the bot's DM; None for anything else (bots, edits, channels)."""
    event = body.get("event") or {}
    if event.get("type") != "message" or event.get("channel_type") != "im":
        return None
    if event.get("subtype") or event.get("bot_id") or not event.get("user") or not event.get("channel"):
        return None
    team = event.get("team") or body.get("team_id")
    identity = identity_of(str(event["user"]), team, chat_id=str(event["channel"]))
    thread_ts, raw = event.get("thread_ts"), str(event.get("text") or "")
    if thread_ts and thread_ts != event.get("ts"):
        return ThreadReply(identity, str(event["channel"]), str(thread_ts), raw, str(event.get("ts") or ""))
    return DirectMessage(identity, str(event["channel"]), raw)


def _ids(*values) -> bool:
    """Every value a non-empty string, as Slack's ids and timestamps are (anything else is no person's)."""
    return all(isinstance(value, str) and value for value in values)


def dm_change(body: dict) -> Edited | Deleted | None:
    """A person's edit or delete of their own message in the bot's DM; None for anything else.

    Shapes (docs.slack.dev/reference/events/message/message_changed, …/message_deleted): the event has
    `subtype`, `channel`, `hidden: true`; a change carries the new `message` (with `user`, `text`, `ts`,
    `edited`) and `previous_message`; a delete carries `deleted_ts` and `previous_message`. A bot's own
    messages (ours, updated by chat.update) carry `bot_id`, and are no one's edit.
    """
    event = body.get("event") or {}
    if event.get("type") != "message" or event.get("channel_type") != "im" or not event.get("channel"):
        return None
    subtype, team = event.get("subtype"), event.get("team") or body.get("team_id")
    if subtype == "message_changed":
        message = event.get("message") if isinstance(event.get("message"), dict) else {}
        if message.get("bot_id") or message.get("subtype") or not _ids(message.get("user"), message.get("ts")):
            return None
        identity = identity_of(str(message["user"]), team, chat_id=str(event["channel"]))
        thread = message.get("thread_ts")
        edited = message.get("edited") if isinstance(message.get("edited"), dict) else {}
        when = edited.get("ts") or event.get("event_ts") or event.get("ts")
        return Edited(identity, str(event["channel"]), str(message["ts"]), str(message.get("text") or ""),
                      str(thread) if thread and thread != message.get("ts") else None, str(when) if when else None)
    if subtype == "message_deleted":
        previous = event.get("previous_message") if isinstance(event.get("previous_message"), dict) else {}
        if previous.get("bot_id") or not _ids(previous.get("user"), event.get("deleted_ts")):
            return None
        identity = identity_of(str(previous["user"]), team, chat_id=str(event["channel"]))
        return Deleted(identity, str(event["channel"]), str(event["deleted_ts"]))
    return None


def event_key(body: dict) -> str | None:
    """The id Slack keeps across retries of one event."""
    key = body.get("event_id")
    return str(key) if key else None


def action_value(body: dict) -> str:
    """The value of the clicked button."""
    actions = body.get("actions") or [{}]
    return str(actions[0].get("value") or "")
