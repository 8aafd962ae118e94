"""Drive the real Telegram integration against the served stand-in, in webhook or polling mode.

Waiting is deterministic: a last-group handler records each update id once the
Application has finished with it, and `wait` blocks (bounded) until then.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from flask import Flask
from telegram import Update
from telegram.ext import ContextTypes, TypeHandler

from adapters.telegram.webhook import SECRET_HEADER
from bridge.sandbox.telegram_state import TelegramStandin
from adapters.telegram.wiring import Telegram, assemble, install
from bridge.wiring import Services, host_of
from core.engine import Engine
from core.people import Identity

TOKEN = "123456:TESTTOKEN"
SECRET = "s3cret-Token_1"
BOT_USERNAME = "pinbridge_bot"
ALICE, BOB, CAROL, DAVE = 111, 222, 333, 444
GROUP = -100
WAIT_SECONDS = 20.0  # a bound on waiting, never an assertion about speed

Json = dict[str, Any]


def assemble_bot(services: Services) -> Telegram:
    """The Telegram integration for this test's process (not started)."""
    return assemble(services.config.telegram, host_of(services))


def install_bot(services: Services):
    """Telegram's parts as `bridge.wiring` installs them in a process."""
    return install(services.config.telegram, host_of(services))


def identity(user_id: int, username: str) -> Identity:
    """The core identity the adapter derives for a stand-in user in their private chat."""
    return Identity("telegram", str(user_id), chat_id=str(user_id), username=username, display_name=username.title())


def eventually(check, what: str, timeout: float = WAIT_SECONDS):
    """Poll `check()` until it returns something truthy; fail naming `what` after the bound."""
    deadline = time.monotonic() + timeout
    while not (result := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.01)
    return result


class Harness:
    """One running bot (webhook or polling) plus helpers to act as Telegram users."""

    def __init__(self, standin: TelegramStandin, telegram: Telegram, engine: Engine, mode: str) -> None:
        self.standin, self.telegram, self.engine, self.mode = standin, telegram, engine, mode
        app = Flask(__name__)
        app.register_blueprint(telegram.blueprint)
        self.client = app.test_client()
        self._done: set[int] = set()
        self._changed = threading.Condition()
        telegram.application.add_handler(TypeHandler(Update, self._mark), group=100)

    async def _mark(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        with self._changed:
            self._done.add(update.update_id)
            self._changed.notify_all()

    # -- sending updates ---------------------------------------------------------

    @property
    def polling(self) -> bool:
        return self.mode == "polling"

    def post(self, body: Any, secret: str | None = SECRET, raw: bytes | None = None):
        """POST to the webhook route as Telegram would."""
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        if raw is not None:
            return self.client.post("/telegram/webhook", data=raw, headers=headers, content_type="application/json")
        return self.client.post("/telegram/webhook", json=body, headers=headers)

    def deliver(self, update: Json) -> None:
        """Hand a stand-in update to the bot (webhook POST; polling: it is already queued)."""
        if not self.polling:
            response = self.post(update)
            assert response.status_code == 200, response.get_json()

    def wait(self, update: Json) -> None:
        """Block until the Application has processed this update."""
        with self._changed:
            if not self._changed.wait_for(lambda: update["update_id"] in self._done, WAIT_SECONDS):
                raise AssertionError(f"update {update['update_id']} was not processed")

    def say(self, user: int, text: str, reply_to: int | None = None, chat: int | None = None) -> Json:
        """A user sends text; returns once the bot has handled it."""
        update = self.standin.user_text(user, text, chat, reply_to, enqueue=self.polling)
        self.deliver(update)
        self.wait(update)
        return update

    def ask(self, user: int, text: str, reply_to: int | None = None) -> list[Json]:
        """A user sends text in their private chat; returns the bot's new messages there."""
        before = len(self.standin.messages(user))
        self.say(user, text, reply_to)
        return self.standin.messages(user)[before:]

    def answer(self, user: int, text: str) -> str:
        """The text (or caption) of the bot's one answer to a command."""
        new = self.ask(user, text)
        assert new, f"no answer to {text!r}"
        return "\n".join(m.get("text") or m.get("caption") or "" for m in new)

    def press(self, user: int, message: Json, label: str) -> Json:
        """Press the button whose label starts with `label`; returns the recorded callback answer."""
        return self.press_data(user, message, data_of(message, label))

    def press_data(self, user: int, message: Json, data: str) -> Json:
        update = self.standin.user_callback(user, message["message_id"], data, message["chat"]["id"], enqueue=self.polling)
        self.deliver(update)
        self.wait(update)
        query_id = update["callback_query"]["id"]
        return next(a for a in self.standin.callback_answers() if a["id"] == query_id)

    def inline(self, user: int, query: str, offset: str = "") -> Json:
        """An inline query; returns the recorded answer."""
        update = self.standin.user_inline_query(user, query, offset, enqueue=self.polling)
        self.deliver(update)
        self.wait(update)
        query_id = update["inline_query"]["id"]
        return next(a for a in self.standin.inline_answers() if a["id"] == query_id)

    def message(self, chat: int, message_id: int) -> Json:
        """A stored bot message, as it is now (after edits)."""
        return next(m for m in self.standin.messages(chat) if m["message_id"] == message_id)


def buttons(message: Json) -> list[Json]:
    """Every inline button of a message, row by row."""
    markup = message.get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]


def button(message: Json, label: str) -> Json:
    """The button whose label starts with `label`."""
    found = [b for b in buttons(message) if b["text"].startswith(label)]
    assert found, f"no button {label!r} in {[b['text'] for b in buttons(message)]}"
    return found[0]


def data_of(message: Json, label: str) -> str:
    """The callback data of a button."""
    return button(message, label)["callback_data"]


def text_of(message: Json) -> str:
    """A message's text or caption."""
    return message.get("text") or message.get("caption") or ""


def drain(worker) -> int:
    """Run the delivery worker until nothing is ready; returns how many deliveries were attempted."""
    total = 0
    for _ in range(100):
        attempted = worker.run_once()
        if not attempted:
            return total
        total += attempted
    raise AssertionError("the outbox never drained")


def befriend(bot: Harness, *pairs: tuple[int, str]) -> None:
    """Make the first person and every other follow each other, through bot commands."""
    (hub, hub_name), *others = pairs
    for other, name in others:
        bot.ask(hub, f"/follow @{name}")
        bot.ask(other, f"/follow @{hub_name}")
