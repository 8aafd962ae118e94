"""The Telegram stand-in answers a blocked bot, a deleted account, an upgraded group and a non-photo as Telegram does."""

from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable

import httpx
import pytest
import telegram
from telegram.error import BadRequest, ChatMigrated, Forbidden

from bridge.sandbox.serving import serve
from bridge.sandbox.telegram_api import TelegramStandin, create_app

TOKEN = "123456:SANDBOX"
ALICE, BOB = 42, 43
GROUP, SUPERGROUP = -4001, -1002003004005


@pytest.fixture
def standin() -> TelegramStandin:
    standin = TelegramStandin(TOKEN, "pinbridge_bot")
    standin.add_user(ALICE, "Alice", username="alice")
    standin.add_user(BOB, "Bob", username="bob")
    standin.add_group(GROUP, "Pinners")
    return standin


@pytest.fixture
def served(standin: TelegramStandin):
    with serve(create_app(standin)) as handle:
        yield handle


def with_bot(url: str, action: Callable[[telegram.Bot], Awaitable[Any]]) -> Any:
    """Run `action(bot)` with a real PTB Bot pointed at the stand-in."""

    async def main() -> Any:
        async with telegram.Bot(TOKEN, base_url=url + "/bot") as bot:
            return await action(bot)

    return asyncio.run(main())


def raw(url: str, method: str, **params: Any) -> tuple[int, dict]:
    """One Bot API call without a client: Telegram's status and JSON body."""
    response = httpx.post(f"{url}/bot{TOKEN}/{method}", json=params)
    return response.status_code, response.json()


def test_a_user_who_blocked_the_bot_gets_nothing_until_they_write_again(standin, served):
    standin.block_bot(BOB)
    assert raw(served.url, "sendMessage", chat_id=BOB, text="hi") == (403, {
        "ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"})
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        with_bot(served.url, lambda bot: bot.send_photo(BOB, "https://img.example/p.jpg"))
    standin.user_text(BOB, "/start")  # a blocked bot's chat offers Restart: writing unblocks it
    assert with_bot(served.url, lambda bot: bot.send_message(BOB, "welcome back")).text == "welcome back"


def test_a_deleted_account_is_gone_for_good(standin, served):
    standin.deactivate_user(BOB)
    assert raw(served.url, "sendMessage", chat_id=BOB, text="hi") == (403, {
        "ok": False, "error_code": 403, "description": "Forbidden: user is deactivated"})
    with pytest.raises(KeyError):
        standin.user_text(BOB, "/start")
    assert with_bot(served.url, lambda bot: bot.send_message(ALICE, "others still hear")).text == "others still hear"


def test_an_upgraded_group_answers_every_send_with_its_new_id(standin, served):
    standin.upgrade_group(GROUP, SUPERGROUP, by_user=ALICE)
    status, body = raw(served.url, "sendMessage", chat_id=GROUP, text="hi")
    assert (status, body) == (400, {
        "ok": False, "error_code": 400, "description": "Bad Request: group chat was upgraded to a supergroup chat",
        "parameters": {"migrate_to_chat_id": SUPERGROUP}})
    with pytest.raises(ChatMigrated) as moved:
        with_bot(served.url, lambda bot: bot.send_message(GROUP, "hi"))
    assert moved.value.new_chat_id == SUPERGROUP
    assert with_bot(served.url, lambda bot: bot.send_message(SUPERGROUP, "hi")).chat.type == "supergroup"


def test_an_upgrade_is_announced_by_two_service_messages(standin):
    old, new = standin.upgrade_group(GROUP, SUPERGROUP, by_user=ALICE)
    assert old["message"]["chat"]["id"] == GROUP and old["message"]["migrate_to_chat_id"] == SUPERGROUP
    assert new["message"]["chat"] == {"id": SUPERGROUP, "type": "supergroup", "title": "Pinners"}
    assert new["message"]["migrate_from_chat_id"] == GROUP and new["message"]["from"]["id"] == ALICE
    assert [u["update_id"] for u in standin.pending_updates()] == [old["update_id"], new["update_id"]]


@pytest.mark.parametrize(("url", "taken"), [
    ("https://img.example/p.jpg", True), ("https://img.example/p.png", True), ("https://img.example/raw", True),
    ("https://img.example/p.webp", False), ("https://img.example/p.gif", False), ("https://img.example/p.svg", False),
])
def test_only_jpeg_and_png_pictures_become_photos(served, url, taken):
    send = lambda bot: bot.send_photo(ALICE, url, caption="A pin")  # noqa: E731
    if taken:
        assert with_bot(served.url, send).caption == "A pin"
        return
    with pytest.raises(BadRequest, match="Wrong type of the web page content"):
        with_bot(served.url, send)


def test_a_registered_type_wins_over_the_name(standin, served):
    standin.register_image("https://cdn.example/photo.jpg", "image/webp")
    with pytest.raises(BadRequest, match="Wrong type of the web page content"):
        with_bot(served.url, lambda bot: bot.send_photo(ALICE, "https://cdn.example/photo.jpg"))


def test_a_reset_forgets_every_fate(standin, served):
    standin.block_bot(ALICE)
    standin.reset()
    standin.add_user(ALICE, "Alice")
    assert with_bot(served.url, lambda bot: bot.send_message(ALICE, "hello")).text == "hello"
