"""Pure renderers: Block Kit from neutral results, and inbound text for the grammar — no I/O."""

from __future__ import annotations

from datetime import datetime

import pytest
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import SectionBlock

from adapters.slack import modals
from adapters.slack.digests import digest_message
from adapters.slack.messages import MAX_BLOCKS, buttons_of, conversation_message, reply_message
from adapters.slack.mrkdwn import command_text, escape, link, message_text
from adapters.slack.parts import Rendered, paginate
from adapters.slack.payloads import DirectMessage, ThreadReply, command_identity, dm_message, profile_identity
from core.results import (
    Digest,
    BoardCard, BoardRow, ConversationRow, InviteLink, MessageView, PersonRow, PinCard, ProfileCard, Reply,
)

HOSTILE = "<!channel> Free & <https://evil.test|click> >"
PIN = PinCard("p3", 3, HOSTILE, "https://shop.test/boots?a=1&b=2", "Warm <b>", "https://img.test/b.png", "ana",
              "http://pins.test/p/3", "c2", image_type="image/png")


def images(blocks) -> list:
    found = []
    for block in blocks:
        found += [block] if block.get("type") == "image" else []
        found += [e for e in block.get("elements") or [] if e.get("type") == "image"]
        found += [block["accessory"]] if (block.get("accessory") or {}).get("type") == "image" else []
    return found


def every_item_reply() -> Reply:
    board = BoardCard(1, "Trips & <fun>", "ana", 1, False, (PIN,), "http://pins.test/b/1")
    profile = ProfileCard("ana", "Ana <A>", "https://img.test/ana.png", (BoardRow("Trips", 1, False, True, "http://pins.test/b/1"),), "http://pins.test/u/ana")
    items = (PIN, board, profile, InviteLink("zed", "K1", "http://pins.test/i/K1", (("Telegram", "https://t.me/bot?start=inv_K1"),), (("Slack", "/pin join K1"),)),
             BoardRow("Trips", 1, False, True, "http://pins.test/b/1"), PersonRow("bob", "Bob", ("slack",)),
             ConversationRow("c2", 2, ("ana", "bob"), "hi <there>", 1, datetime(2026, 1, 1)))
    return Reply("Head line\nmore", items=items)


def test_every_block_validates_and_every_message_has_a_text_fallback():
    rendered = reply_message(every_item_reply(), "/pin")

    assert rendered.text.startswith("Head line")
    dicts = rendered.blocks  # turned into JSON once, as Rendered is made: slack_sdk validated them then
    assert dicts and all(isinstance(block, dict) for block in dicts) and len(dicts) <= MAX_BLOCKS


def test_a_block_is_validated_once_as_the_message_is_made_and_kept_as_json():
    with pytest.raises(SlackObjectFormationError):
        Rendered("x", [SectionBlock(text="y" * 3001)])  # a section's text is at most 3,000 characters

    made = Rendered("x", [SectionBlock(text="fine")])
    assert made.blocks == [{"type": "section", "text": {"type": "mrkdwn", "text": "fine"}}]


def test_every_image_has_alt_text():
    found = images(reply_message(every_item_reply(), "/pin").blocks)

    assert len(found) >= 3
    assert all(image["alt_text"] for image in found)


def test_the_open_button_carries_the_source_url():
    opens = [b for b in buttons_of(reply_message(Reply("x", items=(PIN,)), "/pin")) if b["action_id"] == "open_url"]

    assert [b["url"] for b in opens] == ["https://shop.test/boots?a=1&b=2"]


def mrkdwn_texts(value) -> list[str]:
    """Every mrkdwn text in some Block Kit JSON (alt texts and plain_text are not parsed by Slack)."""
    if isinstance(value, dict):
        own = [value["text"]] if value.get("type") == "mrkdwn" else []
        return own + [t for v in value.values() for t in mrkdwn_texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in mrkdwn_texts(v)]
    return []


def test_hostile_titles_are_escaped_for_mrkdwn():
    rendered = reply_message(Reply(f"Pinned p3: {HOSTILE}", items=(PIN,)), "/pin")
    text = " ".join(mrkdwn_texts(rendered.blocks))

    assert "<!channel>" not in text and "<https://evil.test|click>" not in text
    assert "&lt;!channel&gt; Free &amp; &lt;https://evil.test|click&gt; &gt;" in text.replace("¦", "|")
    assert "&lt;!channel&gt;" in rendered.text  # the fallback text is mrkdwn too


def test_links_cannot_break_out_of_their_angle_brackets():
    assert link("https://x.test/a|b>c", "t|x") == "<https://x.test/a%7Cb&gt;c|t¦x>"
    assert escape("a<b>&c") == "a&lt;b&gt;&amp;c"


def test_an_error_reply_is_a_warning_section():
    rendered = reply_message(Reply("Nope <x>", ok=False), "/pin")
    assert rendered.blocks[0]["text"]["text"] == ":warning: Nope &lt;x&gt;"


def test_a_long_listing_is_posted_in_as_many_messages_as_it_takes_and_loses_no_row():
    rows = tuple(ConversationRow(f"c{i}", i, ("a", "b"), "x", 0, datetime(2026, 1, 1)) for i in range(80))

    parts = paginate(reply_message(Reply("Your conversations:", items=rows), "/pin"))

    assert [len(part.blocks) for part in parts] == [MAX_BLOCKS, 81 - MAX_BLOCKS]
    shown = [b["accessory"]["value"] for part in parts for b in part.blocks if b.get("accessory")]
    assert shown == [f"c{i}" for i in range(80)]


def test_an_inbox_row_names_the_others_or_just_you():
    with_others = ConversationRow("c2", 2, ("ana", "bob"), "hi", 1, datetime(2026, 1, 1))
    alone = ConversationRow("c3", 3, (), "note to self", 0, datetime(2026, 1, 1))

    rendered = reply_message(Reply("Your conversations:", items=(with_others, alone)), "/pin")

    texts = [b["text"]["text"] for b in rendered.blocks[1:]]
    assert texts[0].startswith("*c2* with @ana, @bob — *1 unread*")
    assert texts[1].startswith("*c3* with just you\n")


def test_a_conversation_message_shows_who_wrote_it_and_reply_mark_read():
    view = MessageView("c2", 2, 5, "ana", "Ana", "https://img.test/ana.png", "text", "hi & bye", datetime(2026, 1, 1), ("ana", "bob", "cy"))

    rendered = conversation_message(view, reader="bob")

    context = rendered.blocks[0]
    assert context["elements"][0]["alt_text"] == "Ana's avatar"
    assert context["elements"][1]["text"] == "*Ana* (@ana) in *c2* with @cy"
    assert [(b["action_id"], b["value"]) for b in buttons_of(rendered)] == [("conv_reply", "c2"), ("conv_read", "c2")]
    assert rendered.text == "Ana (@ana) in c2: hi &amp; bye"


def test_a_digest_caps_its_conversations_and_escapes_lines():
    conversations = [{"ref": f"c{i}", "conversation_id": i, "count": 1,
                      "lines": [{"sender": "x", "kind": "text", "text": "<@U1> hi", "pin_ref": None, "pin_title": None}]}
                     for i in range(30)]

    rendered = digest_message(Digest.from_payload({"handle": "b", "period": "p", "total": 30, "conversations": conversations}), "/pin")

    dicts = rendered.blocks
    assert len(dicts) <= MAX_BLOCKS and "…and 10 more" in str(dicts)
    assert "<@U1>" not in str(dicts)
    assert dicts[-1]["elements"][0]["value"] == " ".join(f"c{i}" for i in range(20))


def test_modals_validate_and_read_back_their_state():
    views = [modals.reply_modal("c2"), modals.save_modal("p3", [BoardRow("Trips", 1, False, False, "u")]),
             modals.send_modal("p3", [PersonRow(f"p{i}", "P", ("slack",)) for i in range(150)], 9), modals.send_modal("p3", [], 9)]
    for view in views:
        assert view.to_dict()["title"]["text"]
    assert len(views[2].to_dict()["blocks"][1]["element"]["options"]) == 100
    assert "people" not in [b.get("block_id") for b in views[3].to_dict()["blocks"]]  # no contacts: no empty picker, the @handle box remains

    state = {"private_metadata": "p3", "state": {"values": {"more": {"value": {"value": "@ann, @ben"}}, "message": {"value": {"value": " hi "}}}}}
    assert modals.send_submission(state) == modals.SendForm("p3", ["@ann", "@ben"], "hi")


def test_inbound_text_for_the_grammar():
    assert command_text("new <https://a.test/x|a.test/x> Tom &amp; Jerry &lt;3") == "new https://a.test/x Tom & Jerry <3"
    assert command_text("send p1 to <@U1|bob> hi") == "send p1 to <@U1|bob> hi"
    assert message_text("hi <@U1|bob> see <https://a.test|docs> &amp; <#C1|general>") == "hi @bob see docs (https://a.test) & #general"


def test_payloads_translate_to_identities_and_messages():
    identity = command_identity({"user_id": "U1", "user_name": "ann", "team_id": "T1"})
    assert (identity.external_id, identity.chat_id, identity.username, identity.team_id) == ("U1", None, "ann", "T1")
    assert identity.fallback_chat_id == "U1", "a new account is written to by user id until its DM is known"
    assert profile_identity({"id": "U2", "is_bot": True}) is None
    assert profile_identity({"id": "U3", "name": "c", "tz": "Asia/Tokyo", "profile": {"real_name": "C"}}).timezone == "Asia/Tokyo"

    event = {"type": "message", "channel_type": "im", "user": "U1", "channel": "D1", "ts": "2.0", "text": "x &amp; y"}
    assert isinstance(dm_message({"event": event}), DirectMessage)
    assert isinstance(dm_message({"event": {**event, "thread_ts": "1.0"}}), ThreadReply)
    assert dm_message({"event": {**event, "thread_ts": "1.0", "bot_id": "B1"}}) is None
    assert dm_message({"event": {**event, "channel_type": "channel"}}) is None
