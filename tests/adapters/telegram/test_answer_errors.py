"""Each error Telegram answers a command answer or a button with, as the stand-in answers it, ends as decided."""

from __future__ import annotations

import logging

import pytest

from tests.adapters.telegram.harness import ALICE, BOB, GROUP, befriend, button, buttons, text_of
from tests.adapters.telegram.test_delivery_errors import PARSE_ERROR, SUPERGROUP
from tests.adapters.telegram.test_sender import pending

BOOTS = "/new https://example.com/boots Trail <boots> & laces"


def test_an_answer_telegram_cannot_parse_arrives_as_plain_text_with_its_buttons(bot, standin, caplog):
    standin.fail_next("sendMessage", status=400, description=PARSE_ERROR)
    with caplog.at_level(logging.INFO, logger="adapters.telegram"):
        [card] = bot.ask(ALICE, BOOTS)
    assert "📌 Trail <boots> & laces" in card["text"] and "p1 (http://pins.test/p/1)" in card["text"]
    assert [b["text"] for b in buttons(card)] == ["💾 Save", "📤 Send", "🔗 Open"]
    [line] = [r.getMessage() for r in caplog.records if "could not parse" in r.getMessage()]
    assert f"answer to chat {ALICE}" in line and "boots" not in line


def test_an_answer_telegram_calls_too_long_arrives_in_smaller_parts(bot, standin):
    standin.fail_next("sendMessage", status=400, description="Bad Request: message is too long")
    parts = bot.ask(ALICE, "/help")
    statuses = [c.status for c in standin.calls("sendMessage")]
    assert len(parts) >= 2 and statuses[-len(parts) - 1:] == [400] + [200] * len(parts)
    assert "/new &lt;link&gt;" in parts[0]["text"] and "/join &lt;invite-code&gt;" in parts[-1]["text"]


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's own read of retry_after
def test_a_rate_limited_answer_is_retried_by_the_rate_limiter(bot, standin):
    standin.fail_next("sendMessage", status=429, retry_after=1)
    [answer] = bot.ask(ALICE, "/boards")
    assert "board" in answer["text"].lower()
    assert [c.status for c in standin.calls("sendMessage")][-2:] == [429, 200]


@pytest.mark.parametrize("mode", ["webhook"])  # the upgrade must land between the command and its answer
def test_an_answer_to_a_group_that_just_became_a_supergroup_goes_to_the_supergroup(bot, standin):
    update = standin.user_text(ALICE, "/help@pinbridge_bot", GROUP, enqueue=False)
    standin.upgrade_group(GROUP, SUPERGROUP, by_user=BOB, enqueue=False)
    bot.deliver(update)
    bot.wait(update)
    [answer] = standin.messages(SUPERGROUP)
    assert "/new &lt;link&gt;" in answer["text"] and "reply_to_message_id" not in answer
    assert [c.status for c in standin.calls("sendMessage")][-2:] == [400, 200]


def test_when_a_group_becomes_a_supergroup_its_messages_keep_their_conversation(bot, worker, standin, services):
    pending(bot, worker)  # c1 exists
    services.engine.remember("telegram", str(GROUP), "7", "c1")  # a bot message in the group, in c1
    for update in standin.upgrade_group(GROUP, SUPERGROUP, by_user=ALICE, enqueue=bot.polling):
        bot.deliver(update)
        bot.wait(update)
    assert services.engine.conversation_of("telegram", str(SUPERGROUP), "7") == "c1"
    assert services.engine.conversation_of("telegram", str(GROUP), "7") is None


def test_someone_who_blocked_the_bot_is_told_in_the_group_to_start_a_private_chat(bot, standin):
    bot.ask(BOB, "/start")
    standin.block_bot(BOB)
    bot.say(BOB, "/inbox", chat=GROUP)
    assert standin.messages(GROUP)[-1]["text"] == "Bob, start a private chat with me first: https://t.me/pinbridge_bot"


def test_a_group_card_tapped_by_someone_who_blocked_the_bot_asks_for_a_private_chat(bot, standin):
    bot.ask(BOB, "/start")
    befriend(bot, (ALICE, "alice"), (BOB, "bob"))
    bot.say(ALICE, BOOTS, chat=GROUP)
    card = standin.messages(GROUP)[-1]
    standin.block_bot(BOB)
    toast = bot.press(BOB, card, "📤 Send")
    assert toast["show_alert"] is True and toast["text"].startswith("Open a private chat with @pinbridge_bot")


def test_tapping_cancel_twice_is_harmless(bot, standin):
    bot.ask(BOB, "/start")
    befriend(bot, (ALICE, "alice"), (BOB, "bob"))
    [card] = bot.ask(ALICE, BOOTS)
    bot.press(ALICE, card, "📤 Send")
    picker = standin.last_message(ALICE)
    cancel = button(picker, "✖ Cancel")["callback_data"]
    bot.press(ALICE, picker, "✖ Cancel")
    again = bot.press_data(ALICE, bot.message(ALICE, picker["message_id"]), cancel)
    assert again["text"] is None and again["show_alert"] is False, "Telegram's 'message is not modified' is no failure"
    assert [c.error for c in standin.calls("editMessageText")][-1].startswith("Bad Request: message is not modified")
    assert text_of(bot.message(ALICE, picker["message_id"])) == "Cancelled."
