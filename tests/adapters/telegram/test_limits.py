"""Every card, listing, digest and inline answer, with hostile text at every size, is taken by the strict stand-in.

Each row builds one result type (tests/adapters/telegram/hostile.py) and sends it the way Pinbridge does:
command answers through `outbound.post`, deliveries through the sender, inline pages through
`answer_page`. Nothing may be refused, nothing clipped, and the parts sit within Telegram's limits.
"""

from __future__ import annotations


import pytest
from telegram import InlineQuery

from adapters.telegram import outbound
from adapters.telegram.cards import message_html
from adapters.telegram.inline import CACHE_SECONDS, answer_page
from adapters.telegram.render import picker_outbound, prompt_outbound, reply_outbound, text_outbound
from bridge.sandbox.telegram_html import parse_html
from core.ports import Outgoing, Sent
from core.results import LinkPrompt, Reply
from tests.adapters.telegram import hostile
from tests.adapters.telegram.harness import ALICE, BOB, identity
from tests.adapters.telegram.hostile import HOSTILE, SIZES
from tests.factories import friends, say

pytestmark = pytest.mark.parametrize("mode", ["webhook"])


def listing(cards: tuple) -> Reply:
    lines = [f"{c.ref} {c.title}" for c in cards] or ["Nothing found."]
    return Reply("\n".join(lines), items=cards)


ANSWERS = {  # what a command answers, by size
    "pin card": lambda s: reply_outbound(Reply("Pinned", items=(hostile.pin(s),))),
    "pin card with a png": lambda s: reply_outbound(Reply("Pinned", items=(hostile.pin(s, image_type="image/png"),))),
    "pin card of an intranet link": lambda s: reply_outbound(
        Reply("Pinned", items=(hostile.pin(s, url=hostile.INTRANET),))),
    "board card": lambda s: reply_outbound(Reply(f"Board {hostile.text(s, 'board')}", items=(hostile.board(s),))),
    "profile card": lambda s: reply_outbound(Reply("Profile", items=(hostile.profile(s),))),
    "pin listing": lambda s: reply_outbound(listing(tuple(hostile.pin(s, n) for n in range(hostile.board(s).pin_count)))),
    "inbox": lambda s: reply_outbound(Reply("\n".join(r.last_line for r in hostile.conversations(s)) or "Empty",
                                            items=hostile.conversations(s))),
    "contact picker": lambda s: picker_outbound(f"p{hostile.BIG}", hostile.contacts(s)),
    "link question": lambda s: reply_outbound(Reply(f"Join {hostile.text(s, 'name')}?", items=(
        LinkPrompt("A" * 16, hostile.HANDLE, "telegram", "slack"),))),
    "reply prompt": lambda s: prompt_outbound(
        Reply(f"Type your reply {hostile.text(s, 'text')}", conversation_ref="c1")),
    "error": lambda s: text_outbound(f"Not that: {hostile.text(s, 'text')}", ok=False),
    "long answer": lambda s: text_outbound(hostile.text(s, "text") * 20 or "."),
}
DELIVERIES = {  # what a delivery carries, by size
    "text message": lambda s: hostile.view(s),
    "pin message": lambda s: hostile.view(s, "pin", pin=hostile.pin(s)),
    "pin message with a jpeg": lambda s: hostile.view(s, "pin", pin=hostile.pin(s, image_type="image/jpeg")),
    "pin message of an intranet link": lambda s: hostile.view(s, "pin", pin=hostile.pin(s, url=hostile.INTRANET)),
    "board message": lambda s: hostile.view(s, "board", board=hostile.board(s)),
    "profile message": lambda s: hostile.view(s, "profile", profile=hostile.profile(s)),
    "join message": lambda s: hostile.view(s, "join"),
    "digest": hostile.digest,
}


@pytest.fixture
def c1(services) -> str:
    alice, bob = identity(ALICE, "alice"), identity(BOB, "bob")
    friends(services.engine, alice, bob)
    say(services.engine, alice, "send https://example.com/boots to @bob Look")
    return "c1"


def shown(message: dict) -> str:
    """What the reader sees: the text or caption after Telegram's HTML parsing."""
    body = message.get("text") or message.get("caption") or ""
    return parse_html(body)[0] if str(message.get("parse_mode") or "").lower() == "html" else body


def sent_since(standin, before: int) -> list:
    calls = standin.calls()[before:]
    refused = [(c.method, c.error) for c in calls if not c.ok]
    assert not refused, f"Telegram refused: {refused}"
    return calls


def post(telegram, services, answer) -> list:
    async def go():
        await telegram.sender.bot.initialize()
        return await outbound.post(services.engine, telegram.sender.bot, BOB, answer)

    return telegram.loop.run(go(), 30)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", list(ANSWERS))
def test_every_command_answer_is_taken_whole(telegram, services, standin, c1, name, size):
    before, shown_before = len(standin.calls()), len(standin.messages(BOB))
    post(telegram, services, ANSWERS[name](size))
    sent_since(standin, before)
    messages = standin.messages(BOB)[shown_before:]
    assert messages, "something arrived"
    labels = " ".join(b["text"] for m in messages for row in (m.get("reply_markup") or {}).get("inline_keyboard", [])
                      for b in row)
    if size != "empty" and name == "contact picker":
        assert HOSTILE[:15] in labels, "names show on the picker's buttons (cut to fit)"
    elif size != "empty":
        assert HOSTILE in "".join(shown(m) for m in messages), "the user's text arrives as typed"


def deliver(telegram, outgoing_of) -> Sent:
    result = telegram.sender.send(outgoing_of)
    assert isinstance(result, Sent), result
    return result


def outgoing(kind: str, payload) -> Outgoing:
    fields = {"message": payload} if kind == "message" else {"digest": payload}
    return Outgoing(1, "k1", "telegram", str(BOB), "bob", kind, **fields)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", list(DELIVERIES))
def test_every_delivery_is_taken_whole(telegram, services, standin, name, size):
    kind = "digest" if name == "digest" else "message"
    before, shown_before = len(standin.calls()), len(standin.messages(BOB))
    result = deliver(telegram, outgoing(kind, DELIVERIES[name](size)))
    sent_since(standin, before)
    messages = standin.messages(BOB)[shown_before:]
    assert [str(m["message_id"]) for m in messages] == [*result.earlier_ids, result.remote_id]
    if size != "empty" and kind == "message":
        assert HOSTILE in "".join(shown(m) for m in messages)


@pytest.mark.parametrize(("target", "photo", "parts"), [
    (4096, False, 1), (4097, False, 2),  # Telegram's text limit
    (1024, True, 1), (1025, True, 2),  # its caption limit: one past it, the rest follows the photo
])
def test_messages_at_a_limit_fit_and_one_past_it_split_without_loss(telegram, standin, target, photo, parts):
    view = hostile.sized_view(target, photo)
    before, shown_before = len(standin.calls()), len(standin.messages(BOB))
    deliver(telegram, outgoing("message", view))
    sent_since(standin, before)
    messages = standin.messages(BOB)[shown_before:]
    assert len(messages) == parts and bool(messages[0].get("photo")) == photo
    whole = parse_html(message_html(view))[0]
    assert "".join(shown(m) for m in messages).count("🥾") == whole.count("🥾") > 1000 * (target > 2000), "no loss"


def inline_cards(size: str) -> list:
    count = {"empty": 0, "typical": 3, "limit": 50, "over": 51}[size]
    kinds = ("image/jpeg", "image/png", None)
    return [hostile.pin(size if size != "over" else "limit", n, kinds[n % 3]) for n in range(count)]


@pytest.mark.parametrize("size", SIZES)
def test_every_inline_page_is_taken_whole(telegram, standin, size):
    update = standin.user_inline_query(BOB, "boots", enqueue=False)
    query = InlineQuery.de_json(update["inline_query"], telegram.sender.bot)
    before = len(standin.calls())
    page = {"cache_time": CACHE_SECONDS, "is_personal": True, "next_offset": ""}
    telegram.loop.run(answer_page(query, inline_cards(size), page), 30)
    [call] = sent_since(standin, before)
    [answer] = standin.inline_answers()
    assert len(answer["results"]) == min(len(inline_cards(size)), 50)
    photos = [r for r in answer["results"] if r["type"] == "photo"]
    assert all(r["photo_url"].endswith(".jpg") for r in photos) and len(photos) == len(answer["results"][::3])
    for result in answer["results"]:
        content = result.get("caption") or result["input_message_content"]["message_text"]
        assert HOSTILE in parse_html(content)[0], "the title arrives as typed"
