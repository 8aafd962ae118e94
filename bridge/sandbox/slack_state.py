"""In-memory, thread-safe state of the local Slack Web API stand-in (see slack_api.py)."""

from __future__ import annotations

import copy
import logging
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable
from zoneinfo import ZoneInfo

from bridge.sandbox.bounded import EVERYTHING, Keep, Recent
from bridge.sandbox.images import ImageRegistry
from bridge.sandbox.listeners import Listeners
from bridge.sandbox.slack_faults import (  # SlackError: where every stand-in module finds it
    RESPONSE_URL, RESPONSE_URL_USES, Fault, FaultInjection, RateLimited, SlackError,
)
from bridge.sandbox.slack_changes import MessageChanges
from bridge.sandbox.slack_files import SlackFiles
from bridge.sandbox.slack_shares import SlackShares

__all__ = ["RESPONSE_URL", "RESPONSE_URL_USES", "Call", "Fault", "RateLimited", "ResponsePost", "SlackError", "SlackStandin"]

log = logging.getLogger(__name__)

Event = dict[str, Any]
Listener = Callable[[Event], None]


@dataclass(frozen=True)
class Call:
    """One recorded Web API call and how the stand-in answered it."""

    method: str
    params: dict[str, Any]
    token: str | None
    timestamp: float
    status: int = 200
    error: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the call was answered with HTTP 200 and ok=true."""
        return self.status == 200 and self.error is None


@dataclass(frozen=True)
class ResponsePost:
    """One JSON body posted to a response_url."""

    token: str
    body: Any
    timestamp: float


class SlackStandin(FaultInjection, SlackFiles, SlackShares, ImageRegistry, MessageChanges):
    """Thread-safe in-memory Slack workspace: users, DMs, messages, views, calls and faults."""

    def __init__(
        self,
        team_id: str = "T0SANDBOX",
        team_name: str = "Pinbridge Sandbox",
        team_domain: str = "pinbridge-sandbox",
        bot_user_id: str = "U0BOT",
        bot_id: str = "B0BOT",
        app_id: str = "A0SANDBOX",
        installer_user_id: str = "U0INSTALLER",
        keep: Keep = EVERYTHING,
    ) -> None:
        """Create an empty workspace whose only user is the bot (`keep`: how much history it holds)."""
        self.keep = keep
        self.team_id, self.team_name, self.team_domain = team_id, team_name, team_domain
        self.bot_user_id, self.bot_id, self.app_id = bot_user_id, bot_id, app_id
        self.installer_user_id = installer_user_id
        self._lock = threading.RLock()
        self._listeners = Listeners("slack stand-in")
        self.reset()

    @property
    def workspace_url(self) -> str:
        """The workspace URL reported by auth.test and used in permalinks."""
        return f"https://{self.team_domain}.slack.com/"

    def reset(self) -> None:
        """Forget all state (users, messages, views, calls, faults, rate limiting); keep listeners."""
        with self._lock:
            self._users: dict[str, dict[str, Any]] = {}
            self._dms: dict[str, str] = {}
            keep = self.keep
            self._messages: dict[str, deque[dict[str, Any]]] = {}  # a ring per channel
            self._ephemeral: deque[dict[str, Any]] = keep.ring()
            self._views: Recent = keep.recent()  # view id -> its latest state
            self._view_triggers: Recent = keep.recent()  # trigger id -> the view it opened
            self._calls: deque[Call] = keep.ring()
            self._response_posts: deque[ResponsePost] = keep.ring()
            self._response_refusals: deque[ResponsePost] = keep.ring()
            self._response_uses: Recent = keep.recent()  # token -> posts taken (refused ones count)
            self._images: dict[str, str] = {}
            self._files: Recent = keep.recent()  # file id -> (its files.info object, its bytes)
            self.reset_faults()
            self.reset_shares()
            self._last_ts_us = 0
            self.add_user(self.bot_user_id, "pinbridge", real_name="Pinbridge", is_bot=True)

    def add_user(
        self,
        user_id: str,
        name: str,
        real_name: str | None = None,
        tz: str = "UTC",
        image_url: str | None = None,
        is_bot: bool = False,
        team_id: str | None = None,
        locale: str = "en-US",
    ) -> dict[str, Any]:
        """Add (or replace) a user and return its Slack-shaped user object (`locale`: shown by users.info on request)."""
        offset = ZoneInfo(tz).utcoffset(datetime.now())
        image = image_url or ""
        user = {
            "id": user_id,
            "team_id": team_id or self.team_id,
            "name": name,
            "deleted": False,
            "real_name": real_name or name,
            "tz": tz,
            "tz_label": tz,
            "tz_offset": int(offset.total_seconds()) if offset else 0,
            "is_bot": is_bot,
            "is_app_user": False,
            "locale": locale,
            "profile": {
                "display_name": name,
                "real_name": real_name or name,
                "image_72": image,
                "image_192": image,
                "team": team_id or self.team_id,
            },
        }
        with self._lock:
            self._users[user_id] = user
            return copy.deepcopy(user)

    def set_locale(self, user_id: str, locale: str) -> None:
        """A person changed their Slack language (the sandbox's language switch)."""
        with self._lock:
            if user_id not in self._users:
                raise SlackError("user_not_found")
            self._users[user_id]["locale"] = locale

    def user(self, user_id: str) -> dict[str, Any]:
        """Return a copy of a user object; raises SlackError('user_not_found')."""
        with self._lock:
            if user_id not in self._users:
                raise SlackError("user_not_found")
            return copy.deepcopy(self._users[user_id])

    def dm_channel(self, user_id: str) -> str:
        """The id of the app's DM with a user (made the first time it is asked for, like conversations.open)."""
        with self._lock:
            if user_id not in self._dms:
                self._dms[user_id] = "D" + secrets.token_hex(5).upper()  # unrelated to the user id, as in Slack
            return self._dms[user_id]

    @staticmethod
    def is_user_id(channel: str) -> bool:
        """Whether `channel` names a person (U…, W…) rather than a conversation."""
        return channel[:1] in ("U", "W")

    def resolve_channel(self, channel: str) -> str:
        """Where chat.postMessage posts for `channel`: a user id means the app's DM with them."""
        # Slack still takes a user id as chat.postMessage's `channel` and posts in the app's DM, answering with
        # the DM's id; its docs describe `channel` as a conversation id (docs.slack.dev chat.postMessage).
        if not self.is_user_id(channel):
            return channel
        with self._lock:
            user = self._users.get(channel)
        if user is None:
            raise SlackError("channel_not_found")
        if user["is_bot"]:
            raise SlackError("cannot_dm_bot")
        return self.dm_channel(channel)

    def conversation(self, channel: str) -> str:
        """A conversation id for the chat.* methods other than postMessage, which refuse a user id."""
        # chat.update with a user id as channel: channel_not_found (slackapi/python-slack-sdk#528).
        if self.is_user_id(channel):
            raise SlackError("channel_not_found")
        return channel

    def calls(self, method: str | None = None) -> list[Call]:
        """Recorded API calls, oldest first, optionally only those to `method`."""
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """Messages currently in a channel (for tests, a user id means their DM), oldest first."""
        channel = self.dm_channel(channel) if self.is_user_id(channel) else channel
        with self._lock:
            return copy.deepcopy(list(self._messages.get(channel, ())))

    def ephemeral_messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Ephemeral messages posted, optionally only those in `channel`."""
        with self._lock:
            found = [m for m in self._ephemeral if channel is None or m["channel"] == channel]
            return copy.deepcopy(found)

    def views(self) -> list[dict[str, Any]]:
        """Every opened, pushed or published view in its latest state."""
        with self._lock:
            return copy.deepcopy(list(self._views.values()))

    def view(self, view_id: str | None = None, external_id: str | None = None) -> dict[str, Any]:
        """One view by id or external_id; raises SlackError('not_found')."""
        with self._lock:
            for view in self._views.values():
                if (view_id and view["id"] == view_id) or (external_id and view["external_id"] == external_id):
                    return copy.deepcopy(view)
        raise SlackError("not_found")

    def view_opened_by(self, trigger_id: str) -> dict[str, Any] | None:
        """The view (latest state) that views.open or views.push showed for `trigger_id`, if any."""
        with self._lock:
            view_id = self._view_triggers.get(trigger_id)
            return copy.deepcopy(self._views[view_id]) if view_id in self._views else None

    def response_posts(self, token: str | None = None) -> list[ResponsePost]:
        """Bodies posted to response URLs, optionally only those for `token`."""
        with self._lock:
            return [p for p in self._response_posts if token is None or p.token == token]

    def response_refusals(self) -> list[ResponsePost]:
        """Bodies posted to response URLs that Slack would have refused (and so never showed)."""
        with self._lock:
            return list(self._response_refusals)

    def refuse_response_post(self, token: str, body: Any) -> None:
        """Remember a refused response_url post (not shown, not announced to listeners)."""
        with self._lock:
            self._response_refusals.append(ResponsePost(token, copy.deepcopy(body), time.time()))
            self._response_uses[token] = self._response_uses.get(token, 0) + 1

    @staticmethod
    def response_url(token: str, base: str = "") -> str:
        """The response_url for `token`, relative to the stand-in's base URL."""
        return f"{base.rstrip('/')}/response/{token}"

    def response_uses(self, token: str) -> int:
        """How many posts a response_url has taken (refused ones count: Slack counts each use)."""
        with self._lock:
            return self._response_uses.get(token, 0)

    def _next_ts(self) -> str:
        """A unique, increasing Slack message timestamp like '1732233600.000100'."""
        self._last_ts_us = max(time.time_ns() // 1000, self._last_ts_us + 1)
        return f"{self._last_ts_us // 1_000_000}.{self._last_ts_us % 1_000_000:06d}"

    def post_message(self, channel: str, fields: dict[str, Any], rate_limited: bool = True) -> dict[str, Any]:
        """Append a bot message to `channel` (resolving user ids) and return a copy of it."""
        channel = self.resolve_channel(channel)
        with self._lock:
            if rate_limited:
                self._check_rate(channel)
            message = {
                "type": "message",
                "channel": channel,
                "ts": self._next_ts(),
                "user": self.bot_user_id,
                "bot_id": self.bot_id,
                "app_id": self.app_id,
                "team": self.team_id,
                **fields,
            }
            self._messages.setdefault(channel, self.keep.chat_ring()).append(message)
            message = copy.deepcopy(message)
        self._listeners.emit({"type": "message", "channel": channel, "message": message})
        return message

    def post_ephemeral(self, channel: str, user: str, fields: dict[str, Any]) -> dict[str, Any]:
        """Record an ephemeral message shown to `user` in `channel` and return it."""
        channel = self.conversation(channel)
        with self._lock:
            message = {"channel": channel, "user": user, "ts": self._next_ts(), **fields}
            self._ephemeral.append(message)
            message = copy.deepcopy(message)
        self._listeners.emit({"type": "ephemeral", "message": message})
        return message

    def store_view(
        self, view: dict[str, Any], view_id: str | None = None, trigger_id: str | None = None, **extra: Any
    ) -> dict[str, Any]:
        """Create (or replace, when `view_id` is given) a view and return its Slack shape."""
        with self._lock:
            view_id = view_id or "V" + secrets.token_hex(5).upper()
            if trigger_id:
                # Slack shows a view to the person whose click made the trigger; remember whose it is.
                self._view_triggers[trigger_id] = view_id
            stored = {
                "team_id": self.team_id,
                "app_id": self.app_id,
                "bot_id": self.bot_id,
                "state": {"values": {}},
                "hash": f"{time.time():.6f}.{secrets.token_hex(4)}",
                "private_metadata": "",
                "callback_id": "",
                "external_id": "",
                "root_view_id": view_id,
                "previous_view_id": None,
                **view,
                **extra,
                "id": view_id,
            }
            self._views[view_id] = stored
            stored = copy.deepcopy(stored)
        self._listeners.emit({"type": "view", "view": stored})
        return stored

    def home_view_id(self, user_id: str) -> str | None:
        """The id of the home tab published to `user_id`, if any."""
        with self._lock:
            for view in self._views.values():
                if view.get("type") == "home" and view.get("user_id") == user_id:
                    return view["id"]
        return None

    def record_call(self, method: str, params: dict[str, Any], token: str | None, status: int, error: str | None) -> Call:
        """Record one API call and notify listeners."""
        call = Call(method, copy.deepcopy(params), token, time.time(), status, error)
        with self._lock:
            self._calls.append(call)
        self._listeners.emit({"type": "call", "call": call})
        return call

    def record_response_post(self, token: str, body: Any) -> ResponsePost:
        """Record a body posted to a response_url and notify listeners."""
        post = ResponsePost(token, copy.deepcopy(body), time.time())
        with self._lock:
            self._response_posts.append(post)
            self._response_uses[post.token] = self._response_uses.get(post.token, 0) + 1
        self._listeners.emit({"type": "response_post", "post": post})
        return post

    def subscribe(self, callback: Listener) -> None:
        """Call `callback(event)` for each new event (a dict with a 'type' key)."""
        self._listeners.add(callback)

    def unsubscribe(self, callback: Listener) -> None:
        """Stop calling `callback`; unknown callbacks are ignored."""
        self._listeners.remove(callback)
