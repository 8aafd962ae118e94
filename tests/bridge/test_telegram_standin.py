"""The Telegram Bot API stand-in, driven by a real python-telegram-bot client over HTTP."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any, Awaitable, Callable

import httpx
import pytest
import telegram
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter

from bridge.sandbox.serving import serve
from bridge.sandbox.telegram_api import TelegramStandin, answer, create_app

TOKEN = "123456:SANDBOX"
ALICE, BOB, GROUP = 42, 43, -1001


class FakeClock:
    """A monotonic clock that only moves when a test moves it."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def standin(clock: FakeClock) -> TelegramStandin:
    standin = TelegramStandin(TOKEN, "pinbridge_bot", clock=clock)
    standin.add_user(ALICE, "Alice", username="alice")
    standin.add_user(BOB, "Bob")
    standin.add_group(GROUP, "Pinners")
    return standin


@pytest.fixture
def served(standin: TelegramStandin):
    with serve(create_app(standin)) as handle:
        yield handle


@pytest.fixture
def timedeltas(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make PTB report RetryAfter.retry_after as a timedelta (its future default)."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


def with_bot(url: str, action: Callable[[telegram.Bot], Awaitable[Any]], token: str = TOKEN) -> Any:
    """Run `action(bot)` with a real, initialized PTB Bot pointed at the stand-in."""

    async def main() -> Any:
        async with telegram.Bot(token, base_url=url + "/bot") as bot:
            return await action(bot)

    return asyncio.run(main())


def keyboard(data: str = "pin:1") -> telegram.InlineKeyboardMarkup:
    return telegram.InlineKeyboardMarkup([[telegram.InlineKeyboardButton("Pin it", callback_data=data)]])


def test_get_me_describes_the_bot(served):
    me = with_bot(served.url, lambda bot: bot.get_me())
    assert (me.id, me.username, me.is_bot) == (123456, "pinbridge_bot", True)
    assert me.supports_inline_queries and me.can_join_groups


def test_send_message_with_inline_keyboard_is_recorded(standin, served):
    sent = with_bot(
        served.url,
        lambda bot: bot.send_message(ALICE, "*Pinned*", parse_mode="MarkdownV2", reply_markup=keyboard()),
    )
    assert sent.message_id == 1 and sent.chat.id == ALICE and sent.from_user.is_bot
    assert sent.reply_markup.inline_keyboard[0][0].callback_data == "pin:1"
    [stored] = standin.messages(ALICE)
    assert stored["text"] == "*Pinned*" and stored["parse_mode"] == "MarkdownV2"
    assert stored["reply_markup"] == {"inline_keyboard": [[{"text": "Pin it", "callback_data": "pin:1"}]]}
    [call] = standin.calls("sendMessage")
    assert call.params["chat_id"] == ALICE and call.params["reply_markup"] == stored["reply_markup"]


def test_message_ids_increase_per_chat_and_replies_are_linked(standin, served):
    async def action(bot: telegram.Bot) -> list[telegram.Message]:
        first = await bot.send_message(ALICE, "one")
        second = await bot.send_message(ALICE, "two", reply_to_message_id=first.message_id)
        return [first, second, await bot.send_message(GROUP, "hello group")]

    first, second, group = with_bot(served.url, action)
    assert (first.message_id, second.message_id, group.message_id) == (1, 2, 1)
    assert second.reply_to_message.text == "one"
    assert standin.last_message(ALICE)["reply_to_message_id"] == 1
    assert group.chat.type == "group" and group.chat.title == "Pinners"


def test_send_photo_with_caption(standin, served):
    sent = with_bot(served.url, lambda bot: bot.send_photo(ALICE, "https://example.com/pin.jpg", caption="A pin"))
    assert sent.caption == "A pin" and len(sent.photo) == 3
    assert sent.photo[-1].width > sent.photo[0].width
    stored = standin.last_message(ALICE)
    assert stored["photo_source"] == "https://example.com/pin.jpg"
    assert stored["photo"][0]["file_id"] == sent.photo[0].file_id


@pytest.mark.parametrize(
    ("chat_id", "text", "expected"),
    [
        (ALICE, "x" * 4097, "message is too long"),
        (ALICE, "", "message text is empty"),
        # TDLib trims the text first; what is left empty is "Message must be non-empty".
        (ALICE, "   ", "message must be non-empty"),
        (999, "hi", "chat not found"),
    ],
)
def test_invalid_send_message_is_bad_request(standin, served, chat_id, text, expected):
    with pytest.raises(BadRequest, match="(?i)" + expected):
        with_bot(served.url, lambda bot: bot.send_message(chat_id, text))
    assert standin.messages(ALICE) == []
    assert standin.calls("sendMessage")[0].status == 400


def test_too_long_caption_is_bad_request(served):
    with pytest.raises(BadRequest, match="(?i)caption is too long"):
        with_bot(served.url, lambda bot: bot.send_photo(ALICE, "AgACfileid", caption="c" * 1025))


def test_fail_next_429_raises_retry_after_with_the_given_delay(standin, served, timedeltas):
    standin.fail_next("sendMessage", status=429, retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        with_bot(served.url, lambda bot: bot.send_message(ALICE, "hi"))
    assert caught.value.retry_after == timedelta(seconds=7)
    assert standin.messages(ALICE) == []


def test_fail_next_403_raises_forbidden(standin, served):
    standin.fail_next("sendMessage", status=403)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        with_bot(served.url, lambda bot: bot.send_message(ALICE, "hi"))


def test_fail_next_500_raises_network_error_then_recovers(standin, served):
    standin.fail_next("sendMessage", status=500, times=2)

    async def action(bot: telegram.Bot) -> list[str]:
        outcomes = []
        for _ in range(3):
            try:
                await bot.send_message(ALICE, "hi")
                outcomes.append("sent")
            except NetworkError as exc:
                outcomes.append(type(exc).__name__)
        return outcomes

    assert with_bot(served.url, action) == ["NetworkError", "NetworkError", "sent"]
    assert [call.status for call in standin.calls("sendMessage")] == [500, 500, 200]


def test_set_webhook_then_get_webhook_info(standin, served):
    async def action(bot: telegram.Bot) -> telegram.WebhookInfo:
        await bot.set_webhook("https://pins.example/telegram", secret_token="s3cret", allowed_updates=["message"])
        return await bot.get_webhook_info()

    info = with_bot(served.url, action)
    assert info.url == "https://pins.example/telegram"
    assert info.allowed_updates == ("message",)
    assert standin.webhook()["secret_token"] == "s3cret"


def test_get_updates_returns_queued_updates_and_honours_offset(standin, served):
    standin.user_text(ALICE, "/pins@pinbridge_bot today")
    standin.user_text(BOB, "hello")
    standin.user_text(ALICE, "/help")

    async def action(bot: telegram.Bot) -> tuple[tuple[telegram.Update, ...], tuple[telegram.Update, ...]]:
        everything = await bot.get_updates()
        rest = await bot.get_updates(offset=everything[1].update_id)
        return everything, rest

    everything, rest = with_bot(served.url, action)
    assert [u.update_id for u in everything] == [1, 2, 3]
    first = everything[0].message
    assert first.text == "/pins@pinbridge_bot today" and first.from_user.id == ALICE
    assert first.entities[0].type == "bot_command" and first.entities[0].length == len("/pins@pinbridge_bot")
    assert everything[1].message.entities == ()
    assert [u.update_id for u in rest] == [2, 3]
    assert [u["update_id"] for u in standin.pending_updates()] == [2, 3]


def test_get_updates_long_poll_returns_empty_instead_of_blocking(served):
    assert with_bot(served.url, lambda bot: bot.get_updates(timeout=30)) == ()


def test_get_updates_while_webhook_is_set_conflicts(standin, served):
    standin.user_text(ALICE, "hi")

    async def action(bot: telegram.Bot) -> tuple[telegram.Update, ...]:
        await bot.set_webhook("https://pins.example/telegram")
        with pytest.raises(Conflict):
            await bot.get_updates()
        await bot.delete_webhook()
        return await bot.get_updates()

    assert [u.message.text for u in with_bot(served.url, action)] == ["hi"]


def test_set_webhook_ends_a_running_long_poll_with_conflict(standin, served):
    async def action(bot: telegram.Bot) -> None:
        poll = asyncio.create_task(bot.get_updates(timeout=30))
        await asyncio.sleep(0)
        await bot.set_webhook("http://127.0.0.1:9/telegram")
        # Whether the poll was already waiting or not, Telegram answers it 409.
        with pytest.raises(Conflict):
            await poll

    with_bot(served.url, action)
    assert [call.status for call in standin.calls("getUpdates")] == [409]


def test_enforce_limits_rejects_a_fast_second_message_to_one_chat_only(standin, served, clock, timedeltas):
    standin.enforce_limits()

    async def action(bot: telegram.Bot) -> RetryAfter:
        await bot.send_message(ALICE, "one")
        clock.now += 0.25
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(ALICE, "two")
        await bot.send_message(BOB, "to another chat")
        clock.now += 1.0
        await bot.send_message(ALICE, "two, after waiting")
        return caught.value

    assert with_bot(served.url, action).retry_after == timedelta(seconds=1)
    assert standin.rate_limited == 1
    assert [m["text"] for m in standin.messages(ALICE)] == ["one", "two, after waiting"]
    assert len(standin.messages(BOB)) == 1


def test_group_limit_answers_an_honest_retry_after(standin, clock):
    standin.enforce_limits(per_group_per_minute=20)
    for i in range(20):
        assert answer(standin, "sendMessage", {"chat_id": GROUP, "text": f"m{i}"})[1] == 200
        clock.now += 1.0
    _, status, body = answer(standin, "sendMessage", {"chat_id": GROUP, "text": "one too many"})
    assert status == 429 and body["parameters"] == {"retry_after": 40}
    assert body["description"] == "Too Many Requests: retry after 40"
    clock.now += 40
    assert answer(standin, "sendMessage", {"chat_id": GROUP, "text": "one too many"})[1] == 200


def test_global_limit_spans_chats(standin):
    standin.enforce_limits(global_per_second=2)
    statuses = [answer(standin, "sendMessage", {"chat_id": chat, "text": "x"})[1] for chat in (ALICE, BOB, GROUP)]
    assert statuses == [200, 200, 429]


def test_wrong_token_is_invalid_token(standin, served):
    with pytest.raises(InvalidToken):
        with_bot(served.url, lambda bot: bot.get_me(), token="654321:WRONG")
    assert standin.calls() == []


def test_callback_query_round_trip_is_recorded(standin, served):
    async def action(bot: telegram.Bot) -> tuple[telegram.CallbackQuery, bool]:
        sent = await bot.send_message(ALICE, "A pin", reply_markup=keyboard("pin:7"))
        standin.user_callback(ALICE, sent.message_id, "pin:7")
        [update] = await bot.get_updates()
        query = update.callback_query
        await bot.answer_callback_query(query.id, text="Pinned!", show_alert=True)
        with pytest.raises(BadRequest, match="(?i)query is too old"):
            await bot.answer_callback_query(query.id)
        return query

    query = with_bot(served.url, action)
    assert query.data == "pin:7" and query.from_user.id == ALICE and query.message.text == "A pin"
    [recorded] = standin.callback_answers()
    assert recorded["id"] == query.id and recorded["text"] == "Pinned!" and recorded["show_alert"] is True


def test_inline_query_answer_is_recorded(standin, served):
    standin.user_inline_query(ALICE, "cats", offset="")
    result = telegram.InlineQueryResultArticle("r1", "Cat pin", telegram.InputTextMessageContent("meow"))

    async def action(bot: telegram.Bot) -> telegram.InlineQuery:
        [update] = await bot.get_updates()
        await bot.answer_inline_query(update.inline_query.id, [result], cache_time=0)
        return update.inline_query

    inline = with_bot(served.url, action)
    assert inline.query == "cats"
    [recorded] = standin.inline_answers()
    assert recorded["id"] == inline.id and recorded["results"][0]["id"] == "r1"


def test_edit_without_markup_drops_keyboard_and_identical_edit_is_refused(standin, served):
    async def action(bot: telegram.Bot) -> telegram.Message:
        sent = await bot.send_message(ALICE, "draft", reply_markup=keyboard())
        edited = await bot.edit_message_text("final", ALICE, sent.message_id)
        with pytest.raises(BadRequest, match="(?i)message is not modified"):
            await bot.edit_message_text("final", ALICE, sent.message_id)
        return edited

    edited = with_bot(served.url, action)
    assert edited.text == "final" and edited.reply_markup is None and edited.edit_date is not None
    assert "reply_markup" not in standin.last_message(ALICE)


def test_delete_message_and_commands(standin, served):
    async def action(bot: telegram.Bot) -> tuple[telegram.BotCommand, ...]:
        sent = await bot.send_message(ALICE, "bye")
        await bot.delete_message(ALICE, sent.message_id)
        with pytest.raises(BadRequest, match="(?i)message to delete not found"):
            await bot.delete_message(ALICE, sent.message_id)
        await bot.set_my_commands([("pins", "List pins"), ("help", "How it works")])
        return await bot.get_my_commands()

    commands = with_bot(served.url, action)
    assert [c.command for c in commands] == ["pins", "help"]
    assert standin.messages(ALICE) == []
    assert standin.my_commands()[0] == {"command": "pins", "description": "List pins"}


def test_json_bodies_with_json_string_markup_and_unknown_methods(standin, served):
    markup = {"inline_keyboard": [[{"text": "Pin", "callback_data": "p"}]]}
    body = {"chat_id": str(ALICE), "text": "hi", "reply_markup": json.dumps(markup)}
    sent = httpx.post(f"{served.url}/bot{TOKEN}/sendmessage", json=body).json()
    assert sent["ok"] and sent["result"]["reply_markup"] == markup
    assert standin.calls("sendMessage")[0].params["reply_markup"] == markup
    missing = httpx.post(f"{served.url}/bot{TOKEN}/sendDice", data={"chat_id": ALICE})
    assert missing.status_code == 404
    assert missing.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    wrong = httpx.get(f"{served.url}/botnope/getMe")
    assert wrong.status_code == 401 and wrong.json()["description"] == "Unauthorized"


def test_listeners_see_calls_and_updates_until_unsubscribed(standin, served):
    events: list[dict[str, Any]] = []

    def broken(event: dict[str, Any]) -> None:
        raise RuntimeError("a broken live view must not break the API")

    standin.subscribe(broken)
    standin.subscribe(events.append)
    standin.user_text(ALICE, "hi")
    with_bot(served.url, lambda bot: bot.get_me())
    standin.unsubscribe(events.append)
    standin.user_text(ALICE, "unseen")
    # PTB's Bot.initialize() calls getMe too, hence two calls.
    assert [event["type"] for event in events] == ["update", "call", "call"]
    assert events[0]["update"]["message"]["text"] == "hi"
    assert {event["call"].method for event in events[1:]} == {"getMe"}


def test_reset_forgets_everything(standin, served):
    with_bot(served.url, lambda bot: bot.send_message(ALICE, "hi"))
    standin.user_text(ALICE, "hello")
    standin.reset()
    assert standin.calls() == [] and standin.pending_updates() == [] and standin.messages(ALICE) == []
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        with_bot(served.url, lambda bot: bot.send_message(ALICE, "hi"))


def test_server_stops_cleanly(standin):
    handle = serve(create_app(standin))
    assert with_bot(handle.url, lambda bot: bot.get_me()).username == "pinbridge_bot"
    handle.stop()
    assert not handle.running
    with pytest.raises(NetworkError):
        with_bot(handle.url, lambda bot: bot.get_me())
