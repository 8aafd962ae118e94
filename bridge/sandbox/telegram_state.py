"""In-memory, thread-safe state of the local Telegram Bot API stand-in (see telegram_api.py)."""

from __future__ import annotations

import copy
import itertools
import logging
import threading
import time
from collections import deque
from typing import Any, Callable

from bridge.sandbox.bounded import EVERYTHING, Keep, Recent
from bridge.sandbox.images import ImageRegistry
from bridge.sandbox.listeners import Listeners
from bridge.sandbox.telegram_fates import ChatFates
from bridge.sandbox.telegram_faults import TelegramFaults
from bridge.sandbox.telegram_files import TelegramFiles
from bridge.sandbox.telegram_setup import BotSetup
from bridge.sandbox.telegram_rules import (
    NOT_MODIFIED,
    Call,
    api_view,
    bad_request,
    checked_origin,
    command_entities,
    url_entities,
)
from bridge.sandbox.telegram_edits import UserEdits
from bridge.sandbox.telegram_updates import UpdateQueue

log = logging.getLogger(__name__)
DELETE_WINDOW = 48 * 3600  # seconds after which a bot can no longer delete a message

Json = dict[str, Any]
Event = dict[str, Any]
Listener = Callable[[Event], None]


class TelegramStandin(TelegramFaults, TelegramFiles, BotSetup, ImageRegistry, UserEdits):
    """Thread-safe in-memory Telegram: users, chats, messages, updates, webhook, calls and faults."""

    def __init__(
        self, token: str = "123456:SANDBOX", bot_username: str = "pinbridge_bot", *,
        clock: Callable[[], float] = time.monotonic, first_update_id: int = 1, keep: Keep = EVERYTHING,
    ) -> None:
        self.token = token
        self.keep = keep  # how much history it holds (bounded.py)
        self.bot_username = bot_username
        self._clock = clock
        self._lock = threading.Lock()
        self._listeners = Listeners("telegram stand-in")
        self._queue = UpdateQueue(self._lock, first_update_id)
        self._reset_state()

    def _reset_state(self) -> None:
        self._users: dict[int, Json] = {}
        self._chats: dict[int, Json] = {}
        keep = self.keep
        self._messages: dict[int, deque[Json]] = {}  # a ring per chat
        self._last_message_id: dict[int, int] = {}
        self._query_ids = itertools.count(4_000_000_000_000_000_001)
        self._open_queries: Recent = keep.recent()  # a query never answered is forgotten, as it expires on Telegram
        self._answers: dict[str, deque[Json]] = {"callback_query": keep.ring(), "inline_query": keep.ring()}
        self._calls: deque[Call] = keep.ring()
        self._reset_faults()
        self._webhook: Json | None = None
        self._commands: dict[tuple[str, str], list[Json]] = {}
        self._menu_buttons: dict[int | None, Json] = {}
        self._images: dict[str, str] = {}
        self._files: Recent = keep.recent()  # file_id -> (bytes, unique id, path) of what users sent
        self._topics: dict[int, set[int]] = {}  # forum supergroup -> its topics' message_thread_ids
        self._photo_ids: Recent = keep.recent()  # file_id -> the PhotoSizes of a photo the bot sent
        self._fates = ChatFates()

    def reset(self) -> None:
        """Forget all users, chats, messages, updates, calls, faults and limits (listeners stay)."""
        with self._lock:
            self._reset_state()
            self._queue.clear()
        self._listeners.emit({"type": "reset"})

    def bot_user(self) -> Json:
        """The bot as a Bot API User (what getMe answers)."""
        bot_id = self.token.partition(":")[0]
        return {
            "id": int(bot_id) if bot_id.isdigit() else 0,
            "is_bot": True,
            "first_name": "Pinbridge",
            "username": self.bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }

    # -- users and chats -------------------------------------------------------

    def add_user(
        self, user_id: int, first_name: str, username: str | None = None, language_code: str = "en"
    ) -> Json:
        """Add a user and their private chat (whose id is the user id); returns the User."""
        user = {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": language_code}
        chat = {"id": user_id, "type": "private", "first_name": first_name}
        if username:
            user["username"] = chat["username"] = username
        with self._lock:
            self._users[user_id] = user
            self._chats[user_id] = chat
        return copy.deepcopy(user)

    def add_group(self, chat_id: int, title: str, topics: tuple[int, ...] = ()) -> Json:
        """Add a group chat (ids from -1000000000000 down are supergroups); returns the Chat.

        `topics`: the supergroup is a forum with these topics (message_thread_id of each; the General
        topic needs none). https://core.telegram.org/bots/api#chat: is_forum "True, if the supergroup chat is a forum".
        """
        kind = "supergroup" if chat_id <= -1_000_000_000_000 else "group"
        chat = {"id": chat_id, "type": kind, "title": title}
        if topics:
            if kind != "supergroup":
                raise ValueError("only a supergroup can be a forum")
            chat["is_forum"] = True
        with self._lock:
            self._chats[chat_id] = chat
            self._topics[chat_id] = set(topics)
        return copy.deepcopy(chat)

    def block_bot(self, user_id: int) -> None:
        """The user blocks the bot: every send to them is answered 403 until they write to it again."""
        with self._lock:
            self._user(user_id)
            self._fates.block(user_id)

    def deactivate_user(self, user_id: int) -> None:
        """The user deletes their account: every send to them is answered 403, for good."""
        with self._lock:
            self._user(user_id)
            self._fates.deactivate(user_id)

    def upgrade_group(self, chat_id: int, new_chat_id: int, by_user: int, *, enqueue: bool = True) -> list[Json]:
        """The group becomes a supergroup with a new id; returns the two service-message Updates Telegram sends."""
        with self._lock:
            old, user = self._known_chat(chat_id), self._user(by_user)
            self._chats[new_chat_id] = {"id": new_chat_id, "type": "supergroup", "title": old.get("title", "")}
            self._fates.upgrade(chat_id, new_chat_id)
            updates = [
                self._queue.push({"message": self._view(self._store(chat_id, user, {"migrate_to_chat_id": new_chat_id}))}, enqueue),
                self._queue.push({"message": self._view(self._store(new_chat_id, user, {"migrate_from_chat_id": chat_id}))}, enqueue),
            ]
        return [self._publish(update) for update in updates]

    def chat(self, chat_id: int) -> Json:
        """The Chat with this id; raises ApiError 400 "chat not found" when unknown."""
        with self._lock:
            return copy.deepcopy(self._known_chat(chat_id))

    def _known_chat(self, chat_id: int) -> Json:
        if chat_id not in self._chats:
            raise bad_request("chat not found")
        return self._chats[chat_id]

    # -- inspection ------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[Call]:
        """Every recorded API call, or those of one method, oldest first."""
        with self._lock:
            return [call for call in self._calls if method is None or call.method == method]

    def messages(self, chat_id: int, include_users: bool = False) -> list[Json]:
        """The bot's messages in a chat (plus the users' ones if asked), oldest first."""
        bot_id = self.bot_user()["id"]
        with self._lock:
            stored = self._messages.get(chat_id, [])
            return [copy.deepcopy(m) for m in stored if include_users or m["from"]["id"] == bot_id]

    def last_message(self, chat_id: int, include_users: bool = False) -> Json | None:
        """The newest message of `messages(chat_id)`, or None."""
        messages = self.messages(chat_id, include_users)
        return messages[-1] if messages else None

    def callback_answers(self) -> list[Json]:
        """Every answerCallbackQuery accepted, oldest first."""
        with self._lock:
            return copy.deepcopy(list(self._answers["callback_query"]))

    def inline_answers(self) -> list[Json]:
        """Every answerInlineQuery accepted, oldest first."""
        with self._lock:
            return copy.deepcopy(list(self._answers["inline_query"]))

    # -- updates (what users do) ---------------------------------------------

    def _user(self, user_id: int) -> Json:
        if user_id not in self._users:
            raise KeyError(f"unknown user {user_id}; call add_user() first")
        return self._users[user_id]

    def _find(self, chat_id: int, message_id: int) -> Json | None:
        return next((m for m in self._messages.get(chat_id, []) if m["message_id"] == message_id), None)

    def _view(self, message: Json) -> Json:
        reply_id = message.get("reply_to_message_id")
        replied = self._find(message["chat"]["id"], reply_id) if reply_id else None
        return api_view(message, replied)

    def _store(self, chat_id: int, sender: Json, fields: Json) -> Json:
        message_id = self._last_message_id[chat_id] = self._last_message_id.get(chat_id, 0) + 1
        message = {"message_id": message_id, "from": copy.deepcopy(sender)}
        message.update(chat=copy.deepcopy(self._chats[chat_id]), date=int(time.time()))
        message.update({key: value for key, value in fields.items() if value is not None})
        self._messages.setdefault(chat_id, self.keep.chat_ring()).append(message)
        return message

    def _publish(self, update: Json) -> Json:
        self._listeners.emit({"type": "update", "update": copy.deepcopy(update)})
        return update

    def user_text(
        self, user_id: int, text: str, chat_id: int | None = None, reply_to_message_id: int | None = None,
        *, enqueue: bool = True, forward_origin: Json | None = None, topic: int | None = None,
    ) -> Json:
        """A user sends `text` (to their private chat by default; in a forum, in `topic`); returns the message Update.

        `forward_origin`: the text is a forwarded post, from where a MessageOrigin says
        (https://core.telegram.org/bots/api#messageorigin: user, hidden_user, chat or channel).
        """
        with self._lock:
            user, chat_id = self._user(user_id), user_id if chat_id is None else chat_id
            self._known_chat(chat_id)
            if self._fates.deactivated(user_id):
                raise KeyError(f"user {user_id} deleted their account and can say nothing")
            if chat_id == user_id:
                self._fates.unblock(user_id)
            fields = {"text": text, "entities": command_entities(text) + url_entities(text) or None}
            fields["reply_to_message_id"] = reply_to_message_id
            fields["forward_origin"] = checked_origin(forward_origin)
            if topic is not None:
                if topic not in self._topics.get(chat_id, ()):
                    raise ValueError(f"chat {chat_id} has no topic {topic}")
                fields.update(message_thread_id=topic, is_topic_message=True)
            update = self._queue.push({"message": self._view(self._store(chat_id, user, fields))}, enqueue)
        return self._publish(update)

    def user_callback(
        self, user_id: int, message_id: int, data: str, chat_id: int | None = None, *, enqueue: bool = True
    ) -> Json:
        """A user presses an inline button with `data` under a bot message; returns the Update."""
        with self._lock:
            user, chat_id = self._user(user_id), user_id if chat_id is None else chat_id
            message = self._find(chat_id, message_id)
            if message is None:
                raise KeyError(f"no message {message_id} in chat {chat_id}")
            query_id = str(next(self._query_ids))
            self._open_queries.add(query_id)
            query = {"id": query_id, "from": copy.deepcopy(user), "message": self._view(message)}
            query.update(chat_instance=str(abs(chat_id) * 7919), data=data)
            update = self._queue.push({"callback_query": query}, enqueue)
        return self._publish(update)

    def user_inline_query(self, user_id: int, query: str, offset: str = "", *, enqueue: bool = True) -> Json:
        """A user types `@bot query` in any chat; returns the inline_query Update."""
        with self._lock:
            user = copy.deepcopy(self._user(user_id))
            query_id = str(next(self._query_ids))
            self._open_queries.add(query_id)
            inline = {"id": query_id, "from": user, "query": query, "offset": offset}
            update = self._queue.push({"inline_query": inline}, enqueue)
        return self._publish(update)

    def redeliver(self, update: Json) -> None:
        """Queue an update again for getUpdates, as Telegram does when its offset was never confirmed."""
        with self._lock:
            self._queue.requeue(update)

    def pending_updates(self) -> list[Json]:
        """Updates queued for getUpdates and not yet confirmed."""
        with self._lock:
            return self._queue.pending()

    def take_updates(self, offset: int, limit: int, timeout: float) -> list[Json]:
        """getUpdates: confirm below `offset`, then long-poll (at most 1 s) for up to `limit` updates."""
        with self._lock:
            return self._queue.take(offset, limit, timeout, webhook_active=self._webhook is not None)

    # -- what the bot does (used by telegram_api.py) ---------------------------

    def send(self, chat_id: int, fields: Json, allow_without_reply: bool = False) -> Json:
        """Store a bot message (text or photo fields) after Telegram's checks; returns its API view."""
        with self._lock:
            self._known_chat(chat_id)
            self._fates.check(chat_id)
            thread = fields.get("message_thread_id")
            if thread is not None:
                # https://core.telegram.org/bots/api#sendmessage: message_thread_id "Unique identifier for the
                # target message thread (topic) of the forum; for forum supergroups only" ("message thread not
                # found" otherwise, in the Bot API's words).
                if thread not in self._topics.get(chat_id, ()):
                    raise bad_request("message thread not found")
                fields = {**fields, "is_topic_message": True}
            reply_id = fields.get("reply_to_message_id")
            if reply_id and self._find(chat_id, reply_id) is None:
                if not allow_without_reply:
                    raise bad_request("message to be replied not found")
                fields = {**fields, "reply_to_message_id": None}
            self._admit(chat_id)
            return self._view(self._store(chat_id, self.bot_user(), fields))

    def edit(self, chat_id: int, message_id: int, kind: str, changes: Json) -> Json:
        """Edit a bot message's text, caption or reply_markup (`kind`); returns its API view."""
        with self._lock:
            message = self._find(self._known_chat(chat_id)["id"], message_id)
            # https://core.telegram.org/bots/api#updating-messages: only existing messages the bot sent can be
            # edited; the Bot API words these "message to edit not found" and "message can't be edited".
            if message is None:
                raise bad_request("message to edit not found")
            if message["from"]["id"] != self.bot_user()["id"]:
                raise bad_request("message can't be edited")
            if kind == "text" and "text" not in message:
                raise bad_request("there is no text in the message to edit")
            if kind == "caption" and "photo" not in message:
                raise bad_request("there is no caption in the message to edit")
            # https://core.telegram.org/bots/api#editmessagetext: an edit that changes nothing is refused.
            if all(message.get(key) == value for key, value in changes.items() if key != "parse_mode"):
                raise bad_request(NOT_MODIFIED)
            self._admit(chat_id)
            for key, value in changes.items():
                if value is None:
                    message.pop(key, None)
                else:
                    message[key] = copy.deepcopy(value)
            message["edit_date"] = int(time.time())
            return self._view(message)

    def delete(self, chat_id: int, message_id: int) -> None:
        """Delete a message; raises ApiError 400 when it does not exist."""
        with self._lock:
            message = self._find(self._known_chat(chat_id)["id"], message_id)
            if message is None:
                raise bad_request("message to delete not found")
            # https://core.telegram.org/bots/api#deletemessage: "A message can only be deleted if it was sent
            # less than 48 hours ago" (the Bot API answers "message can't be deleted").
            if message["date"] < time.time() - DELETE_WINDOW:
                raise bad_request("message can't be deleted")
            self._messages[chat_id].remove(message)

    def answer_query(self, kind: str, query_id: str, answer: Json) -> None:
        """Record the answer to an open callback_query or inline_query (each answerable once)."""
        with self._lock:
            if query_id not in self._open_queries:
                raise bad_request("query is too old and response timeout expired or query ID is invalid")
            self._open_queries.discard(query_id)
            self._answers[kind].append({"id": query_id, **copy.deepcopy(answer)})

    # -- calls and listeners ---------------------------------------------------

    def record_call(
        self, method: str, params: Json, status: int = 200, error: str | None = None, timestamp: float | None = None,
    ) -> Call:
        """Record one API call and notify listeners."""
        when = time.time() if timestamp is None else timestamp
        call = Call(method, copy.deepcopy(params), when, status, error)
        with self._lock:
            self._calls.append(call)
        self._listeners.emit({"type": "call", "call": call})
        return call

    def subscribe(self, callback: Listener) -> None:
        """Call `callback(event)` for each new event (a dict with a 'type' key)."""
        self._listeners.add(callback)

    def unsubscribe(self, callback: Listener) -> None:
        """Stop calling `callback`; unknown callbacks are ignored."""
        self._listeners.remove(callback)
