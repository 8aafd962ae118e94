"""The Telegram side of the sandbox page: people chatting with the bot, acting as Telegram would.

A message, a reply or a button press is built as a real Update by the stand-in and
POSTed to the real /telegram/webhook with the secret header (in polling mode it waits
in the stand-in's getUpdates queue instead); the chat is read back from the stand-in.
"""

from __future__ import annotations

import json
import secrets
import threading

from adapters.telegram.webhook import SECRET_HEADER
from bridge.pages import http_url
from bridge.sandbox.bounded import Recent
from bridge.sandbox.pane import Refused, app_language, handle_of, person_name, post
from bridge.sandbox import samples
from bridge.sandbox.telegram_rules import MAX_TEXT_LENGTH
from bridge.sandbox.telegram_state import TelegramStandin

FIRST_ID, ID_RANGE = 100_000_000, 900_000_000  # ids look like Telegram's; fresh ones mean new accounts
CAPTION_LIMIT = 1024  # https://core.telegram.org/bots/api#sendphoto: "Photo caption … 0-1024 characters"


class TelegramPane:
    """The people chatting with the stand-in bot, and what each of them sees."""

    def __init__(self, standin: TelegramStandin, webhook_url: str, secret: str, polling: bool, sessions):
        self.standin, self.webhook_url, self.secret = standin, webhook_url, secret
        self.polling, self.sessions = polling, sessions
        self._lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        """Forget every person and whose button presses were whose (the stand-in is reset separately)."""
        with self._lock:
            self._people: dict[int, dict] = {}
            self._presses: Recent = self.standin.keep.recent()  # callback query id -> user id (bounded.py)

    def people(self) -> list[dict]:
        """Everyone on the Telegram page, oldest first, with their Pinbridge handle once they have one."""
        with self._lock:
            found = list(self._people.values())
        return [{**p, "handle": handle_of(self.sessions, "telegram", str(p["id"]))} for p in found]

    def add_person(self, name: object, language: object = None) -> dict:
        """A new Telegram user (with a username, their app set to `language`) and their private chat with the bot."""
        username, first_name = person_name(name)
        code = app_language(language, 1)
        with self._lock:
            if any(p["username"] == username for p in self._people.values()):
                raise Refused(f"There is already a Telegram user called @{username}.", 409)
            user_id = FIRST_ID + secrets.randbelow(ID_RANGE)
            self._people[user_id] = {"id": user_id, "name": first_name, "username": username}
        self.standin.add_user(user_id, first_name, username=username, language_code=code)
        return {"id": user_id, "name": first_name, "username": username, "handle": None}

    def _person(self, user_id: object) -> int:
        try:
            key = int(str(user_id))
        except ValueError:
            key = None
        with self._lock:
            known = key in self._people
        if not known:
            raise Refused("No such Telegram user on this page — pick or create one.", 404)
        return key

    def _deliver(self, update: dict | None) -> None:
        """Webhook mode: POST the update like Telegram does. Polling: it already waits in getUpdates."""
        if update is not None and not self.polling and self._wanted(update):
            post(self.webhook_url, json.dumps(update), {SECRET_HEADER: self.secret, "Content-Type": "application/json"})

    def _wanted(self, update: dict) -> bool:
        """Whether the bot asked for this kind of update: setWebhook's allowed_updates ("a JSON-serialized list of
        the update types you want your bot to receive", core.telegram.org/bots/api#setwebhook; unset = all)."""
        allowed = (self.standin.webhook() or {}).get("allowed_updates")
        return not allowed or any(kind in update for kind in allowed)

    def edit(self, user_id: object, message_id: object, text: object) -> None:
        """The person edits one of their messages: Telegram sends the bot an `edited_message`."""
        user, text = self._person(user_id), str(text or "")
        if not text.strip():
            raise Refused("Telegram keeps no empty message — delete it instead.")
        if len(text) > MAX_TEXT_LENGTH:
            raise Refused(f"Telegram messages are at most {MAX_TEXT_LENGTH} characters.")
        try:
            self._deliver(self.standin.user_edit(user, int(str(message_id)), text, enqueue=self.polling))
        except (KeyError, ValueError):
            raise Refused("That is not one of your text messages in this chat.", 404) from None

    def delete(self, user_id: object, message_id: object) -> None:
        """The person deletes one of their messages: it goes from their chat, and Telegram tells the bot nothing."""
        user = self._person(user_id)
        try:
            self.standin.user_delete(user, int(str(message_id)))
        except (KeyError, ValueError):
            raise Refused("That is not one of your messages in this chat.", 404) from None

    def send(self, user_id: object, text: object, reply_to: object = None) -> None:
        """The person sends text in their chat with the bot, optionally as a reply to one of its messages."""
        user, text = self._person(user_id), str(text or "")
        if not text.strip():
            raise Refused("Type a message, such as /help.")
        if len(text) > MAX_TEXT_LENGTH:
            raise Refused(f"Telegram messages are at most {MAX_TEXT_LENGTH} characters.")
        replied = self._message(user, reply_to) if reply_to not in (None, "") else None
        reply_id = replied["message_id"] if replied else None
        update = self.standin.user_text(user, text, reply_to_message_id=reply_id, enqueue=self.polling)
        self._deliver(update)

    def send_photo(self, user_id: object, sample: object, caption: object = None) -> None:
        """The person sends one of the sample pictures, with the caption they typed (if any)."""
        user = self._person(user_id)
        if str(sample) not in samples.PICTURES:
            raise Refused(f"No sample picture called {str(sample)[:40]!r} — try one of {', '.join(samples.PICTURES)}.", 404)
        caption = str(caption or "").strip() or samples.PICTURES[str(sample)][2]
        if len(caption) > CAPTION_LIMIT:
            raise Refused(f"Telegram captions are at most {CAPTION_LIMIT} characters.")
        self._deliver(self.standin.user_photo(user, samples.picture(str(sample)), caption, enqueue=self.polling))

    def forward(self, user_id: object, post: object) -> None:
        """The person forwards one of the sample channel's posts to the bot."""
        user = self._person(user_id)
        if str(post) not in samples.POSTS:
            raise Refused(f"No sample post called {str(post)[:40]!r}.", 404)
        text, origin = samples.forwarded(str(post))
        self._deliver(self.standin.user_text(user, text, enqueue=self.polling, forward_origin=origin))

    def press(self, user_id: object, message_id: object, data: object) -> None:
        """The person taps an inline button: a callback query carrying that button's data."""
        user = self._person(user_id)
        message = self._message(user, message_id)
        rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
        if not any(b.get("callback_data") == data for row in rows for b in row):
            raise Refused("That message has no such button (any more).", 409)
        update = self.standin.user_callback(user, message["message_id"], str(data), enqueue=self.polling)
        with self._lock:
            self._presses[update["callback_query"]["id"]] = user
        self._deliver(update)

    def _message(self, user: int, message_id: object) -> dict:
        found = [m for m in self.standin.messages(user, include_users=True) if str(m["message_id"]) == str(message_id)]
        if not found:
            raise Refused("That message is not in this chat.", 404)
        return found[0]

    def feed(self, user_id: object) -> dict:
        """What the person sees now: the chat with the bot, and the notices its button answers showed."""
        user = self._person(user_id)
        messages = self.standin.messages(user, include_users=True)
        by_id = {m["message_id"]: m for m in messages}
        with self._lock:
            person = dict(self._people[user])
            mine = {query for query, owner in self._presses.items() if owner == user}
        notices = [{"id": a["id"], "text": a["text"], "alert": a["show_alert"]}
                   for a in self.standin.callback_answers() if a["id"] in mine and a.get("text")]
        person["handle"] = handle_of(self.sessions, "telegram", str(user))
        return {"user": person, "bot": self.standin.bot_username, "notices": notices,
                "messages": [_bubble(m, user, by_id.get(m.get("reply_to_message_id"))) for m in messages]}


def _bubble(message: dict, user: int, replied: dict | None) -> dict:
    """One message as the page draws it; the page sanitizes HTML-mode text to Telegram's tags."""
    markup = message.get("reply_markup") or {}
    rows = [[{"text": str(b.get("text") or ""), "url": http_url(b.get("url")) or None, "data": b.get("callback_data")}
             for b in row] for row in markup.get("inline_keyboard") or []]
    bubble = {
        "id": message["message_id"], "mine": message["from"]["id"] == user, "date": message.get("date"),
        "text": message.get("text") or message.get("caption") or "", "html": message.get("parse_mode") == "HTML",
        "photo": "photo" in message, "photo_url": http_url(message.get("photo_source")) or None,
        "buttons": rows, "edited": "edit_date" in message, "reply_to": None,
        "force_reply": (markup.get("input_field_placeholder") or "Reply") if markup.get("force_reply") else None,
    }
    if replied is not None:
        bubble["reply_to"] = {"id": replied["message_id"], "mine": replied["from"]["id"] == user,
                              "text": replied.get("text") or replied.get("caption") or "",
                              "html": replied.get("parse_mode") == "HTML"}
    return bubble
