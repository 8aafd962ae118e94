"""Making pins in one gesture on Telegram: a link sent to the bot is a pin and its card (issue 14)."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import select

from bridge.media import FolderStore, Pictures
from bridge.wiring import Services
from core.db import transaction
from core.engine import Engine
from core.models import Picture, Pin, Upload
from tests.adapters.telegram.harness import ALICE, BOB, GROUP, buttons, text_of


def test_a_link_sent_to_the_bot_is_a_pin_with_the_words_around_it_as_its_description(bot):
    [card] = bot.ask(ALICE, "look at these https://example.com/boots for the trip!")
    assert "Pinned p1:" in text_of(card) and "https://example.com/boots" in text_of(card)
    assert [b["text"] for b in buttons(card)] == ["💾 Save", "📤 Send", "🔗 Open"]
    assert "p1" in bot.answer(ALICE, "/search trip"), "the words around the link are the pin's description"
    assert "— 1 pin" in bot.answer(ALICE, "/boards"), "kept on the default board"


def test_several_links_are_a_card_each_up_to_three_and_a_repeat_is_the_same_pin(bot):
    links = " ".join(f"https://example.com/{n}" for n in range(5))
    answers = bot.ask(ALICE, links)
    assert [text_of(a).split(":")[0] for a in answers[:3]] == ["Pinned p1", "Pinned p2", "Pinned p3"]
    assert "I pinned the first 3 links" in text_of(answers[3]) and len(answers) == 4
    [again] = bot.ask(ALICE, "https://example.com/0")
    assert "You already pinned that as p1" in text_of(again)


def test_a_link_after_a_reply_button_goes_to_the_conversation_not_to_a_pin(bot):
    bot.ask(ALICE, "/follow @bob")
    bot.ask(BOB, "/follow @alice")
    bot.ask(ALICE, "/new https://example.com/tent Tent")
    [sent] = bot.ask(ALICE, "/send p1 to @bob")
    bot.press(ALICE, sent, "↩️ Reply")
    [answer] = bot.ask(ALICE, "see also https://example.com/other")
    assert "Replied in c1" in text_of(answer)
    assert "p2" not in bot.answer(ALICE, "/search other"), "no pin was made of it"


def test_text_without_links_still_gets_the_hint_and_a_link_in_a_group_is_left_alone(bot, standin):
    assert "reply to one of my messages" in bot.answer(ALICE, "hello there")
    bot.say(ALICE, "https://example.com/group-chatter", chat=GROUP)
    assert standin.messages(GROUP) == []
    assert "p1" not in bot.answer(ALICE, "/search chatter")


def test_a_link_that_is_not_http_is_refused_with_the_reason(bot):
    [answer] = bot.ask(ALICE, "ftp://example.com/file")
    assert "reply to one of my messages" in text_of(answer), "not a web link: no pin, the usual hint"


# Pictures ------------------------------------------------------------------------------


@pytest.fixture
def services(config, db, sessions, tmp_path) -> Services:
    """As conftest's, with the pictures Pinbridge keeps in a folder of this test."""
    return Services(config=config, db=db, sessions=sessions, engine=Engine(sessions, config.core()),
                    pictures=Pictures(sessions, FolderStore(tmp_path / "media")))


def photo(size=(1200, 800), kind="JPEG", color=(40, 90, 160)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, kind)
    return out.getvalue()


def sent_picture(bot, data: bytes, caption: str | None = None, document: str | None = None) -> list[dict]:
    before = len(bot.standin.messages(ALICE))
    update = bot.standin.user_photo(ALICE, data, caption, document=document, enqueue=bot.polling)
    bot.deliver(update)
    bot.wait(update)
    return bot.standin.messages(ALICE)[before:]


def test_a_photo_is_fetched_kept_and_pinned_with_its_caption(bot, services, sessions):
    [card] = sent_picture(bot, photo(), "Blue tent\nBy the lake, two nights")
    assert "Pinned p1: Blue tent" in text_of(card)
    assert [b["text"] for b in buttons(card)] == ["💾 Save", "📤 Send", "🔗 Open"]
    assert card["photo"], "the card shows the picture"
    fetched = bot.standin.calls("getFile")
    assert len(fetched) == 1, "fetched once, through getFile"
    with transaction(sessions) as session:
        pin = session.scalar(select(Pin))
        kept = session.get(Picture, pin.picture_key)
        assert (pin.title, pin.description, pin.picture_type) == ("Blue tent", "By the lake, two nights", "image/jpeg")
        assert (kept.width, kept.height) == (1200, 800) and pin.url.endswith(f"/media/{kept.key}")
    assert services.pictures.get(kept.key) is not None


def test_a_link_in_the_caption_is_the_pins_source(bot, sessions):
    sent_picture(bot, photo(), "Trail boots https://example.com/boots")
    with transaction(sessions) as session:
        pin = session.scalar(select(Pin))
        assert (pin.url, pin.title, pin.unfurl_state) == ("https://example.com/boots", "Trail boots", "pending")
        assert pin.picture_key, "the photo stays the picture; the page is read for the rest"


def test_an_image_sent_as_a_file_is_pinned_too_and_other_files_are_not(bot, sessions):
    [card] = sent_picture(bot, photo(kind="PNG"), "Diagram", document="image/png")
    assert "Pinned p1: Diagram" in text_of(card)
    [hint] = sent_picture(bot, b"%PDF-1.7 not a picture", "Paper", document="application/pdf")
    assert "I read text messages, links and pictures" in text_of(hint)


def test_a_file_that_only_claims_to_be_an_image_is_refused_with_the_reason(bot, sessions):
    [answer] = sent_picture(bot, b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "x",
                            document="image/svg+xml")
    assert "not a picture Pinbridge takes" in text_of(answer)
    [broken] = sent_picture(bot, photo()[:300], "cut", document="image/jpeg")
    assert "damaged or incomplete" in text_of(broken)
    with transaction(sessions) as session:
        assert session.scalars(select(Pin)).all() == [] and session.scalars(select(Picture)).all() == []


def test_the_same_photo_twice_is_one_picture_and_one_pin(bot, sessions):
    sent_picture(bot, photo(), "Tent")
    [again] = sent_picture(bot, photo(), "Tent")
    assert "You already pinned that as p1" in text_of(again)
    with transaction(sessions) as session:
        assert len(session.scalars(select(Picture)).all()) == 1


# Forwarded posts -----------------------------------------------------------------------

CHANNEL = {"type": "channel", "chat": {"id": -1001234, "type": "channel", "title": "Hiking Weekly",
                                        "username": "hikingweekly"}, "message_id": 77}
PRIVATE_CHANNEL = {"type": "channel", "chat": {"id": -1009999, "type": "channel", "title": "Family"}, "message_id": 5}
PERSON = {"type": "user", "sender_user": {"id": 555, "is_bot": False, "first_name": "Eve", "username": "eve"}}
HIDDEN = {"type": "hidden_user", "sender_user_name": "Mallory M."}
GROUP_CHAT = {"type": "chat", "sender_chat": {"id": -1005555, "type": "supergroup", "title": "Climbers"}}


def forwarded(bot, text: str, origin: dict) -> list[dict]:
    before = len(bot.standin.messages(ALICE))
    update = bot.standin.user_text(ALICE, text, enqueue=bot.polling, forward_origin=origin)
    bot.deliver(update)
    bot.wait(update)
    return bot.standin.messages(ALICE)[before:]


def description_of(sessions) -> tuple[str, str]:
    with transaction(sessions) as session:
        pin = session.scalars(select(Pin).order_by(Pin.id.desc())).first()
        return pin.url, pin.description


def test_a_forwarded_channel_post_with_a_link_names_the_channel_and_links_the_post(bot, sessions):
    [card] = forwarded(bot, "New trail guide https://example.com/guide", CHANNEL)
    assert "Pinned p1:" in text_of(card)
    assert description_of(sessions) == (
        "https://example.com/guide", "New trail guide (forwarded from @hikingweekly: https://t.me/hikingweekly/77)")


def test_a_public_channel_post_without_a_link_is_pinned_as_the_post_itself(bot, sessions):
    [card] = forwarded(bot, "Snow on the pass this weekend", CHANNEL)
    assert "Pinned p1: Hiking Weekly — https://t.me/hikingweekly/77" in text_of(card)
    assert description_of(sessions) == ("https://t.me/hikingweekly/77",
                                        "Snow on the pass this weekend (forwarded from @hikingweekly)")


def test_forwards_from_people_groups_and_private_channels_name_where_they_came_from(bot, sessions):
    for n, (origin, name) in enumerate([(PERSON, "@eve"), (HIDDEN, "Mallory M."), (GROUP_CHAT, "Climbers"),
                                        (PRIVATE_CHANNEL, "Family")]):
        forwarded(bot, f"look https://example.com/{n}", origin)
        assert description_of(sessions) == (f"https://example.com/{n}", f"look (forwarded from {name})"), name


def test_a_forward_without_a_link_from_where_nothing_is_public_gets_the_hint(bot, sessions):
    [hint] = forwarded(bot, "just words", PERSON)
    assert "reply to one of my messages" in text_of(hint)
    with transaction(sessions) as session:
        assert session.scalars(select(Pin)).all() == []


def test_a_forwarded_photo_from_a_public_channel_links_back_to_its_post(bot, sessions):
    before = len(bot.standin.messages(ALICE))
    update = bot.standin.user_photo(ALICE, photo(), "Sunrise at the hut", enqueue=bot.polling, forward_origin=CHANNEL)
    bot.deliver(update)
    bot.wait(update)
    [card] = bot.standin.messages(ALICE)[before:]
    assert "Pinned p1: Sunrise at the hut" in text_of(card)
    assert description_of(sessions) == ("https://t.me/hikingweekly/77", "(forwarded from @hikingweekly)")


# Sent once, then by file_id -----------------------------------------------------------


def test_a_picture_goes_to_telegram_by_url_once_then_by_its_file_id(bot, standin, sessions):
    sent_picture(bot, photo(), "Blue tent")
    [first] = standin.calls("sendPhoto")
    url = first.params["photo"]
    assert url.startswith("http://pins.test/media/"), "the first time, Telegram fetches it"
    bot.ask(ALICE, "/search tent")  # the same card again
    again = standin.calls("sendPhoto")[-1].params["photo"]
    assert again == standin.messages(ALICE)[1]["photo"][-1]["file_id"], "then by the id Telegram gave it"
    with transaction(sessions) as session:
        [upload] = session.scalars(select(Upload)).all()
        assert (upload.platform, upload.remote_id) == ("telegram", again)


def test_a_file_id_telegram_no_longer_takes_is_forgotten_and_the_url_used_again(bot, standin, sessions):
    sent_picture(bot, photo(), "Blue tent")
    with transaction(sessions) as session:
        session.scalar(select(Upload)).remote_id = "AgACstale-id-telegram-never-gave"
    bot.telegram.sender.photo_ids._known.clear()  # as a new process would start: what the database says counts
    [answer] = bot.ask(ALICE, "/search tent")
    assert answer["photo"], "the card still has its picture"
    methods = [(c.method, c.params.get("photo", "")[:24], c.status) for c in standin.calls("sendPhoto")[-2:]]
    assert methods[0][2] == 400 and methods[1][1].startswith("http://pins.test/media/")
