"""The sandbox page's JSON API, against a real `python -m bridge serve` over HTTP.

What a newcomer does on the page — people, commands, buttons, modals, replies, digests,
reset — each checked by what the other person then sees.
"""

from __future__ import annotations

import html

import httpx
import pytest

from bridge.app import create_app
from bridge.config import ConfigError, from_dict
from bridge.sandbox.reset import delete_everything
from bridge.wiring import build
from core.models import Person, Pin
from tests.bridge.sandbox_server import Page, eventually, served_page_fixtures
from tests.factories import count_rows, friends, say, slack_user, telegram_user

BOOTS = "new https://example.com/boots Hiking boots"


server, page = served_page_fixtures("sandbox-ui")


def texts(items: list[dict]) -> str:
    """Everything a Slack pane shows as text: messages, typed commands, and the text of every block."""
    found = []
    for item in items:
        found.append(item["text"])
        for block in item.get("blocks") or []:
            found.append(str(block))
    return "\n".join(found)


def bubble(page: Page, user: int, words: str) -> dict:
    """The newest bot message in a Telegram chat containing `words`, once it arrived."""
    def newest():
        matching = [m for m in page.telegram_messages(user) if not m["mine"] and words in m["text"]]
        return matching[-1] if matching else None
    return eventually(newest, f"a Telegram message with {words!r}")


def befriended(page: Page) -> tuple[str, int]:
    """Alice on Slack and Bob on Telegram, following each other."""
    alice = page.post("slack/people", expect=201, name="alice")["id"]
    bob = page.post("telegram/people", expect=201, name="Bob")["id"]
    page.post("telegram/send", user=bob, text="/start")
    bubble(page, bob, "Welcome")
    page.post("slack/type", user=alice, text="/pin follow @bob")
    eventually(lambda: "You follow @bob" in texts(page.slack_items(alice)), "Alice to follow Bob")
    page.post("telegram/send", user=bob, text="/follow @alice")
    bubble(page, bob, "follow each other")
    return alice, bob


def pin_sent(page: Page) -> tuple[str, int, dict]:
    """Alice pins the boots and sends them to Bob; returns Bob's card."""
    alice, bob = befriended(page)
    page.post("slack/type", user=alice, text=f"/pin {BOOTS}")
    eventually(lambda: "Pinned p1" in texts(page.slack_items(alice)), "Alice's new pin")
    page.post("slack/type", user=alice, text="/pin send p1 to @bob Look!")
    return alice, bob, bubble(page, bob, "Hiking boots")


def data_of(message: dict, label: str) -> str:
    return next(b["data"] for row in message["buttons"] for b in row if label in b["text"])


def test_the_page_is_served_at_the_root_with_both_panes_and_only_its_own_scripts(server):
    response = httpx.get(server.url + "/")
    assert response.status_code == 200
    assert 'id="slack"' in response.text and 'id="telegram"' in response.text
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "<script>" not in response.text  # no inline script: everything is in /assets/sandbox/*.js
    assert httpx.get(server.url + "/assets/sandbox/sandbox.js").status_code == 200


def test_people_are_created_per_platform_and_each_name_once(page):
    alice = page.post("slack/people", expect=201, name="alice")
    page.post("slack/people", expect=409, name="Alice")
    bob = page.post("telegram/people", expect=201, name="bob")
    page.post("telegram/people", expect=400, name="b")
    feed = page.feed()
    assert [p["id"] for p in feed["slack"]["people"]] == [alice["id"]]
    assert [p["id"] for p in feed["telegram"]["people"]] == [bob["id"]]


def test_a_pin_alice_sends_on_slack_reaches_bob_on_telegram_with_buttons(page):
    _, _, card = pin_sent(page)
    assert "Look!" in card["text"] and card["html"]
    labels = [b["text"] for row in card["buttons"] for b in row]
    assert any("Save" in label for label in labels) and any("Reply" in label for label in labels)
    assert any(b["url"] == "https://example.com/boots" for row in card["buttons"] for b in row)


def test_bob_saves_and_replies_on_telegram_and_alice_reads_it_on_slack(page):
    alice, bob, card = pin_sent(page)
    page.post("telegram/press", user=bob, message_id=card["id"], data=data_of(card, "Save"))
    eventually(lambda: any("Saved" in n["text"] for n in page.feed(telegram=bob)["telegram"]["feed"]["notices"]),
               "the Save notice")
    page.post("telegram/press", user=bob, message_id=card["id"], data=data_of(card, "Reply"))
    prompt = eventually(lambda: [m for m in page.telegram_messages(bob) if m["force_reply"]], "the reply prompt")[-1]
    page.post("telegram/send", user=bob, text="Love them!", reply_to=prompt["id"])
    eventually(lambda: "Love them!" in texts(page.slack_items(alice)), "Bob's reply in Alice's DM")


def test_a_button_pressed_on_someone_elses_message_is_refused(page):
    _, bob, card = pin_sent(page)
    page.post("telegram/press", expect=409, user=bob, message_id=card["id"], data="forged:0")


def test_alice_answers_in_the_reply_modal_and_bob_gets_it(page):
    alice, bob, _ = pin_sent(page)
    page.post("telegram/send", user=bob, text="/reply c1 Do they run small?")
    dm = eventually(lambda: [i for i in page.slack_items(alice) if i["msg_ts"] and "run small" in texts([i])],
                    "Bob's question in Alice's DM")[-1]
    page.post("slack/click", user=alice, action={"action_id": "conv_reply", "value": "c1", "message_ts": dm["msg_ts"]})
    modal = eventually(lambda: page.feed(slack=alice)["slack"]["feed"]["modal"], "the Reply modal")
    empty = page.post("slack/submit", user=alice, view_id=modal["id"], values={"message": {"value": {"type": "plain_text_input", "value": ""}}})
    assert empty["errors"], "an empty reply is refused under the field"
    answer = {"message": {"value": {"type": "plain_text_input", "value": "True to size."}}}
    assert page.post("slack/submit", user=alice, view_id=modal["id"], values=answer) == {}
    bubble(page, bob, "True to size.")
    done = page.feed(slack=alice)["slack"]["feed"]["modal"]
    assert done["id"] == modal["id"] and "Replied" in str(done["title"])
    page.post("slack/close", user=alice, view_id=modal["id"])
    assert page.feed(slack=alice)["slack"]["feed"]["modal"] is None


def test_a_reply_in_the_thread_of_a_slack_dm_reaches_telegram(page):
    alice, bob, _ = pin_sent(page)
    page.post("telegram/send", user=bob, text="/reply c1 Where from?")
    dm = eventually(lambda: [i for i in page.slack_items(alice) if i["msg_ts"] and "Where from?" in texts([i])],
                    "Bob's question in Alice's DM")[-1]
    typed = "The shop https://example.com/shop?a=1&b=2 — <b>not</b> bold"
    page.post("slack/type", user=alice, text=typed, thread_ts=dm["msg_ts"])
    arrived = bubble(page, bob, "The shop")
    assert typed in html.unescape(arrived["text"]), "Bob reads exactly what Alice typed"


def test_run_digests_now_sends_people_with_unread_a_digest(page):
    _, bob, _ = pin_sent(page)
    assert page.post("digests")["queued"] >= 1
    bubble(page, bob, "unread")


def test_reset_forgets_everyone_and_numbering_starts_again(page):
    pin_sent(page)
    page.post("reset")
    feed = page.feed()
    assert feed["slack"]["people"] == [] and feed["telegram"]["people"] == [] and feed["people_in_database"] == 0
    carol = page.post("slack/people", expect=201, name="carol")["id"]
    page.post("slack/type", user=carol, text=f"/pin {BOOTS}")
    eventually(lambda: "Pinned p1" in texts(page.slack_items(carol)), "Carol's pin to be p1 again")


def test_refusals_come_back_as_messages(page):
    alice = page.post("slack/people", expect=201, name="alice")["id"]
    assert "pick or create" in page.post("slack/type", expect=404, user="U0NOBODY", text="/pin help")["error"]
    assert "/giphy" in page.post("slack/type", expect=400, user=alice, text="/giphy cats")["error"]
    response = page.client.post("slack/people", data={"name": "mallory"})  # a cross-site form post
    assert response.status_code == 415
    assert page.feed()["slack"]["people"] == [{"id": alice, "name": "Alice", "username": "alice", "handle": None}]


def test_without_the_sandbox_there_is_no_sandbox_page(db_url):
    services = build(from_dict({"database_url": db_url, "sandbox": {"enabled": False},
                                "slack": {"enabled": False}, "telegram": {"enabled": False}}), platforms=False)
    client = create_app(services=services).test_client()
    assert client.get("/sandbox/ui/feed").status_code == 404
    assert 'id="slack"' not in client.get("/").get_data(as_text=True)
    services.close()


def test_reset_empties_every_table_and_ids_start_at_one(db, engine, sessions):
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, alice, BOOTS)
    delete_everything(db)
    assert count_rows(sessions, Person) == 0 and count_rows(sessions, Pin) == 0
    assert "p1" in say(engine, bob, BOOTS).text


def test_with_one_real_platform_there_is_no_sandbox_at_all(db_url):
    config = from_dict({"database_url": db_url, "http": {"public_url": "http://pins.test"},
                        "slack": {"bot_token": "xoxb-a-real-token", "signing_secret": "a-real-secret"},
                        "telegram": {"enabled": False}})
    services = build(config)
    client = create_app(services=services).test_client()
    assert services.sandbox is None
    assert "sandbox" not in client.get("/").get_data(as_text=True).lower()
    for action in ("reset", "digests", "telegram/people"):
        assert client.post(f"/sandbox/ui/{action}", json={}).status_code == 404
    assert client.post("/sandbox/telegram/bot123456:SANDBOX/getMe").status_code == 404
    services.platforms["slack"].stop()
    services.close()


def test_a_real_platform_beside_one_without_a_token_is_a_config_error():
    with pytest.raises(ConfigError, match=r"^telegram\.bot_token: required — the sandbox is off because slack is real"):
        from_dict({"slack": {"bot_token": "xoxb-a-real-token", "signing_secret": "a-real-secret"}})


def test_the_sandbox_refuses_to_listen_on_the_network_unless_told(tmp_path):
    with pytest.raises(ConfigError, match=r"^http\.host: the sandbox has no login"):
        from_dict({"http": {"host": "0.0.0.0"}})
    assert from_dict({"http": {"host": "0.0.0.0"}, "sandbox": {"allow_network": True}}).sandbox.allow_network
    assert from_dict({"http": {"host": "0.0.0.0"}, "sandbox": {"enabled": False},
                      "slack": {"enabled": False}, "telegram": {"enabled": False}}).http.host == "0.0.0.0"


@pytest.mark.parametrize("host", ["attacker.example", "attacker.example:8080", "10.0.0.5"])
def test_the_sandbox_answers_only_its_own_host_names(db_url, host):
    services = build(from_dict({"database_url": db_url, "http": {"public_url": "http://pins.test:8080"}}), platforms=True)
    client = create_app(services=services).test_client()
    people = count_rows(services.sessions, Person)
    for method, path in (("post", "/sandbox/ui/reset"), ("get", "/"), ("post", "/sandbox/ui/slack/people"),
                         ("post", "/sandbox/slack/api/auth.test")):
        refused = getattr(client, method)(path, json={"name": "Eve"}, headers={"Host": host})
        assert refused.status_code == 403, (method, path)
    for allowed in ("127.0.0.1:8080", "localhost", "pins.test:8080", "[::1]:8080"):
        assert client.get("/", headers={"Host": allowed}).status_code == 200
    assert count_rows(services.sessions, Person) == people
    for platform in services.platforms.values():
        platform.stop()
    services.close()


# Making pins in one gesture (issue 14) -------------------------------------------------


def test_a_newcomer_sends_a_sample_photo_and_forwards_a_post_on_telegram(page):
    bob = page.post("telegram/people", expect=201, name="Bob")["id"]
    page.post("telegram/photo", user=bob, sample="tent", caption="")
    card = bubble(page, bob, "Pinned p1: Our tent above the lake")
    assert card["photo"], "the card shows the picture Pinbridge kept"
    page.post("telegram/forward", user=bob, post="huts")
    bubble(page, bob, "Pinned p2:")
    page.post("telegram/send", user=bob, text="look https://example.com/boots")
    bubble(page, bob, "Pinned p3:")
    page.post("telegram/photo", expect=404, user=bob, sample="../../etc/passwd")
    page.post("telegram/forward", expect=404, user=bob, post="nope")


def test_a_newcomer_uses_both_slack_shortcuts_from_the_page(page):
    alice, bob = befriended(page)
    page.post("telegram/send", user=bob, text="/new https://example.com/tent Tent")
    page.post("telegram/send", user=bob, text="/send p1 to @alice this one?")
    delivered = eventually(lambda: [i for i in page.slack_items(alice) if i["msg_ts"] and "this one?" in i["text"]],
                           "Bob's pin in Alice's DM")[-1]
    page.post("slack/shortcut", user=alice, ts=delivered["msg_ts"])
    eventually(lambda: "Pinned p2: example.com — tent" in texts(page.slack_items(alice)), "the Save as pin answer")
    page.post("slack/shortcut", user=alice)
    modal = eventually(lambda: page.feed(slack=alice)["slack"]["feed"]["modal"], "the New pin modal")
    assert modal["title"]["text"] == "New pin"
    page.post("slack/shortcut", expect=404, user=alice, ts="1.000000")
