"""The webhook route: secret, dedup, and a table of hostile or malformed updates (none raises, no 500)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from core.grammar import MAX_COMMAND_LENGTH
from core.models import Pin
from tests.adapters.telegram.harness import (
    ALICE,
    BOB,
    SECRET,
    WAIT_SECONDS,
    Harness,
    button,
    text_of,
    assemble_bot,
)
from tests.factories import count_rows

pytestmark = pytest.mark.parametrize("mode", ["webhook"])


def test_a_wrong_or_missing_secret_is_refused_and_changes_nothing(bot, standin, services):
    update = standin.user_text(ALICE, "/new https://example.com/boots Boots", enqueue=False)
    assert bot.post(update, secret="wrong").status_code == 403
    assert bot.post(update, secret=None).status_code == 403
    assert bot.post(update, secret=SECRET + "x").status_code == 403
    assert standin.messages(ALICE) == [] and count_rows(services.sessions, Pin) == 0
    # Nothing was recorded either: the same update with the right secret is handled.
    bot.deliver(update)
    bot.wait(update)
    assert "Pinned p1" in text_of(standin.last_message(ALICE))


def test_a_repeated_update_id_is_processed_once(bot, standin, services):
    update = standin.user_text(ALICE, "/new https://example.com/boots Boots", enqueue=False)
    first, second = bot.post(update), bot.post(update)
    assert (first.status_code, second.status_code) == (200, 200)  # Telegram must not retry either
    bot.wait(update)
    bot.say(ALICE, "/help")  # same person: handled after the update above
    assert sum("Pinned p1" in text_of(m) for m in standin.messages(ALICE)) == 1
    assert count_rows(services.sessions, Pin) == 1


def test_updates_before_the_bot_is_up_are_refused_without_being_recorded(telegram, standin, services):
    harness = Harness(standin, telegram, services.engine, "webhook")
    update = standin.user_text(ALICE, "/help", enqueue=False)
    assert harness.post(update).status_code == 503
    telegram.runner.start()
    assert telegram.runner.wait_started(20)
    harness.deliver(update)
    harness.wait(update)
    assert "/new &lt;link&gt;" in text_of(standin.last_message(ALICE))


async def _hold(started: threading.Event, gate: threading.Event) -> None:
    """Block the bot's event loop, as a handler stuck in a blocking call would."""
    started.set()
    gate.wait(WAIT_SECONDS)


def test_an_update_answered_503_is_handled_when_telegram_retries_it(bot, standin, services):
    """Nothing is recorded before the update is queued: the retry (here on another web process) is handled."""
    started, gate = threading.Event(), threading.Event()
    stuck = bot.telegram.loop.submit(_hold(started, gate))
    replica = assemble_bot(services)
    try:
        assert started.wait(WAIT_SECONDS)
        bot.telegram.runner.feed_timeout = 0.01  # the loop is held: this feed cannot finish in any time
        update = standin.user_text(ALICE, "/new https://example.com/boots Boots", enqueue=False)
        assert bot.post(update).status_code == 503
        other = Harness(standin, replica, services.engine, "webhook")
        replica.runner.start()
        assert replica.runner.wait_started(WAIT_SECONDS)
        other.deliver(update)  # Telegram's retry
        other.wait(update)
        assert sum("Pinned p1" in text_of(m) for m in standin.messages(ALICE)) == 1
    finally:
        gate.set()
        stuck.result(WAIT_SECONDS)
        replica.stop()
    # The first process queues its copy once its loop is free, and drops it as a duplicate.
    bot.say(ALICE, "/help")  # same person: handled after that copy
    assert sum("Pinned p1" in text_of(m) for m in standin.messages(ALICE)) == 1
    assert count_rows(services.sessions, Pin) == 1


# -- hostile and malformed updates ------------------------------------------------


@dataclass
class Case:
    name: str
    build: Callable[[Harness], dict]  # returns keyword arguments for Harness.post, plus "wait" (an update or None)
    status: int
    check: Callable[[Harness], Any] = lambda bot: None


def _text(user: int, text: str, **kw) -> Callable[[Harness], dict]:
    def build(bot: Harness) -> dict:
        update = bot.standin.user_text(user, text, enqueue=False, **kw)
        return {"body": update, "wait": update}

    return build


def _edited(bot: Harness) -> dict:
    update = bot.standin.user_text(ALICE, "/new https://example.com/edited Edited", enqueue=False)
    edited = {"update_id": update["update_id"], "edited_message": {**update["message"], "edit_date": 1}}
    return {"body": edited, "wait": edited}


def _photo(bot: Harness) -> dict:
    update = bot.standin.user_text(ALICE, "placeholder", enqueue=False)
    message = update["message"]
    del message["text"]
    message.pop("entities", None)
    message.update(photo=[{"file_id": "AgAD1", "file_unique_id": "u1", "width": 90, "height": 90}], caption="/help")
    return {"body": update, "wait": update}


def _callback(data: str | None, inline: bool = False) -> Callable[[Harness], dict]:
    def build(bot: Harness) -> dict:
        [card] = bot.ask(ALICE, "/new https://example.com/boots Boots")
        update = bot.standin.user_callback(ALICE, card["message_id"], "placeholder", enqueue=False)
        query = update["callback_query"]
        if data is None:
            del query["data"]
            query["game_short_name"] = "nope"
        else:
            query["data"] = button(card, "💾 Save")["callback_data"] if data == "REAL" else data
        if inline:
            del query["message"]
            query["inline_message_id"] = "BAAAAGxlZnQ"
        return {"body": update, "wait": update}

    return build


def _raw(raw: bytes) -> Callable[[Harness], dict]:
    return lambda bot: {"raw": raw, "wait": None}


def _json(body: Any, wait: bool = False) -> Callable[[Harness], dict]:
    return lambda bot: {"body": body, "wait": body if wait else None}


def _toast(expected: str) -> Callable[[Harness], Any]:
    def check(bot: Harness) -> None:
        answer = bot.standin.callback_answers()[-1]
        assert answer["text"].startswith(expected), answer

    return check


def _last_answer(user: int, expected: str) -> Callable[[Harness], Any]:
    def check(bot: Harness) -> None:
        assert expected in text_of(bot.standin.last_message(user))

    return check


def _silence(bot: Harness) -> None:
    assert bot.standin.messages(ALICE) == [] and bot.standin.calls("sendMessage") == []


CHANNEL_POST = {"message_id": 1, "date": 0, "chat": {"id": -1001, "type": "channel", "title": "News"}, "text": "/help"}
SIXTY = " ".join(f"@friend{i}" for i in range(60))
STALE = "This button has expired"

CASES = [
    Case("bad JSON", _raw(b"{not json"), 400),
    Case("binary garbage", _raw(b"\x00\xff\xfe"), 400),
    Case("a JSON array", _json([1, 2, 3]), 400),
    Case("no update_id", _json({"message": {"text": "hi"}}), 400),
    Case("a string update_id", _json({"update_id": "5"}), 400),
    Case("a boolean update_id", _json({"update_id": True}), 400),
    Case("a message that is a string", _json({"update_id": 10_001, "message": "hello"}), 400),
    Case("a message without a chat", _json({"update_id": 10_002, "message": {"message_id": 1, "date": 0}}), 400),
    Case("a callback without a sender", _json({"update_id": 10_005, "callback_query": {"id": "1", "chat_instance": "1"}}), 400),
    Case("an unknown update type", _json({"update_id": 10_003, "future_thing": {"x": 1}}, wait=True), 200, _silence),
    Case("a channel post", _json({"update_id": 10_004, "channel_post": CHANNEL_POST}, wait=True), 200, _silence),
    Case("an edited command", _edited, 200, _silence),
    Case("a photo without text", _photo, 200, _last_answer(ALICE, "I read text messages, links and pictures")),
    Case("forged callback data", _callback("forged:0"), 200, _toast(STALE)),
    Case("an unknown key", _callback("AAAAAAAAAAAAAAAA:0"), 200, _toast(STALE)),
    Case("an index past the buttons", _callback("x" * 16 + ":99"), 200, _toast(STALE)),
    Case("over-long callback data", _callback("y" * 300), 200, _toast(STALE)),
    Case("a callback without data", _callback(None), 200, _toast(STALE)),
    Case("a malformed pin ref", _callback("save:p1x"), 200, _toast(STALE)),
    Case("a conversation ref where a pin belongs", _callback("save:c1"), 200, _toast(STALE)),
    Case("a pin ref where a conversation belongs", _callback("reply:p1"), 200, _toast(STALE)),
    Case("an unknown verb", _callback("delete:p1"), 200, _toast(STALE)),
    Case("a well-formed ref to nothing", _callback("save:p999"), 200, _toast("There is no pin p999")),
    Case("someone else's conversation", _callback("open:c7"), 200, _toast("You have no conversation c7")),
    Case("a button on an inline message", _callback("REAL", inline=True), 200, _toast("p1 is already on your board")),
    Case("an over-long command", _text(ALICE, "/new https://example.com/ " + "x" * MAX_COMMAND_LENGTH), 200,
         _last_answer(ALICE, "That command is too long")),
    Case("an over-long title", _text(ALICE, "/new https://example.com/a " + "t" * 300), 200,
         _last_answer(ALICE, "The title is too long")),
    Case("a send to 60 recipients", _text(ALICE, f"/send https://example.com/a to {SIXTY} hi"), 200,
         _last_answer(ALICE, "at most 10 people")),
    Case("an unknown command", _text(ALICE, "/definitely_not_a_word"), 200, _last_answer(ALICE, "I don&#x27;t know")),
    Case("a command to another bot", _text(ALICE, "/help@someone_else_bot"), 200, _silence),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_and_malformed_updates_get_an_answer_or_are_ignored(bot, case, caplog):
    caplog.set_level(logging.ERROR)
    built = case.build(bot)
    response = bot.post(built.get("body"), raw=built.get("raw"))
    assert response.status_code == case.status, response.get_json()
    if built["wait"] is not None:
        bot.wait(built["wait"])
    case.check(bot)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR and not r.name.startswith("werkzeug")]
    assert errors == [], [r.getMessage() for r in errors]
    bot.say(BOB, "/help")  # and the bot still works
    assert "/new" in text_of(bot.standin.last_message(BOB))


def test_an_absurdly_large_body_is_refused(bot):
    assert bot.post(None, raw=b"{" + b" " * (2 << 20) + b"}").status_code == 413


@pytest.mark.parametrize("raw", [
    b"[" * 200_000,
    b'{"update_id": 5, "message": ' + b'{"reply_to_message": ' * 3000 + b"{}" + b"}" * 3000 + b"}",
    b"\xff\xfe not json",
], ids=["deeply nested JSON", "a reply chain deeper than any Telegram sends", "not JSON at all"])
def test_a_body_nobody_can_read_is_a_400_with_one_log_line(bot, caplog, raw):
    caplog.set_level(logging.INFO)
    response = bot.post(None, raw=raw)
    assert response.status_code == 400
    refusals = [r for r in caplog.records if "refused a Telegram webhook request" in r.getMessage()]
    assert len(refusals) == 1 and not [r for r in caplog.records if r.exc_info]
