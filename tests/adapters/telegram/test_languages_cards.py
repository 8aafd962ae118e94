"""The last of the Telegram adapter's own words in its reader's language: a profile card, a cancelled picker."""

from __future__ import annotations

from dataclasses import replace

from adapters.telegram.cards import message_html
from core.i18n import speaking
from core.invites import JOINED_FROM_INVITE
from tests.adapters.telegram import hostile
from tests.adapters.telegram.harness import ALICE, befriend, button, buttons, drain, text_of

ANA = 556  # a German-speaking Telegram user (from.language_code "de")


def test_a_profile_shared_with_a_german_reader_comes_as_a_german_card(bot, standin, worker):
    standin.add_user(ANA, "Ana", username="ana", language_code="de")
    for user in (ALICE, ANA):
        bot.ask(user, "/start")
    befriend(bot, (ALICE, "alice"), (ANA, "ana"))
    bot.ask(ALICE, "/new https://example.com/boots Trail boots")
    bot.ask(ALICE, "/new https://example.com/hat Hat")
    bot.ask(ALICE, "/share profile @alice to @ana")
    drain(worker)

    card = standin.last_message(ANA)

    assert '👤 <b>Alice</b> @alice · <a href="http://pins.test/u/alice">Profil</a>\n• Saved — 2 Pins' in text_of(card)
    assert "👤 Profil öffnen" in [b["text"] for b in buttons(card)]
    assert "profile</a>" not in text_of(card) and " pins" not in text_of(card)
    [own] = bot.ask(ALICE, "/share profile @alice to @ana")
    assert "Sent @alice&#x27;s profile to @ana" in text_of(own), "the sender still reads English"


def test_a_german_readers_cancelled_picker_says_so_in_german(bot, standin):
    standin.add_user(ANA, "Ana", username="ana", language_code="de")
    for user in (ALICE, ANA):
        bot.ask(user, "/start")
    befriend(bot, (ANA, "ana"), (ALICE, "alice"))
    [card] = bot.ask(ANA, "/new https://example.com/boots Trail boots")
    bot.press(ANA, card, "📤 Senden")
    picker = standin.last_message(ANA)

    bot.press(ANA, picker, "✖ Abbrechen")

    assert bot.message(ANA, picker["message_id"])["text"] == "Abgebrochen."
    assert button(picker, "📤 Senden")["callback_data"]


def test_a_newcomers_join_message_reads_in_each_readers_language():
    joined = replace(hostile.view("typical", "join"), text=JOINED_FROM_INVITE)
    with speaking("pt"):
        assert "\n<i>entrou por um convite</i>" in message_html(joined)
    assert "\n<i>joined from an invite</i>" in message_html(joined)
    assert "<i>hello</i>" in message_html(replace(joined, text="hello")), "other words are shown as they were written"
