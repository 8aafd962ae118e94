"""How the bot set itself up in the Telegram stand-in: its webhook, its command menus, its menu button."""

from __future__ import annotations

import copy
from typing import Any

Json = dict[str, Any]


class BotSetup:
    """setWebhook, getWebhookInfo, setMyCommands and setChatMenuButton as the stand-in keeps them; the stand-in
    brings `_lock`, `_queue`, `_webhook`, `_commands` and `_menu_buttons`."""

    def webhook(self) -> Json | None:
        """The registered webhook (url, secret_token, allowed_updates, max_connections), or None."""
        with self._lock:
            return copy.deepcopy(self._webhook)

    def my_commands(self, scope: str = "default", language_code: str = "") -> list[Json]:
        """The commands set by setMyCommands for a scope type and language."""
        with self._lock:
            return copy.deepcopy(self._commands.get((scope, language_code), []))

    def menu_button(self, chat_id: int | None = None) -> Json | None:
        """The menu button set by setChatMenuButton for a chat (None = the default one)."""
        with self._lock:
            return copy.deepcopy(self._menu_buttons.get(chat_id))

    def set_webhook(self, webhook: Json | None, drop_pending_updates: bool = False) -> None:
        """Register (or with None remove) the webhook; interrupts running long polls."""
        with self._lock:
            self._webhook = copy.deepcopy(webhook)
            if drop_pending_updates:
                self._queue.clear()
            if webhook is not None:
                self._queue.webhook_set()

    def webhook_info(self) -> Json:
        """The WebhookInfo that getWebhookInfo answers (the secret token is never shown)."""
        with self._lock:
            info: Json = {"url": "", "has_custom_certificate": False}
            info["pending_update_count"] = len(self._queue)
            if self._webhook is not None:
                info["url"] = self._webhook["url"]
                info["max_connections"] = self._webhook.get("max_connections") or 40
                if self._webhook.get("allowed_updates") is not None:
                    info["allowed_updates"] = copy.deepcopy(self._webhook["allowed_updates"])
            return info

    def set_commands(self, commands: list[Json], scope: str = "default", language_code: str = "") -> None:
        """Store the commands of setMyCommands for a scope type and language."""
        with self._lock:
            self._commands[scope, language_code] = copy.deepcopy(commands)

    def set_menu_button(self, chat_id: int | None, button: Json) -> None:
        """Store a chat's (or with None the default) menu button."""
        with self._lock:
            self._menu_buttons[chat_id] = copy.deepcopy(button)
