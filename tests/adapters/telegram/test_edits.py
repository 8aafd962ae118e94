"""Edits and deletes follow the conversation on Telegram: `edited_message`, and `/delete` (bots hear of no deletes).

Alice and Bob talk on Telegram; what Bob corrects or removes is checked in Alice's chat, the
copy she holds, through the stand-in and the real worker.
"""

from __future__ import annotations

import dataclasses
import threading

import pytest

from bridge.config import MessagingConfig
from bridge.pacing import Pacing
from bridge.worker import DeliveryWorker
from adapters.telegram.platform import PLATFORM
from adapters.telegram.settings import TelegramSettings
from core.models import Delivery
from tests.factories import count_rows
from tests.adapters.telegram.conftest import telegram_config
from tests.adapters.telegram.harness import ALICE, BOB, befriend, drain, eventually, text_of


def friends(bot) -> None:
    for user in (ALICE, BOB):
        bot.ask(user, "/start")
    befriend(bot, (ALICE, "alice"), (BOB, "bob"))


def conversation(bot, worker) -> dict:
    """Alice sends Bob a pin; Bob answers by replying to it; returns Bob's own reply message, whose copy Alice has."""
    friends(bot)
    bot.ask(ALICE, "/send https://example.com/boots to @bob Look!")
    drain(worker)
    card = next(m for m in bot.standin.messages(BOB) if "Look!" in text_of(m))
    update = bot.say(BOB, "Love them", reply_to=card["message_id"])
    drain(worker)
    return update["message"]


def alices_copy(bot, words: str) -> dict | None:
    """The message in Alice's chat whose text holds `words`, if any."""
    return next((m for m in bot.standin.messages(ALICE) if words in text_of(m)), None)


def edit(bot, user: int, message: dict, text: str) -> None:
    """A user edits their message in the client: Telegram sends the bot an edited_message."""
    update = bot.standin.user_edit(user, message["message_id"], text, enqueue=bot.polling)
    bot.deliver(update)
    bot.wait(update)


def pending(services) -> int:
    return count_rows(services.sessions, Delivery, Delivery.status == "pending")


def settled(worker, check):
    """Run the worker until `check()` holds (an edit waits for its window to close before it goes out)."""
    return eventually(lambda: (drain(worker), check())[1], "the change to reach the copy")


def test_an_edited_reply_changes_the_copy_already_delivered_and_history_says_edited(bot, worker):
    mine = conversation(bot, worker)
    copy = alices_copy(bot, "Love them")
    edit(bot, BOB, mine, "Love them — ordering a pair!")
    settled(worker, lambda: "ordering a pair" in text_of(bot.message(ALICE, copy["message_id"])))
    edited = bot.message(ALICE, copy["message_id"])
    assert "edit_date" in edited and "Love them — ordering a pair!" in text_of(edited)
    assert [b["text"] for row in edited["reply_markup"]["inline_keyboard"] for b in row] == \
        [b["text"] for row in copy["reply_markup"]["inline_keyboard"] for b in row], "the buttons stay"
    assert "ordering a pair! (edited)" in bot.answer(ALICE, "/read c1")


def test_an_edit_before_the_copy_went_out_is_what_goes_out(bot, worker):
    friends(bot)
    bot.ask(ALICE, "/send https://example.com/boots to @bob Look!")
    drain(worker)
    card = next(m for m in bot.standin.messages(BOB) if "Look!" in text_of(m))
    mine = bot.say(BOB, "Lvoe them", reply_to=card["message_id"])["message"]
    edit(bot, BOB, mine, "Love them")
    settled(worker, lambda: alices_copy(bot, "Love them"))
    assert alices_copy(bot, "Lvoe") is None, "the typo never reached Alice"
    assert not [c for c in bot.standin.calls("editMessageText") if c.params.get("chat_id") in (ALICE, str(ALICE))]


def test_an_edit_that_changes_nothing_or_of_a_command_sends_nothing(bot, worker):
    mine = conversation(bot, worker)
    command = bot.say(BOB, "/inbox")["message"]
    before = len(bot.standin.calls("editMessageText"))
    edit(bot, BOB, command, "/inbox please")  # commands are not conversation messages: nothing follows them
    drain(worker)
    assert len(bot.standin.calls("editMessageText")) == before
    assert alices_copy(bot, "Love them") and mine


def test_an_edit_refused_says_why_under_the_message_and_changes_nothing(bot, worker, services):
    mine = conversation(bot, worker)
    limit = services.engine.settings.max_text_length
    before = len(bot.standin.messages(BOB))
    edit(bot, BOB, mine, "x" * (limit + 1))
    answer = bot.standin.messages(BOB)[before:]
    assert answer and "too long" in text_of(answer[-1])
    drain(worker)
    assert alices_copy(bot, "Love them") and not alices_copy(bot, "xxxx")


def test_delete_in_reply_to_your_message_removes_it_everywhere(bot, worker):
    mine = conversation(bot, worker)
    copy = alices_copy(bot, "Love them")
    before = len(bot.standin.messages(BOB))
    bot.say(BOB, "/delete", reply_to=mine["message_id"])
    answer = "\n".join(text_of(m) for m in bot.standin.messages(BOB)[before:])
    assert "Deleted your message from c1 for everyone" in answer
    assert not [m for m in bot.standin.messages(BOB, include_users=True) if m["message_id"] == mine["message_id"]], \
        "the original leaves Bob's chat too"
    settled(worker, lambda: all(m["message_id"] != copy["message_id"] for m in bot.standin.messages(ALICE)))
    read = bot.answer(ALICE, "/read c1")
    assert "(message deleted)" in read and "Love them" not in read
    assert "1 unread" not in bot.answer(ALICE, "/inbox")


def test_delete_says_what_to_do_when_it_cannot(bot, worker):
    conversation(bot, worker)
    assert "Reply to one of your messages with /delete" in bot.answer(BOB, "/delete")
    card = next(m for m in bot.standin.messages(BOB) if "Look!" in text_of(m))
    before = len(bot.standin.messages(BOB))
    bot.say(BOB, "/delete", reply_to=card["message_id"])
    assert "only your replies there can be deleted" in text_of(bot.standin.messages(BOB)[before])


def test_an_edit_storm_reaches_the_copy_paced_and_ends_on_the_last_text(bot, services, telegram, standin):
    """Ten edits in a few seconds: a handful of updates, each within Telegram's per-chat limit, the last one last."""
    pacing = Pacing({"telegram": PLATFORM.limits(TelegramSettings())})
    worker = DeliveryWorker(services.sessions, services.engine.settings, {"telegram": telegram.sender},
                            pacing=pacing, threads=2, idle_sleep=0.05)
    running = threading.Thread(target=worker.run)
    running.start()
    try:
        friends(bot)
        bot.ask(ALICE, "/send https://example.com/boots to @bob Look!")
        card = eventually(lambda: next((m for m in standin.messages(BOB) if "Look!" in text_of(m)), None), "the card")
        eventually(lambda: not pending(services), "the card's id recorded (replies to it route by it)")
        mine = bot.say(BOB, "take 0", reply_to=card["message_id"])["message"]
        copy = eventually(lambda: alices_copy(bot, "take 0"), "Alice's copy")
        eventually(lambda: not pending(services), "the copy's id recorded")
        standin.enforce_limits()  # from here, the stand-in answers 429 to anything faster than Telegram allows
        for take in range(1, 11):
            edit(bot, BOB, mine, f"take {take}")
        eventually(lambda: "take 10" in text_of(bot.message(ALICE, copy["message_id"])), "the last edit", 30)
    finally:
        worker.stop()
        running.join(30)
    edits = [c for c in standin.calls("editMessageText") if str(c.params.get("chat_id")) == str(ALICE)]
    assert edits and len(edits) <= 10, "coalesced: never more updates than edits"
    assert all(c.status == 200 for c in edits), [(c.status, c.error) for c in edits]  # no "not modified", no 429
    assert standin.rate_limited == 0
    assert all(b.timestamp - a.timestamp >= 0.9 for a, b in zip(edits, edits[1:])), "one a second at most per chat"



def test_an_edit_of_a_copy_its_reader_removed_fails_alone_and_leaves_them_reachable(bot, worker, services):
    from core.models import Account

    mine = conversation(bot, worker)
    copy = alices_copy(bot, "Love them")
    bot.standin.delete(ALICE, copy["message_id"])  # Alice deleted the bot's message in her app
    edit(bot, BOB, mine, "Love them!")
    settled(worker, lambda: count_rows(services.sessions, Delivery,
                                       Delivery.kind == "edit", Delivery.status == "failed") == 1)
    assert count_rows(services.sessions, Account, Account.unreachable.is_(True)) == 0
    bot.ask(BOB, "/reply c1 still here?")
    drain(worker)
    assert alices_copy(bot, "still here?"), "Alice still gets what follows"


def test_an_edit_telegram_rate_limits_is_sent_again_after_retry_after(bot, worker, services):
    mine = conversation(bot, worker)
    copy = alices_copy(bot, "Love them")
    bot.standin.fail_next("editMessageText", 429, retry_after=1)
    edit(bot, BOB, mine, "Love them!")
    settled(worker, lambda: "Love them!" in text_of(bot.message(ALICE, copy["message_id"])))
    assert [c.status for c in bot.standin.calls("editMessageText")] == [429, 200]


def test_a_copy_older_than_telegram_lets_bots_delete_is_emptied_instead(bot, worker):
    mine = conversation(bot, worker)
    copy = alices_copy(bot, "Love them")
    bot.standin.backdate(ALICE, copy["message_id"], 49 * 3600)  # deleteMessage: "less than 48 hours ago" only
    bot.say(BOB, "/delete", reply_to=mine["message_id"])
    settled(worker, lambda: "message deleted" in text_of(bot.message(ALICE, copy["message_id"])))
    emptied = bot.message(ALICE, copy["message_id"])
    assert "Love them" not in text_of(emptied) and not emptied.get("reply_markup")
    assert [c.error for c in bot.standin.calls("deleteMessage") if c.params.get("chat_id") in (ALICE, str(ALICE))] \
        == ["Bad Request: message can't be deleted"]


class TestLongCopies:
    """With `messaging.max_text_length` raised (config allows 40,000) a copy can take several messages."""

    @pytest.fixture
    def config(self, db_url, api, mode):
        return dataclasses.replace(telegram_config(db_url, api.url, mode=mode),
                                   messaging=MessagingConfig(max_text_length=12000))

    def test_an_edit_shrinks_a_long_copy_then_grows_it_within_its_parts(self, bot, worker, services):
        friends(bot)
        bot.ask(ALICE, "/send https://example.com/boots to @bob Look!")
        drain(worker)
        card = next(m for m in bot.standin.messages(BOB) if "Look!" in text_of(m))
        mine = bot.say(BOB, "Ww " + "x" * 9000, reply_to=card["message_id"])["message"]
        drain(worker)
        assert len([m for m in bot.standin.messages(ALICE) if "xxx" in text_of(m)]) >= 3
        edit(bot, BOB, mine, "Ww short")
        settled(worker, lambda: not [m for m in bot.standin.messages(ALICE) if "xxx" in text_of(m)])
        edit(bot, BOB, mine, "Ww " + "y" * 9000)
        settled(worker, lambda: [m for m in bot.standin.messages(ALICE) if "yyy" in text_of(m)])
        grown = [m for m in bot.standin.messages(ALICE) if "yyy" in text_of(m)]
        assert len(grown) == 1 and text_of(grown[0]).endswith("…") and grown[0].get("reply_markup"), \
            "cut to the one part the copy kept, its buttons with it"
        assert count_rows(services.sessions, Delivery, Delivery.status == "failed") == 0
