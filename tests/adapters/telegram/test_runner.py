"""Starting and stopping the bot in both modes, on one long-lived event loop."""

from __future__ import annotations

import dataclasses
import threading

import pytest
from telegram.error import BadRequest, InvalidToken

from tests.adapters.telegram.test_delivery_errors import SUPERGROUP
from tests.adapters.telegram.harness import (
    ALICE,
    GROUP,
    SECRET,
    WAIT_SECONDS,
    Harness,
    eventually,
    text_of,
    assemble_bot,
    install_bot,
)


@pytest.mark.parametrize("mode", ["webhook"])
def test_webhook_mode_registers_the_webhook_with_its_secret(bot, standin):
    webhook = standin.webhook()
    assert webhook["url"] == "http://pins.test/telegram/webhook"
    assert webhook["secret_token"] == SECRET
    assert webhook["allowed_updates"] == ["message", "edited_message", "callback_query", "inline_query"]
    assert standin.calls("getUpdates") == []


@pytest.mark.parametrize("mode", ["polling"])
def test_polling_mode_fetches_updates_with_no_webhook(bot, standin):
    assert standin.webhook() is None
    assert eventually(lambda: standin.calls("getUpdates"), "a getUpdates call")
    assert "/new" in bot.answer(ALICE, "/help")


@pytest.mark.parametrize("mode", ["webhook", "polling"])
def test_an_update_redelivered_after_a_restart_is_processed_once(bot, standin, services, mode):
    update = bot.say(ALICE, "/new https://example.com/boots Boots")
    bot.telegram.stop()  # "the process dies" before Telegram hears the offset or the webhook's answer…
    restarted = assemble_bot(services)
    try:
        again = Harness(standin, restarted, services.engine, mode)
        restarted.runner.start()
        assert restarted.runner.wait_started(WAIT_SECONDS)
        if again.polling:  # …so Telegram sends the update again
            standin.redeliver(update)
        else:
            assert again.post(update).status_code == 200
        again.say(ALICE, "/help")  # same person: handled after the redelivered update
        assert sum("Pinned p1" in text_of(m) for m in standin.messages(ALICE)) == 1
    finally:
        restarted.stop()


def test_the_bot_keeps_trying_while_telegram_is_unreachable(standin, telegram, services):
    standin.fail_next("getMe", status=500)
    telegram.runner.start()
    assert telegram.runner.wait_started(WAIT_SECONDS)
    assert [call.status for call in standin.calls("getMe")][:2] == [500, 200]


def test_a_refused_token_stops_the_boot_with_invalid_token(services, standin):
    config = services.config.with_section("telegram", dataclasses.replace(services.config.telegram, bot_token="654321:WRONG"))
    telegram = assemble_bot(dataclasses.replace(services, config=config))
    try:
        telegram.runner.start()
        with pytest.raises(InvalidToken):
            telegram.runner.wait_started(WAIT_SECONDS)
        assert standin.calls() == []
    finally:
        telegram.stop()


def test_install_gives_a_platform_whose_stop_ends_the_loop_thread(services, standin):
    platform = install_bot(services)
    assert platform.sender.platform == "telegram"
    assert platform.blueprint is not None
    platform.start()
    eventually(lambda: standin.calls("setMyCommands"), "the command menu")
    platform.stop()
    assert "telegram" not in [t.name for t in threading.enumerate()]


def test_stopping_a_bot_that_never_started_is_harmless(services):
    platform = install_bot(services)
    platform.stop()


@pytest.mark.parametrize("mode", ["webhook"])
def test_a_webhook_telegram_refuses_stops_the_boot_with_the_reason(standin, telegram):
    standin.fail_next("setWebhook", status=400, description="Bad Request: bad webhook: HTTPS url must be provided")
    telegram.runner.start()
    with pytest.raises(BadRequest, match="(?i)https url must be provided"):
        telegram.runner.wait_started(WAIT_SECONDS)
    assert len(standin.calls("setWebhook")) == 1


@pytest.mark.parametrize("mode", ["webhook", "polling"])
def test_every_kind_of_update_arrives_and_is_answered_in_both_modes(bot, standin, mode):
    """What differs by mode is how updates reach the bot: a command, a button, an inline query, a migration."""
    [card] = bot.ask(ALICE, "/new https://example.com/boots Boots")
    assert "Pinned p1" in text_of(card)
    assert "p1" in bot.press(ALICE, card, "💾 Save")["text"], "a button press is answered"
    assert bot.inline(ALICE, "boots")["results"], "an inline query is answered"
    bot.say(ALICE, "/help", chat=GROUP)
    for update in standin.upgrade_group(GROUP, SUPERGROUP, by_user=ALICE, enqueue=bot.polling):
        bot.deliver(update)
        bot.wait(update)
    bot.say(ALICE, "/help", chat=SUPERGROUP)
    assert "/new" in text_of(standin.last_message(SUPERGROUP))
