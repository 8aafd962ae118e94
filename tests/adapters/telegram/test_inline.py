"""Inline mode: `@bot words` answers with pin cards, a page at a time, personal and briefly cached."""

from __future__ import annotations

from sqlalchemy import update

from core.db import transaction
from core.models import ActionKey, Pin
from tests.adapters.telegram.harness import ALICE, BOB, identity
from tests.factories import count_rows, say


def pins(engine, count: int) -> None:
    alice = identity(ALICE, "alice")
    for i in range(1, count + 1):
        say(engine, alice, f"new https://example.com/boots/{i} Boots number {i}")


def test_inline_search_pages_with_next_offset(bot, services):
    pins(services.engine, 12)
    first = bot.inline(BOB, "boots")
    assert len(first["results"]) == 10 and first["next_offset"] == "10"
    assert first["is_personal"] is True and first["cache_time"] == 10
    second = bot.inline(BOB, "boots", offset=first["next_offset"])
    assert [r["id"] for r in second["results"]] == ["p2", "p1"] and second["next_offset"] == ""
    ids = [r["id"] for r in first["results"] + second["results"]]
    assert len(set(ids)) == 12


def test_an_inline_result_carries_the_card_with_its_buttons(bot, services):
    pins(services.engine, 1)
    [result] = bot.inline(BOB, "boots")["results"]
    assert result["type"] == "article" and result["title"] == "Boots number 1"
    content = result["input_message_content"]
    assert content["parse_mode"] == "HTML" and content["message_text"].startswith("📌 <b>Boots number 1</b>")
    keyboard = [b for row in result["reply_markup"]["inline_keyboard"] for b in row]
    assert [b["text"] for b in keyboard] == ["💾 Save", "📤 Send", "🔗 Open"]
    assert keyboard[2]["url"] == "https://example.com/boots/1"
    assert [b.get("callback_data") for b in keyboard] == ["save:p1", "send:p1", None]


def test_typing_an_inline_query_stores_no_button_keys(bot, services):
    pins(services.engine, 3)
    for typed in ("b", "bo", "boo"):
        bot.inline(BOB, typed)
    assert len(bot.inline(BOB, "boots")["results"]) == 3
    assert count_rows(services.sessions, ActionKey) == 0


def test_a_pin_with_an_image_is_a_photo_result(bot, services):
    pins(services.engine, 1)
    with transaction(services.sessions) as session:
        session.execute(update(Pin).values(image_url="https://img.example.com/boots.jpg", image_type="image/jpeg"))
    [result] = bot.inline(BOB, "boots")["results"]
    assert result["type"] == "photo" and result["photo_url"] == "https://img.example.com/boots.jpg"
    assert result["caption"].startswith("📌 <b>Boots number 1</b>") and result["parse_mode"] == "HTML"


def test_hostile_titles_are_escaped_in_inline_cards(bot, services):
    say(services.engine, identity(ALICE, "alice"), "new https://example.com/x <b>boots</b> & <script>")
    [result] = bot.inline(BOB, "boots")["results"]
    assert "&lt;b&gt;boots&lt;/b&gt; &amp; &lt;script&gt;" in result["input_message_content"]["message_text"]


def test_an_empty_or_bad_query_answers_with_a_hint_button(bot):
    empty = bot.inline(BOB, "   ")
    assert empty["results"] == [] and empty["next_offset"] == ""
    too_many = bot.inline(BOB, "a b c d e f g h i")
    assert too_many["results"] == []
    assert bot.standin.calls("answerInlineQuery")[-1].params["button"]["text"] == "Use at most 8 search words."


def test_no_match_answers_an_empty_page(bot, services):
    pins(services.engine, 2)
    answer = bot.inline(BOB, "sandals", offset="not-a-number")
    assert answer["results"] == [] and answer["next_offset"] == ""


def test_when_telegram_refuses_photo_results_the_page_is_sent_as_articles(bot, services, standin):
    pins(services.engine, 1)
    with transaction(services.sessions) as session:
        session.execute(update(Pin).values(image_url="https://img.example.com/boots.jpg", image_type="image/jpeg"))
    standin.fail_next("answerInlineQuery", status=400, description="Bad Request: PHOTO_INVALID_DIMENSIONS")
    [result] = bot.inline(BOB, "boots")["results"]
    assert result["type"] == "article" and result["thumbnail_url"] == "https://img.example.com/boots.jpg"
