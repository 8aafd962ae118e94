"""The bot token and link codes never reach the log, at any level (httpx logs every request URL)."""

from __future__ import annotations

import logging
import re

import pytest

from tests.adapters.telegram.harness import ALICE, BOB, TOKEN, befriend, drain

pytestmark = pytest.mark.parametrize("mode", ["webhook"])


def test_the_bot_token_is_not_in_the_log_of_a_delivery(bot, worker, caplog):
    caplog.set_level(logging.DEBUG)
    for user in (ALICE, BOB):
        bot.ask(user, "/start")
    befriend(bot, (ALICE, "alice"), (BOB, "bob"))
    bot.ask(ALICE, "/new https://example.com/boots Trail boots")
    bot.ask(ALICE, "/send p1 to @bob Look")
    assert drain(worker) == 1
    assert "sendMessage" in caplog.text  # the requests were logged…
    assert TOKEN not in caplog.text and TOKEN.split(":")[1] not in caplog.text  # …without the token


def test_a_link_code_is_not_in_the_log_even_at_debug(bot, caplog):
    caplog.set_level(logging.DEBUG)
    code = re.search(r"link code is ([A-Z0-9]+)", bot.answer(ALICE, "/link")).group(1)
    assert "sendMessage" in caplog.text and code not in caplog.text
