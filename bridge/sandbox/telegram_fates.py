"""What became of a chat, as Telegram answers every send to it: a blocked bot, a deleted account, an upgraded group."""

from __future__ import annotations


from bridge.sandbox.telegram_rules import ApiError

# A user who blocked the bot: every send to them is a 403 (core.telegram.org/bots/api#making-requests), worded
# as bots receive it (nyaruka/courier#875).
BLOCKED = "Forbidden: bot was blocked by the user"
# A deleted account: 403 "Forbidden: user is deactivated" (LibertyPaul/LostFilmUpdatesBot#57, nyaruka/courier#875).
DEACTIVATED = "Forbidden: user is deactivated"
# A group upgraded to a supergroup: every send to its old id is this 400 with the new id in the answer's
# ResponseParameters (core.telegram.org/bots/api#responseparameters; the whole answer is quoted in TwiN/gatus#179).
UPGRADED = "Bad Request: group chat was upgraded to a supergroup chat"

Fate = tuple[int, str, "dict[str, Any] | None"]


class ChatFates:
    """Chats the bot can no longer write to, and Telegram's answer there (the stand-in's lock is held)."""

    def __init__(self) -> None:
        self._fates: dict[int, Fate] = {}

    def block(self, user_id: int) -> None:
        """The user blocked the bot."""
        self._fates[user_id] = (403, BLOCKED, None)

    def unblock(self, user_id: int) -> None:
        """The user unblocked it (a blocked bot's chat offers only Unblock or Restart, so any message means that)."""
        if self._fates.get(user_id, (0, "", None))[1] == BLOCKED:
            del self._fates[user_id]

    def deactivate(self, user_id: int) -> None:
        """The user deleted their account."""
        self._fates[user_id] = (403, DEACTIVATED, None)

    def deactivated(self, user_id: int) -> bool:
        """Whether the account is deleted (it can say nothing any more)."""
        return self._fates.get(user_id, (0, "", None))[1] == DEACTIVATED

    def upgrade(self, old_chat_id: int, new_chat_id: int) -> None:
        """The group became the supergroup `new_chat_id`."""
        self._fates[old_chat_id] = (400, UPGRADED, {"migrate_to_chat_id": new_chat_id})

    def check(self, chat_id: int) -> None:
        """Raise the answer Telegram gives a send to `chat_id`, if the chat has a fate."""
        fate = self._fates.get(chat_id)
        if fate is not None:
            status, description, parameters = fate
            raise ApiError(status, description, dict(parameters) if parameters else None)
