"""Every button: Save, Open, Send (the contact picker), Reply then text, reply-to, Mark read, digests."""

from __future__ import annotations

from datetime import timedelta

from bridge.digests import run_due
from core import operations
from core.clock import utcnow
from core.db import transaction
from core.models import ActionKey
from tests.adapters.telegram.harness import (
    ALICE,
    BOB,
    CAROL,
    befriend,
    button,
    buttons,
    drain,
    text_of,
)
from tests.factories import count_rows

BOOTS = "/new https://example.com/boots Trail boots"


def conversation(bot, worker) -> dict:
    """Alice sends Bob a pin; returns the message Bob receives."""
    for user in (ALICE, BOB):
        bot.ask(user, "/start")
    befriend(bot, (ALICE, "alice"), (BOB, "bob"))
    bot.ask(ALICE, BOOTS)
    bot.ask(ALICE, "/send p1 to @bob Look at these")
    assert drain(worker) == 1
    return bot.standin.last_message(BOB)


def test_a_delivered_pin_shows_who_sent_it_with_every_button(bot, worker):
    received = conversation(bot, worker)
    assert text_of(received).startswith("💬 <b>Alice</b> @alice · c1 (with @bob)\nLook at these\n📌 <b>Trail boots</b>")
    assert [b["text"] for b in buttons(received)] == ["💾 Save", "📤 Send", "🔗 Open", "↩️ Reply", "✓ Mark read"]
    assert button(received, "🔗 Open")["url"] == "https://example.com/boots"


def test_save_saves_once_and_again_is_harmless(bot, worker):
    received = conversation(bot, worker)
    assert bot.press(BOB, received, "💾 Save")["text"].startswith("Saved p1 to your board")
    assert "p1 is already on your board" in bot.press(BOB, received, "💾 Save")["text"]
    assert "• " in bot.answer(BOB, "/boards") and "1 pin" in bot.answer(BOB, "/boards")


def test_reply_button_then_plain_text_goes_to_the_conversation(bot, worker, standin):
    received = conversation(bot, worker)
    toast = bot.press(BOB, received, "↩️ Reply")
    assert toast["text"] == "Type your reply to c1." and toast["show_alert"] is False
    prompt = standin.last_message(BOB)
    assert prompt["text"] == "Type your reply to c1 (or /cancel)." and prompt["reply_markup"]["force_reply"] is True
    assert bot.answer(BOB, "Sounds great") == "Replied in c1."
    assert "Reply button" in bot.answer(BOB, "and another thing")  # the Reply was used up
    drain(worker)
    assert text_of(standin.last_message(ALICE)).startswith("💬 <b>Bob</b> @bob · c1 (with @alice)\nSounds great")


def test_a_text_refused_after_reply_leaves_the_reply_waiting(bot, worker, standin):
    received = conversation(bot, worker)
    bot.press(BOB, received, "↩️ Reply")
    refused = bot.answer(BOB, "y" * 2001)
    assert refused.startswith("⚠️ That message is too long") and "limit is 2000" in refused
    assert bot.answer(BOB, "Shorter, then") == "Replied in c1."
    drain(worker)
    assert text_of(standin.last_message(ALICE)).endswith("Shorter, then")


def test_cancel_after_reply_means_the_next_text_gets_a_hint(bot, worker):
    received = conversation(bot, worker)
    bot.press(BOB, received, "↩️ Reply")
    assert bot.answer(BOB, "/cancel").startswith("Cancelled")
    assert "tap its ↩️ Reply button" in bot.answer(BOB, "this goes nowhere")
    assert "1 unread" not in bot.answer(ALICE, "/inbox")


def test_replying_to_a_delivered_message_routes_into_its_conversation(bot, worker, standin):
    received = conversation(bot, worker)
    assert bot.answer(BOB, "Love them") != "Replied in c1."  # not a reply: a hint
    [answer] = bot.ask(BOB, "Love them", reply_to=received["message_id"])
    assert answer["text"] == "Replied in c1."
    # The answer itself is mapped too: replying to it continues the conversation.
    [again] = bot.ask(BOB, "Really", reply_to=answer["message_id"])
    assert again["text"] == "Replied in c1."
    drain(worker)
    lines = [text_of(m) for m in standin.messages(ALICE)[-2:]]
    assert lines[0].endswith("Love them") and lines[1].endswith("Really")


def test_replying_to_the_bots_answer_in_the_senders_chat_routes_too(bot, worker):
    conversation(bot, worker)
    sent = next(m for m in bot.standin.messages(ALICE) if "Sent p1" in text_of(m))
    [answer] = bot.ask(ALICE, "Did you see?", reply_to=sent["message_id"])
    assert answer["text"] == "Replied in c1."


def test_mark_read_clears_unread(bot, worker):
    received = conversation(bot, worker)
    assert bot.press(BOB, received, "✓ Mark read")["text"] == "Marked c1 read (1 message)."
    assert "unread" not in bot.answer(BOB, "/inbox")


def test_send_opens_a_contact_picker_that_toggles_then_sends(bot, standin, worker):
    for user in (ALICE, BOB, CAROL):
        bot.ask(user, "/start")
    befriend(bot, (ALICE, "alice"), (BOB, "bob"), (CAROL, "carol"))
    [card] = bot.ask(ALICE, BOOTS)
    assert bot.press(ALICE, card, "📤 Send")["text"] == "Tap the people to send it to, then Send."
    picker = standin.last_message(ALICE)
    assert [b["text"] for b in buttons(picker)] == ["☐ @bob · Bob", "☐ @carol · Carol", "📤 Send", "✖ Cancel"]
    assert bot.press(ALICE, picker, "📤 Send")["text"] == "Tap at least one person first."
    for label in ("☐ @bob", "☐ @carol"):
        bot.press(ALICE, bot.message(ALICE, picker["message_id"]), label)
    bot.press(ALICE, bot.message(ALICE, picker["message_id"]), "☑ @carol")
    picker = bot.message(ALICE, picker["message_id"])
    assert [b["text"] for b in buttons(picker)][:2] == ["☑ @bob · Bob", "☐ @carol · Carol"]
    assert bot.press(ALICE, picker, "📤 Send")["text"] == "Sent!"
    done = bot.message(ALICE, picker["message_id"])
    assert done["text"] == "✅ Sent p1 “Trail boots” to @bob in c1." and "reply_markup" not in done
    drain(worker)
    assert "Trail boots" in text_of(standin.last_message(BOB))
    assert not any("Trail boots" in text_of(m) for m in standin.messages(CAROL))
    [answer] = bot.ask(ALICE, "Enjoy", reply_to=done["message_id"])
    assert answer["text"] == "Replied in c1."


def test_the_picker_can_be_cancelled_and_a_used_picker_is_stale(bot, standin):
    bot.ask(BOB, "/start")
    befriend(bot, (ALICE, "alice"), (BOB, "bob"))
    [card] = bot.ask(ALICE, BOOTS)
    bot.press(ALICE, card, "📤 Send")
    picker = standin.last_message(ALICE)
    send_data = button(picker, "📤 Send")["callback_data"]
    bot.press(ALICE, picker, "✖ Cancel")
    assert bot.message(ALICE, picker["message_id"])["text"] == "Cancelled."
    stale = bot.press_data(ALICE, bot.message(ALICE, picker["message_id"]), send_data)
    assert stale["text"].startswith("This picker is too old") and stale["show_alert"] is True


def test_send_without_contacts_says_how_to_get_some(bot):
    [card] = bot.ask(ALICE, BOOTS)
    toast = bot.press(ALICE, card, "📤 Send")
    assert toast["text"].startswith("No contacts yet.") and toast["show_alert"] is True


def test_a_digest_has_open_and_mark_all_read_buttons_that_work(bot, worker, services, telegram, standin):
    conversation(bot, worker)
    bot.ask(ALICE, "/reply c1 And these too")
    while worker.run_once():  # the live messages first
        pass
    assert run_due(services.sessions, "daily 09:00 UTC", utcnow(), everyone=True) >= 1
    while worker.run_once():  # the digests, as the worker sends and records them
        pass
    digest = standin.last_message(BOB)
    assert "2 unread messages" in text_of(digest) and "@alice: And these too" in text_of(digest)
    assert [b["text"] for b in buttons(digest)] == ["💬 Open c1", "✓ Mark all read"]
    bot.press(BOB, digest, "💬 Open c1")
    assert text_of(standin.last_message(BOB)).startswith("c1 with @alice\n@alice: p1 “Trail boots” Look at these")
    assert bot.press(BOB, digest, "✓ Mark all read")["text"] == "Marked c1 read."


def test_buttons_carry_their_pin_or_conversation_so_sending_stores_nothing(bot, worker, services):
    received = conversation(bot, worker)  # command answers with buttons, and a delivery
    assert [b.get("callback_data") for b in buttons(received)] == ["save:p1", "send:p1", None, "reply:c1", "seen:c1"]
    assert count_rows(services.sessions, ActionKey) == 0


def test_buttons_keep_working_after_stored_button_keys_are_pruned(bot, worker, services):
    received = conversation(bot, worker)
    with transaction(services.sessions) as session:
        operations.prune(session, utcnow() + timedelta(days=3650))
    assert bot.press(BOB, received, "✓ Mark read")["text"] == "Marked c1 read (1 message)."
    assert bot.press(BOB, received, "💾 Save")["text"].startswith("Saved p1 to your board")


def test_a_button_from_a_restarted_process_still_works(bot, worker, services, standin):
    """Keys live in the database: a fresh Application (another process) understands old buttons."""
    from tests.adapters.telegram.harness import WAIT_SECONDS, Harness, assemble_bot

    received = conversation(bot, worker)
    bot.telegram.stop()
    other = assemble_bot(services)
    try:
        second = Harness(standin, other, services.engine, bot.mode)
        other.runner.start()
        assert other.runner.wait_started(WAIT_SECONDS)
        assert second.press(BOB, received, "✓ Mark read")["text"] == "Marked c1 read (1 message)."
    finally:
        other.stop()
