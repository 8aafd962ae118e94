"""Every word of the grammar as a Telegram bot command, deep links, groups — webhook and polling."""

from __future__ import annotations

import re

from core.grammar import WORDS
from core.people import Identity
from tests.adapters.telegram.harness import (
    ALICE,
    BOB,
    DAVE,
    GROUP,
    button,
    buttons,
    text_of,
)
from tests.factories import link_code, say

EVERY_WORD = [
    (ALICE, "/start", "Welcome to Pinbridge, @alice!"),
    (BOB, "/start", "Welcome to Pinbridge, @bob!"),
    (ALICE, "/help", "/send &lt;pin&gt; to @people [message]"),
    (ALICE, "/new https://example.com/boots Trail boots", "Pinned p1: Trail boots — https://example.com/boots"),
    (ALICE, "/board new Trips", "Created your board “Trips”."),
    (ALICE, "/save p1 to Trips", "Saved p1 to your board “Trips”."),
    (ALICE, "/boards", "• Trips — 1 pin"),
    (ALICE, "/board Trips", "@alice/Trips — 1 pin"),
    (ALICE, "/search trail", "Pins matching “trail”:\np1 Trail boots"),
    (ALICE, "/follow @bob", "You follow @bob."),
    (BOB, "/follow @alice", "You follow @alice. You follow each other now"),
    (ALICE, "/contacts", "• @bob (Bob)"),
    (ALICE, "/send p1 to @bob Look at these", "Sent p1 “Trail boots” to @bob in c1."),
    (ALICE, "/reply c1 Good for hiking", "Replied in c1."),
    (BOB, "/inbox", "c1 with @alice — 2 unread: @alice: Good for hiking"),
    (BOB, "/read c1", "@alice: p1 “Trail boots” Look at these\n@alice: Good for hiking"),
    (BOB, "/dismiss c1", "Dismissed c1"),
    (ALICE, "/share board Trips to @bob", "Sent your board “Trips” to @bob in c1."),
    (ALICE, "/share profile @alice to @bob", "Sent @alice&#x27;s profile to @bob in c1."),
    (ALICE, "/link", "Your link code is"),
    (ALICE, "/deliver telegram", "Messages will be delivered to Telegram."),
    (ALICE, "/digest daily 08:00", "Your digest is now daily 08:00"),
    (ALICE, "/handle ally", "You are now @ally."),
    (ALICE, "/join NOSUCHCODE", "That invite code is not valid."),
    (ALICE, "/unfollow @bob", "You no longer follow @bob."),
    (ALICE, "/block @bob", "Blocked @bob. They can&#x27;t message you."),
    (ALICE, "/unblock @bob", "Unblocked @bob."),
    (ALICE, "/language", "I answer you in English, your platform&#x27;s language."),
    (ALICE, "/frobnicate now", "I don&#x27;t know “frobnicate”"),
]


def test_every_grammar_word_works_as_a_bot_command(bot):
    for user, command, expected in EVERY_WORD:
        answer = bot.answer(user, command)
        assert expected in answer, f"{command}: {answer}"
    used = {command.split()[0][1:] for _, command, _ in EVERY_WORD}
    assert set(WORDS) <= used


def test_answers_carry_the_buttons_their_items_call_for(bot):
    bot.ask(ALICE, "/new https://example.com/boots Trail boots")
    [one] = bot.ask(ALICE, "/search boots")
    assert [b["text"] for b in buttons(one)] == ["💾 Save", "📤 Send", "🔗 Open"]  # one hit: its card
    bot.ask(ALICE, "/new https://example.com/boots2 Winter boots")
    [listing] = bot.ask(ALICE, "/search boots")
    assert [b["text"] for b in buttons(listing)] == [
        "💾 Save p2", "📤 Send p2", "🔗 Open", "💾 Save p1", "📤 Send p1", "🔗 Open",  # newest first
    ]
    assert listing["parse_mode"] == "HTML"
    bot.ask(BOB, "/follow @alice")
    bot.ask(ALICE, "/follow @bob")
    [sent] = bot.ask(ALICE, "/send p1 to @bob")
    assert [b["text"] for b in buttons(sent)] == ["💾 Save", "📤 Send", "🔗 Open", "↩️ Reply"]
    [inbox] = bot.ask(BOB, "/inbox")
    assert [b["text"] for b in buttons(inbox)] == ["💬 Open c1", "✓ Mark c1 read"]


def test_hostile_titles_are_escaped_in_the_card(bot):
    [card] = bot.ask(ALICE, "/new https://example.com/x <b>bold</b> & <script>alert(1)</script>")
    text = text_of(card)
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<script>" not in text and "<b>bold" not in text
    assert card["parse_mode"] == "HTML"


def test_start_with_an_invite_deep_link_joins_the_conversation(bot):
    bot.ask(ALICE, "/new https://example.com/boots Trail boots")
    answer = bot.answer(ALICE, "/send p1 to @newbie Come see")
    code = re.search(r"https://t\.me/pinbridge_bot\?start=inv_([A-Za-z0-9_-]+)", answer).group(1)
    [joined] = bot.ask(DAVE, f"/start inv_{code}")
    assert "You joined c1. @alice sent you p1: “Trail boots”." in text_of(joined)
    assert [b["text"] for b in buttons(joined)] == ["💾 Save", "📤 Send", "🔗 Open", "↩️ Reply"]
    assert "Replied in c1." in bot.answer(DAVE, "/reply c1 Thanks!")


def test_a_link_deep_link_asks_first_and_links_only_after_yes(bot, services):
    slack = Identity("slack", "U42", chat_id="D42", username="alice_s", display_name="Alice")
    code = link_code(say(services.engine, slack, "link"))
    [asked] = bot.ask(ALICE, f"/start link_{code}")
    assert text_of(asked) == (
        "This joins your Telegram account to @alice_s on Slack: whoever uses either account will see all "
        "your conversations and boards. Only do this if @alice_s is you."
    )
    assert services.engine.ensure(Identity("telegram", str(ALICE))) == "alice"  # not linked by the tap
    bot.press(ALICE, asked, "✅ Yes")
    assert "Linked! You are @alice_s on Slack and Telegram." in text_of(bot.message(ALICE, asked["message_id"]))
    assert services.engine.ensure(Identity("telegram", str(ALICE))) == "alice_s"


def test_someone_else_cannot_press_yes_on_a_link_request(bot, services):
    slack = Identity("slack", "U42", chat_id="D42", username="mallory", display_name="Mallory")
    [asked] = bot.ask(ALICE, f"/start link_{link_code(say(services.engine, slack, 'link'))}")
    answer = bot.press(BOB, asked, "✅ Yes")
    assert answer["show_alert"] and "expired" in answer["text"]
    assert services.engine.ensure(Identity("telegram", str(BOB))) != "mallory"
    assert bot.press(ALICE, asked, "✖ Cancel")
    assert "nothing was linked" in text_of(bot.message(ALICE, asked["message_id"]))
    assert services.engine.ensure(Identity("telegram", str(ALICE))) == "alice"


def test_in_a_group_commands_work_and_private_answers_go_to_a_private_chat(bot, standin):
    bot.say(ALICE, "/help@pinbridge_bot", chat=GROUP)
    [help_message] = standin.messages(GROUP)
    assert "/new &lt;link&gt;" in help_message["text"] and help_message["reply_to_message_id"] == 1
    before = len(standin.messages(ALICE))
    bot.say(ALICE, "/inbox", chat=GROUP)
    assert standin.messages(GROUP)[-1]["text"] == "Alice, I answered you in our private chat."
    assert "Your inbox is empty" in standin.messages(ALICE)[before]["text"]


def test_in_a_group_the_bot_ignores_chatter_and_other_bots_commands(bot, standin):
    for text in ("hello everyone", "/frobnicate", "/help@other_bot", "/p1@other_bot"):
        bot.say(ALICE, text, chat=GROUP)
    assert standin.messages(GROUP) == []
    bot.say(ALICE, "/frobnicate@pinbridge_bot", chat=GROUP)
    assert "I don&#x27;t know “frobnicate”" in standin.messages(ALICE)[-1]["text"]


def test_plain_text_with_no_context_gets_a_hint(bot):
    assert "reply to one of my messages or tap its ↩️ Reply button" in bot.answer(ALICE, "hello?")


def test_cancel_forgets_a_pending_reply(bot):
    assert bot.answer(ALICE, "/cancel") == "Nothing to cancel."


def test_start_sets_the_command_menu(bot, standin):
    assert standin.menu_button() == {"type": "commands"}, "the menu button opens the commands"
    commands = [c["command"] for c in standin.my_commands()]
    assert {"send", "search", "inbox", "share", "cancel"} <= set(commands) and "start" not in commands
    assert all(c["description"] for c in standin.my_commands())


def test_buttons_on_cards_are_urls_for_open(bot):
    [card] = bot.ask(ALICE, "/new https://example.com/boots?size=42&colour=red Boots")
    assert button(card, "🔗 Open") == {"text": "🔗 Open", "url": "https://example.com/boots?size=42&colour=red"}


FORUM, TRIPS = -1001000000777, 15  # a forum supergroup and one of its topics


def test_in_a_forum_the_bot_answers_in_the_topic_it_was_asked_in(bot, standin):
    standin.add_group(FORUM, "Hikers", topics=(TRIPS,))
    update = standin.user_text(ALICE, "/new https://example.com/boots Boots", FORUM, enqueue=bot.polling, topic=TRIPS)
    bot.deliver(update)
    bot.wait(update)
    [card] = [m for m in standin.messages(FORUM) if m["from"]["is_bot"]]
    assert card["message_thread_id"] == TRIPS and card["is_topic_message"] is True, "in the topic, not in General"
    assert standin.calls("sendMessage")[-1].params["message_thread_id"] == TRIPS
    general = standin.user_text(ALICE, "/inbox", FORUM, enqueue=bot.polling)  # asked in General: no thread
    bot.deliver(general)
    bot.wait(general)
    note = [m for m in standin.messages(FORUM) if m["from"]["is_bot"]][-1]
    assert "answered you in our private chat" in note["text"] and "message_thread_id" not in note


def test_the_stand_in_refuses_a_topic_the_forum_does_not_have(standin, api):
    from telegram import Bot
    from telegram.error import BadRequest
    import asyncio

    standin.add_group(FORUM, "Hikers", topics=(TRIPS,))

    async def send():
        async with Bot(standin.token, base_url=api.url + "/bot") as telegram_bot:
            await telegram_bot.send_message(FORUM, "hi", message_thread_id=999)

    try:
        asyncio.run(send())
    except BadRequest as error:
        assert "thread not found" in error.message.lower()
    else:
        raise AssertionError("a topic that does not exist was accepted")
