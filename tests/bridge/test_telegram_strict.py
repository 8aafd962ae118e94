"""The Telegram stand-in refuses what the Bot API refuses, in Telegram's words (real PTB client where it can)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Awaitable, Callable

import httpx
import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InlineQueryResultArticle, InlineQueryResultPhoto
from telegram import InputTextMessageContent
from telegram.error import BadRequest

from bridge.sandbox.serving import serve
from bridge.sandbox.telegram_api import HANDLERS, TelegramStandin, answer, create_app
from bridge.sandbox.telegram_spec import BOT_API_VERSION, METHODS

TOKEN = "123456:SANDBOX"
ALICE = 42
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def standin() -> TelegramStandin:
    standin = TelegramStandin(TOKEN, "pinbridge_bot")
    standin.add_user(ALICE, "Alice", username="alice")
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


def refused(standin: TelegramStandin, method: str, params: dict[str, Any]) -> str:
    """The description of a call the stand-in refuses with HTTP 400 (fails if it is accepted)."""
    _, status, body = answer(standin, method, params)
    assert (status, body["ok"], body["error_code"]) == (400, False, 400), body
    return body["description"]


def accepted(standin: TelegramStandin, method: str, params: dict[str, Any]) -> Any:
    _, status, body = answer(standin, method, params)
    assert status == 200, body
    return body["result"]


def markup(*buttons: dict[str, Any]) -> dict[str, Any]:
    return {"inline_keyboard": [list(buttons)]}


def test_spec_table_covers_every_method_the_standin_serves():
    assert set(HANDLERS) <= set(METHODS) and BOT_API_VERSION == "7.2"
    assert METHODS["sendMessage"]["chat_id"] == (("Integer", "String"), True)


def test_generator_writes_the_table_from_a_local_api_json(tmp_path):
    spec = {"version": "Bot API 9.9", "release_date": "Today", "changelog": "", "methods": {
        name: {"name": name, "fields": [{"name": "chat_id", "types": ["Integer", "String"], "required": True}]}
        for name in METHODS}}
    (tmp_path / "api.json").write_text(json.dumps(spec))
    script = ROOT / "bridge/sandbox/spec/generate_telegram_spec.py"
    out = tmp_path / "spec.py"
    subprocess.run([sys.executable, script, tmp_path / "api.json", out], check=True, capture_output=True)
    namespace: dict[str, Any] = {}
    exec(out.read_text(), namespace)
    assert namespace["BOT_API_VERSION"] == "9.9"
    assert namespace["METHODS"]["getMe"] == {"chat_id": (("Integer", "String"), True)}
    del spec["methods"]["getMe"]
    (tmp_path / "api.json").write_text(json.dumps(spec))
    failed = subprocess.run([sys.executable, script, tmp_path / "api.json", out], capture_output=True, text=True)
    assert failed.returncode != 0 and "getMe" in failed.stderr


def test_unknown_parameters_are_ignored_like_telegram_does(standin, served):
    body = {"chat_id": ALICE, "text": "hi", "disable_web_page_preview": True, "no_such_parameter": "x"}
    sent = httpx.post(f"{served.url}/bot{TOKEN}/sendMessage", json=body).json()
    assert sent["ok"] and sent["result"]["text"] == "hi"


@pytest.mark.parametrize(
    ("method", "params", "description"),
    [
        ("sendMessage", {"text": "hi"}, "Bad Request: chat_id is empty"),
        ("sendMessage", {"chat_id": ALICE}, "Bad Request: message text is empty"),
        ("sendPhoto", {"chat_id": ALICE}, "Bad Request: there is no photo in the request"),
        ("deleteMessage", {"chat_id": ALICE}, "Bad Request: message identifier is not specified"),
        ("answerCallbackQuery", {}, "Bad Request: query is too old and response timeout expired or query ID is invalid"),
        ("sendMessage", {"chat_id": ALICE, "text": "hi", "reply_markup": "{not json"},
         "Bad Request: can't parse reply keyboard markup JSON object"),
        ("answerInlineQuery", {"inline_query_id": "1", "results": {"id": "1"}},
         "Bad Request: can't parse inline query results JSON object"),
        ("sendMessage", {"chat_id": ALICE, "text": "hi", "parse_mode": "BBCode"}, "Bad Request: unsupported parse_mode"),
    ],
)
def test_missing_or_malformed_arguments_are_bad_requests(standin, method, params, description):
    assert refused(standin, method, params) == description


def test_callback_data_is_one_to_sixty_four_bytes(standin, served):
    fits = InlineKeyboardMarkup([[InlineKeyboardButton("Pin", callback_data="é" * 32)]])  # 64 bytes
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("Pin", callback_data="é" * 32 + "x")]])
    assert with_bot(served.url, lambda bot: bot.send_message(ALICE, "ok", reply_markup=fits)).message_id == 1
    with pytest.raises(BadRequest, match="(?i)^BUTTON_DATA_INVALID$"):
        with_bot(served.url, lambda bot: bot.send_message(ALICE, "no", reply_markup=too_long))
    assert len(standin.messages(ALICE)) == 1


@pytest.mark.parametrize(
    ("button", "description"),
    [
        ({"text": "Pin", "callback_data": ""},
         "Bad Request: can't parse InlineKeyboardButton: Text buttons are not allowed in the inline keyboard"),
        ({"text": "Pin"}, "Bad Request: can't parse InlineKeyboardButton: Text buttons are not allowed in the inline keyboard"),
        ({"text": "", "callback_data": "p"}, "Bad Request: BUTTON_TEXT_INVALID"),
        ({"callback_data": "p"}, "Bad Request: can't parse InlineKeyboardButton: Can't find field \"text\""),
        ({"text": "Open", "url": "http://localhost:8080/p"},
         "Bad Request: inline keyboard button URL 'http://localhost:8080/p' is invalid: Wrong HTTP URL"),
        ({"text": "Open", "url": "ftp://pins.example/p"},
         "Bad Request: inline keyboard button URL 'ftp://pins.example/p' is invalid: Unsupported URL protocol"),
    ],
)
def test_buttons_telegram_refuses_are_refused(standin, button, description):
    assert refused(standin, "sendMessage", {"chat_id": ALICE, "text": "x", "reply_markup": markup(button)}) == description


@pytest.mark.parametrize("url", ["https://pins.example/p/1", "http://127.0.0.1.nip.io/x", "tg://user?id=42"])
def test_http_https_and_tg_url_buttons_are_accepted(standin, url):
    accepted(standin, "sendMessage", {"chat_id": ALICE, "text": "x", "reply_markup": markup({"text": "Open", "url": url})})


def test_an_inline_keyboard_holds_at_most_a_hundred_buttons(standin):
    rows = [[{"text": str(i), "callback_data": str(i)}] for i in range(100)]
    accepted(standin, "sendMessage", {"chat_id": ALICE, "text": "x", "reply_markup": {"inline_keyboard": rows}})
    rows.append([{"text": "one more", "callback_data": "x"}])
    params = {"chat_id": ALICE, "text": "x", "reply_markup": {"inline_keyboard": rows}}
    assert refused(standin, "sendMessage", params) == "Bad Request: reply markup is too long"


def test_text_length_is_counted_after_entity_parsing(standin, served):
    visible = "x" * 4094
    html = f"<b>{visible}</b>&amp;!"  # 4096 visible characters, far more bytes of markup
    sent = with_bot(served.url, lambda bot: bot.send_message(ALICE, html, parse_mode="HTML"))
    assert sent.message_id == 1
    with pytest.raises(BadRequest, match="^Message is too long$"):
        with_bot(served.url, lambda bot: bot.send_message(ALICE, html + "!", parse_mode="HTML"))


def test_text_length_counts_characters_not_utf16_units(standin):
    # Measured on the live Bot API (FerroxLabs/wayland#934): 4,096 emoji pass, 4,097 do not.
    accepted(standin, "sendMessage", {"chat_id": ALICE, "text": "😀" * 4096})
    assert refused(standin, "sendMessage", {"chat_id": ALICE, "text": "😀" * 4097}) == "Bad Request: message is too long"


def test_caption_length_is_counted_after_entity_parsing(standin, served):
    caption = "<i>" + "c" * 1024 + "</i>"
    with_bot(served.url, lambda bot: bot.send_photo(ALICE, "https://pins.example/p.jpg", caption=caption, parse_mode="HTML"))
    with pytest.raises(BadRequest, match="^Message caption is too long$"):
        with_bot(served.url, lambda bot: bot.send_photo(ALICE, "AgACfileid", caption=caption + "c", parse_mode="HTML"))


@pytest.mark.parametrize(
    ("text", "description"),
    [
        ("<foo>pin</foo>", "Can't parse entities: unsupported start tag \"foo\" at byte offset 0"),
        ("<b>pin", "Can't parse entities: can't find end tag corresponding to start tag \"b\""),
        ("Fish & chips < 3", "Can't parse entities: unsupported start tag \"\" at byte offset 13"),
        ("<b> </b>\n", "Message must be non-empty"),
    ],
)
def test_html_telegram_cannot_parse_is_refused_through_ptb(standin, served, text, description):
    with pytest.raises(BadRequest) as caught:
        with_bot(served.url, lambda bot: bot.send_message(ALICE, text, parse_mode="HTML"))
    assert caught.value.message.lower() == description.lower()
    assert standin.messages(ALICE) == []


def test_html_edits_are_parsed_too(standin, served):
    async def action(bot: telegram.Bot) -> None:
        sent = await bot.send_message(ALICE, "<b>draft</b>", parse_mode="HTML")
        with pytest.raises(BadRequest, match="(?i)unexpected end tag at byte offset 5"):
            await bot.edit_message_text("final</i>", ALICE, sent.message_id, parse_mode="HTML")

    with_bot(served.url, action)


def _photo(result_id: str, url: str = "https://pins.example/p.jpg") -> dict[str, Any]:
    return {"type": "photo", "id": result_id, "photo_url": url, "thumbnail_url": url}


def test_inline_answers_hold_at_most_fifty_results_with_unique_short_ids(standin):
    def call(results: list[dict[str, Any]]) -> dict[str, Any]:
        query_id = standin.user_inline_query(ALICE, "cats", enqueue=False)["inline_query"]["id"]
        return {"inline_query_id": query_id, "results": results}

    accepted(standin, "answerInlineQuery", call([_photo(str(i)) for i in range(50)]))
    assert refused(standin, "answerInlineQuery", call([_photo(str(i)) for i in range(51)])) == "Bad Request: RESULTS_TOO_MUCH"
    assert refused(standin, "answerInlineQuery", call([_photo("x" * 65)])) == "Bad Request: RESULT_ID_INVALID"
    assert refused(standin, "answerInlineQuery", call([_photo("")])) == "Bad Request: RESULT_ID_INVALID"
    assert refused(standin, "answerInlineQuery", call([_photo("a"), _photo("a")])) == "Bad Request: RESULT_ID_DUPLICATE"


def test_inline_photo_results_need_a_jpeg_and_a_thumbnail(standin, served):
    standin.register_image("https://cdn.example/raw/1", "image/jpeg")
    standin.register_image("https://cdn.example/raw/2", "image/png")

    async def action(bot: telegram.Bot) -> list[str]:
        outcomes = []
        for url in ("https://cdn.example/raw/1", "https://pins.example/p.png", "https://cdn.example/raw/2"):
            query_id = standin.user_inline_query(ALICE, "cats", enqueue=False)["inline_query"]["id"]
            try:
                await bot.answer_inline_query(query_id, [InlineQueryResultPhoto("r1", url, url)])
                outcomes.append("OK")
            except BadRequest as error:
                outcomes.append(error.message.upper())  # PTB capitalizes the description
        return outcomes

    assert with_bot(served.url, action) == ["OK", "WEBDOCUMENT_MIME_INVALID", "WEBDOCUMENT_MIME_INVALID"]
    query_id = standin.user_inline_query(ALICE, "cats", enqueue=False)["inline_query"]["id"]
    no_thumb = {"type": "photo", "id": "1", "photo_url": "https://pins.example/p.jpg"}
    assert refused(standin, "answerInlineQuery", {"inline_query_id": query_id, "results": [no_thumb]}) == (
        "Bad Request: can't parse inline query result: Can't find field \"thumbnail_url\"")


def test_inline_results_texts_and_keyboards_are_checked(standin, served):
    bad_html = InlineQueryResultArticle("a", "Pin", InputTextMessageContent("<b>pin", parse_mode="HTML"))
    long_data = InlineQueryResultArticle(
        "b", "Pin", InputTextMessageContent("pin"),
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Save", callback_data="s" * 65)]]))

    async def action(bot: telegram.Bot) -> list[str]:
        outcomes = []
        for result in (bad_html, long_data):
            query_id = standin.user_inline_query(ALICE, "cats", enqueue=False)["inline_query"]["id"]
            with pytest.raises(BadRequest) as caught:
                await bot.answer_inline_query(query_id, [result])
            outcomes.append(caught.value.message.lower())  # PTB capitalizes the description
        return outcomes

    assert with_bot(served.url, action) == [
        "can't parse entities: can't find end tag corresponding to start tag \"b\"", "button_data_invalid"]


@pytest.mark.parametrize(
    ("commands", "extra", "description"),
    [
        ([{"command": f"c{i}", "description": "d"} for i in range(101)], {}, "BOT_COMMANDS_TOO_MUCH"),
        ([{"command": "Pins", "description": "d"}], {}, "BOT_COMMAND_INVALID"),
        ([{"command": "p" * 33, "description": "d"}], {}, "BOT_COMMAND_INVALID"),
        ([{"command": "pins", "description": "d" * 257}], {}, "BOT_COMMAND_DESCRIPTION_INVALID"),
        ([{"command": "pins", "description": " "}], {}, "command description must be non-empty"),
        ([{"command": "pins"}], {}, "can't parse BotCommand: Can't find field \"description\""),
        ([{"command": "pins", "description": "d"}], {"language_code": "eng"}, "LANG_CODE_INVALID"),
        ([{"command": "pins", "description": "d"}], {"scope": {"type": "everyone"}},
         "can't parse BotCommandScope JSON object"),
    ],
)
def test_commands_telegram_refuses_are_refused(standin, commands, extra, description):
    assert refused(standin, "setMyCommands", {"commands": commands, **extra}) == f"Bad Request: {description}"


def test_a_hundred_valid_commands_in_a_scope_are_accepted(standin, served):
    commands = [telegram.BotCommand(f"c_{i}", "d" * 256) for i in range(100)]
    scope = telegram.BotCommandScopeAllPrivateChats()
    assert with_bot(served.url, lambda bot: bot.set_my_commands(commands, scope=scope, language_code="de"))
    assert len(standin.my_commands("all_private_chats", "de")) == 100


def test_callback_answers_are_at_most_two_hundred_characters(standin, served):
    async def action(bot: telegram.Bot) -> None:
        sent = await bot.send_message(ALICE, "pin", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("a", callback_data="a")]]))
        first = standin.user_callback(ALICE, sent.message_id, "a", enqueue=False)["callback_query"]["id"]
        await bot.answer_callback_query(first, text="ü" * 200)
        second = standin.user_callback(ALICE, sent.message_id, "a", enqueue=False)["callback_query"]["id"]
        with pytest.raises(BadRequest, match="(?i)^MESSAGE_TOO_LONG$"):
            await bot.answer_callback_query(second, text="ü" * 201)

    with_bot(served.url, action)
    assert len(standin.callback_answers()) == 1


def test_edits_of_missing_or_foreign_messages_are_refused(standin, served):
    standin.user_text(ALICE, "my own words")

    async def action(bot: telegram.Bot) -> None:
        with pytest.raises(BadRequest, match="^Message to edit not found$"):
            await bot.edit_message_text("x", ALICE, 99)
        with pytest.raises(BadRequest, match="^Message can't be edited$"):
            await bot.edit_message_text("x", ALICE, 1)

    with_bot(served.url, action)


def test_a_documents_file_id_cannot_be_sent_as_a_photo(standin, served):
    update = standin.user_photo(ALICE, b"%PDF-1.7", "a paper", document="application/pdf", enqueue=False)
    file_id = update["message"]["document"]["file_id"]
    with pytest.raises(BadRequest, match="(?i)can't use file of type Document as Photo"):
        with_bot(served.url, lambda bot: bot.send_photo(ALICE, file_id))
