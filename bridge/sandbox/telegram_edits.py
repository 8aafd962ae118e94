"""A person edits or deletes their own message in the Telegram stand-in, as Telegram's clients let them.

An edit of a text message becomes an `edited_message` update carrying the whole message with
its new text and an `edit_date` (core.telegram.org/bots/api#update, #message). A delete sends
bots nothing at all: Telegram has no update for it, so the message simply leaves the chat.
"""

from __future__ import annotations

import copy
import time
from typing import Any

from bridge.sandbox.telegram_rules import command_entities, url_entities

Json = dict[str, Any]


class UserEdits:
    """Mixed into TelegramStandin: its lock, chats, messages and update queue."""

    def _own_message(self, user_id: int, chat_id: int, message_id: int) -> Json:
        message = self._find(chat_id, message_id)
        # Telegram's clients let a person edit and delete only their own messages.
        if message is None or message["from"]["id"] != user_id:
            raise KeyError(f"user {user_id} has no message {message_id} in chat {chat_id}")
        return message

    def user_edit(self, user_id: int, message_id: int, text: str, chat_id: int | None = None, *,
                  enqueue: bool = True) -> Json | None:
        """A user changes the text of their message; returns the edited_message Update (None if unchanged)."""
        with self._lock:
            chat_id = user_id if chat_id is None else chat_id
            message = self._own_message(user_id, chat_id, message_id)
            if "text" not in message:
                raise KeyError(f"message {message_id} has no text to edit")
            if message["text"] == text:
                return None  # a client sends no edit that changes nothing, and Telegram reports none
            message.update(text=text, edit_date=int(time.time()))
            entities = command_entities(text) + url_entities(text)
            if entities:
                message["entities"] = entities
            else:
                message.pop("entities", None)
            update = self._queue.push({"edited_message": self._view(message)}, enqueue)
        return self._publish(copy.deepcopy(update))

    def user_delete(self, user_id: int, message_id: int, chat_id: int | None = None) -> None:
        """A user deletes their message: it leaves the chat, and the bot is told nothing."""
        with self._lock:
            chat_id = user_id if chat_id is None else chat_id
            self._messages[chat_id].remove(self._own_message(user_id, chat_id, message_id))
        self._listeners.emit({"type": "deleted", "chat_id": chat_id, "message_id": message_id})

    def backdate(self, chat_id: int, message_id: int, seconds: float) -> None:
        """Make a stored message `seconds` older (tests of Telegram's time limits, such as deleteMessage's 48 hours)."""
        with self._lock:
            message = self._find(chat_id, message_id)
            if message is None:
                raise KeyError(f"no message {message_id} in chat {chat_id}")
            message["date"] = int(message["date"] - seconds)
