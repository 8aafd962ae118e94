"""chat.update, chat.delete and chat.getPermalink on the Slack stand-in's stored messages.

Mixed into SlackStandin (slack_state.py): its lock, messages, listeners and bot user guard these.
"""

from __future__ import annotations

import copy
from typing import Any

from bridge.sandbox.slack_faults import SlackError


class MessageChanges:
    """Changing and finding the messages already posted (the stand-in raises its SlackError codes)."""

    def update_message(self, channel: str, ts: str, fields: dict[str, Any]) -> dict[str, Any]:
        """Apply `fields` to the message at (channel, ts); raises SlackError('message_not_found')."""
        channel = self.conversation(channel)
        with self._lock:
            message = self._find_message(channel, ts)
            # chat.update: "cant_update_message — This message cannot be updated": a bot token updates the
            # bot's own messages only (api.slack.com/methods/chat.update).
            if message.get("user") != self.bot_user_id:
                raise SlackError("cant_update_message")
            message.update(fields)
            message["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
            message = copy.deepcopy(message)
        self._listeners.emit({"type": "message_changed", "channel": channel, "message": message})
        return message

    def delete_message(self, channel: str, ts: str) -> None:
        """Remove the bot's message at (channel, ts), as chat.delete does."""
        channel = self.conversation(channel)
        with self._lock:
            message = self._find_message(channel, ts)
            # chat.delete: "cant_delete_message — Authenticated user does not have permission to delete this
            # message": with a bot token, only the bot's own messages (api.slack.com/methods/chat.delete).
            if message.get("user") != self.bot_user_id:
                raise SlackError("cant_delete_message")
            self._messages[channel].remove(message)
        self._listeners.emit({"type": "message_deleted", "channel": channel, "ts": ts})

    def _find_message(self, channel: str, ts: str) -> dict[str, Any]:
        """The stored (mutable) message at (channel, ts)."""
        for message in self._messages.get(channel, []):
            if message["ts"] == ts:
                return message
        raise SlackError("message_not_found")

    def permalink(self, channel: str, ts: str) -> str:
        """The permalink of an existing message; raises SlackError('message_not_found')."""
        channel = self.conversation(channel)
        with self._lock:
            self._find_message(channel, ts)
        return f"{self.workspace_url}archives/{channel}/p{ts.replace('.', '')}"

