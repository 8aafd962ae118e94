"""Pure rendering: hostile text is escaped, buttons carry their refs, cards have the right buttons."""

from __future__ import annotations

from datetime import datetime

import pytest

from adapters.telegram import keyboard
from adapters.telegram.cards import pin_html
from adapters.telegram.handlers import split_command
from adapters.telegram.render import (
    CHECKED,
    UNCHECKED,
    digest_outbound,
    message_outbound,
    picker_outbound,
    reply_outbound,
)
from core.results import ConversationRow, Digest, MessageView, PersonRow, PinCard, Reply

HOSTILE = '<b>Boots</b> & <script>alert("x")</script>'


def pin(title: str = HOSTILE, image: str | None = None, ref: str = "p3", image_type: str | None = "image/jpeg") -> PinCard:
    return PinCard(
        ref=ref, pin_id=int(ref[1:]), title=title, url="https://example.com/boots?a=1&b=2",
        description="Tough & <i>light</i>", image_url=image, creator_handle="ana", page_url="https://pins.test/p/3",
        image_type=image_type if image else None,
    )


def view(text: str = "Look <here> & now", **cards) -> MessageView:
    return MessageView(
        conversation_ref="c7", conversation_id=7, message_id=1, sender_handle="ana", sender_name="Ana <admin>",
        sender_avatar=None, kind="pin" if cards.get("pin") else "text", text=text, created_at=datetime(2024, 1, 1),
        participants=("ana", "bob"), **cards,
    )


def labels(outbound) -> list[str]:
    return [button.label for row in outbound.rows for button in row]


def test_hostile_titles_are_escaped_in_cards():
    html = pin_html(pin())
    assert "&lt;b&gt;Boots&lt;/b&gt; &amp; &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<script>" not in html and "<b>Boots" not in html
    assert "Tough &amp; &lt;i&gt;light&lt;/i&gt;" in html
    assert '<a href="https://pins.test/p/3">p3</a>' in html


def test_a_pin_card_has_save_send_and_open_to_its_source():
    outbound = reply_outbound(Reply("Pinned p3", items=(pin(),)))
    assert labels(outbound) == ["💾 Save", "📤 Send", "🔗 Open"]
    open_button = outbound.rows[0][2]
    assert open_button.url == "https://example.com/boots?a=1&b=2" and open_button.action is None
    assert outbound.rows[0][0].action == {"a": "save", "pin": "p3"}


@pytest.mark.parametrize(("image_type", "photo"), [
    ("image/jpeg", True), ("image/png", True), ("image/webp", False), ("image/gif", False), ("image/svg+xml", False),
    (None, False),
])
def test_only_a_jpeg_or_png_picture_goes_as_a_photo(image_type, photo):
    card = pin(image="https://img.test/b", image_type=image_type)
    for outbound in (reply_outbound(Reply("Pinned", items=(card,))), message_outbound(view(pin=card))):
        assert outbound.photo == ("https://img.test/b" if photo else None)
        assert "📌 <b>" in outbound.html, "the card itself is always there"
    assert reply_outbound(Reply("Pinned", items=(pin(),))).photo is None


def test_a_conversation_message_shows_who_and_where_with_reply_and_mark_read():
    outbound = message_outbound(view(pin=pin()))
    assert outbound.html.startswith("💬 <b>Ana &lt;admin&gt;</b> @ana · c7 (with @bob)")
    assert "Look &lt;here&gt; &amp; now" in outbound.html
    assert labels(outbound) == ["💾 Save", "📤 Send", "🔗 Open", "↩️ Reply", "✓ Mark read"]
    assert outbound.conversation_ref == "c7"


def test_errors_are_marked_and_escaped():
    outbound = reply_outbound(Reply("No <pin> here", ok=False))
    assert outbound.html == "⚠️ No &lt;pin&gt; here" and outbound.rows == ()


def test_inbox_rows_get_open_and_mark_read_only_when_unread():
    rows = (
        ConversationRow("c1", 1, ("me", "bob"), "hi", 2, datetime(2024, 1, 1)),
        ConversationRow("c2", 2, ("me", "ana"), "yo", 0, datetime(2024, 1, 1)),
    )
    outbound = reply_outbound(Reply("Your conversations", items=rows))
    assert labels(outbound) == ["💬 Open c1", "✓ Mark c1 read", "💬 Open c2"]


def test_search_results_get_buttons_per_pin():
    outbound = reply_outbound(Reply("Pins matching", items=(pin(ref="p1"), pin(ref="p2"))))
    assert labels(outbound) == ["💾 Save p1", "📤 Send p1", "🔗 Open", "💾 Save p2", "📤 Send p2", "🔗 Open"]


def test_digest_has_an_open_button_per_conversation_and_mark_all_read():
    digest = {"handle": "bob", "period": "2024-01-01", "total": 3, "conversations": [
        {"ref": "c1", "conversation_id": 1, "count": 2, "lines": [
            {"sender": "ana", "kind": "pin", "text": "<look>", "pin_ref": "p3", "pin_title": "Boots & co"}]},
        {"ref": "c4", "conversation_id": 4, "count": 1, "lines": [
            {"sender": "cy", "kind": "text", "text": "hey", "pin_ref": None, "pin_title": None}]},
    ]}
    outbound = digest_outbound(Digest.from_payload(digest))
    assert labels(outbound) == ["💬 Open c1", "💬 Open c4", "✓ Mark all read"]
    assert outbound.rows[-1][0].action == {"a": "seen_all", "cs": ["c1", "c4"]}
    assert "@ana: p3 “Boots &amp; co” &lt;look&gt;" in outbound.html and "3 unread messages" in outbound.html


def test_a_button_naming_one_pin_or_conversation_carries_it_in_its_data():
    outbound = message_outbound(view(pin=pin()))
    assert keyboard.stored_actions(outbound.rows) == []  # nothing to store when it is sent
    markup = keyboard.markup(outbound.rows, None)
    data = [b.callback_data for row in markup.inline_keyboard for b in row if b.callback_data]
    assert data == ["save:p3", "send:p3", "reply:c7", "seen:c7"]
    assert [keyboard.action_of(d) for d in data] == [
        {"a": "save", "pin": "p3"}, {"a": "send", "pin": "p3"}, {"a": "reply", "c": "c7"}, {"a": "seen", "c": "c7"},
    ]


def test_mark_all_read_is_stored_behind_a_key_and_index():
    digest = {"handle": "bob", "total": 2, "conversations": [{"ref": "c1", "count": 1}, {"ref": "c4", "count": 1}]}
    outbound = digest_outbound(Digest.from_payload(digest))
    assert keyboard.stored_actions(outbound.rows) == [{"a": "seen_all", "cs": ["c1", "c4"]}]
    markup = keyboard.markup(outbound.rows, "K" * 16)
    data = [b.callback_data for row in markup.inline_keyboard for b in row]
    assert data == ["open:c1", "open:c4", "KKKKKKKKKKKKKKKK:0"]
    assert keyboard.stored_ref(data[-1]) == ("K" * 16, 0) and keyboard.action_of(data[-1]) is None


FORGED = [
    None, "", "save", "save:", "save:p", "save:p0", "save:p01", "save:c1", "save:P1", "save:p1 ", " save:p1",
    "save:p1:0", "save:p12345678901", "reply:p1", "seen:c1x", "open:c-1", "pick:B", "pick:a", "pick:" + "a" * 33,
    "pick:bob;drop", "confirm:bob", "close:now", "seen_all:c1", "unknown:p1", "save:p1\n", "y" * 300,
]


@pytest.mark.parametrize("data", FORGED)
def test_forged_or_malformed_callback_data_is_no_action(data):
    assert keyboard.action_of(data) is None


def test_picker_toggles_marks_and_reads_the_checked_handles():
    outbound = picker_outbound("p3", [PersonRow("bob", "Bob", ("telegram",)), PersonRow("cy", "Cy", ("slack",))])
    assert labels(outbound) == [f"{UNCHECKED} @bob · Bob", f"{UNCHECKED} @cy · Cy", "📤 Send", "✖ Cancel"]
    assert keyboard.stored_actions(outbound.rows) == []
    markup = keyboard.markup(outbound.rows, None)
    assert [b.callback_data for row in markup.inline_keyboard for b in row] == ["pick:bob", "pick:cy", "confirm:p3", "close"]
    markup = keyboard.toggled(markup, "pick:cy")
    assert keyboard.checked(markup) == ["cy"]
    markup = keyboard.toggled(keyboard.toggled(markup, "pick:bob"), "pick:cy")
    assert keyboard.checked(markup) == ["bob"]
    assert markup.inline_keyboard[0][0].text == f"{CHECKED} @bob · Bob"


def test_commands_addressed_to_another_bot_are_not_ours():
    assert split_command("/send@pinbridge_bot p1 to @bob\nhi", "pinbridge_bot") == ("send", "p1 to @bob\nhi", True)
    assert split_command("/Inbox", "pinbridge_bot") == ("inbox", "", False)
    assert split_command("/help@other_bot", "pinbridge_bot") is None
    assert split_command("hello", "pinbridge_bot") is None
