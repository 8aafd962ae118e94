"""The last of the Slack adapter's own words in its reader's language: the App Home, a card's inline words, a preview.

Through the strict stand-in: the reader's language is their Slack locale (users.info with include_locale) or the
one they chose with `language`; the words asserted are what views.publish, chat.postMessage and chat.unfurl carried.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from adapters.slack import cards, home
from core.db import reading
from core.i18n import speaking
from core.models import Account
from core.results import ProfileCard
from tests.adapters.slack.conftest import ALICE, BOB, CAROL
from tests.adapters.slack.test_home import button, click_home, home_text, opened_home
from tests.adapters.slack.test_unfurls import GENERAL, posted
from tests.adapters.slack.workspace import deliver_all, eventually


def acquainted(slack, *users: str) -> None:
    """Everyone follows everyone (as `friends` does, without reading the answers: they are not all English here)."""
    for user in users:
        slack.command(user, "help")
    for a in users:
        for b in users:
            if a != b:
                slack.command(a, f"follow @{slack.user(b)['name']}")


def labels(blocks: list[dict]) -> list[str]:
    return [e["text"]["text"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


def test_a_german_slack_users_home_tab_is_german_and_an_english_ones_stays_english(slack, standin):
    standin.set_locale(BOB, "de-DE")
    acquainted(slack, ALICE, BOB)
    slack.command(ALICE, "new https://example.com/boots Boots")
    slack.command(ALICE, "send p1 to @bob Look at these!")

    german = opened_home(slack, BOB)

    text = home_text(slack, BOB)
    assert "Deine Unterhaltungen, Pinnwände und Einstellungen. `/pin help` zeigt alle Befehle." in text
    assert "*Posteingang* — 1 ungelesen" in text and "*c1* mit @alice — *1 ungelesen*" in text
    assert labels(german["blocks"]) == ["Öffnen", "Als gelesen markieren", "Ausblenden"]
    assert "*Pinnwände*" in text and "Neue Pinnwand" in text and "Noch keine Pinnwände: Ein Pin, den du speicherst" in text
    digest = next(b for b in german["blocks"] if (b.get("accessory") or {}).get("action_id") == home.DIGEST)
    assert digest["text"]["text"] == "*Zusammenfassung ungelesener Nachrichten:* daily 09:00 UTC (Standard)"
    menu = digest["accessory"]
    assert menu["placeholder"]["text"] == "Ändern"
    assert [o["text"]["text"].split(" (")[0] for o in menu["options"]] == ["Aus", "Jede Stunde", "Jeden Tag", "Jede Woche"]
    assert "*Konten:* Slack (bob)\\nVerknüpfe dein Telegram-Konto, um deine Nachrichten auch dort zu bekommen." in text
    assert not any(word in text for word in ("Inbox", "Mark read", "Dismiss", "Boards", "Change", "Accounts"))

    english = opened_home(slack, ALICE)
    assert english["blocks"][1]["elements"][0]["text"].startswith("Your conversations, boards and settings.")
    assert "*Saved* — 1 pin · default" in home_text(slack, ALICE) and labels(english["blocks"])[0] == "Open"


def test_the_new_board_form_from_a_german_home_is_german(slack, standin):
    standin.set_locale(BOB, "de-DE")
    slack.command(BOB, "help")
    opened_home(slack, BOB)

    assert click_home(slack, BOB, button(home.NEW_BOARD, "new")).status_code == 200

    [call] = eventually(lambda: [c for c in standin.calls("views.open") if c.ok], what="the New board form")
    form = call.params["view"] if isinstance(call.params["view"], dict) else json.loads(call.params["view"])
    assert (form["title"]["text"], form["submit"]["text"], form["close"]["text"]) == ("Neue Pinnwand", "Anlegen", "Abbrechen")
    assert [b["label"]["text"] for b in form["blocks"]] == ["Name", "Sichtbarkeit"]
    assert form["blocks"][1]["element"]["options"][0]["text"]["text"] == "Geheim — nur du siehst sie"


def test_a_spanish_readers_cards_say_their_inline_words_in_spanish(slack, standin, services):
    standin.set_locale(ALICE, "es-ES")
    acquainted(slack, ALICE, BOB)
    slack.command(BOB, "new https://example.com/boots Boots")
    slack.command(BOB, "send p1 to @alice Mira")
    deliver_all(services)

    [card] = [m for m in standin.messages(ALICE) if "Boots" in json.dumps(m)]
    assert "*p1* · fijado por @bob · en *c1* · <http://pins.test/p/1|página del pin>" in json.dumps(card, ensure_ascii=False)
    slack.command(ALICE, "save p1")
    slack.command(ALICE, "new https://example.com/botas Botas")
    assert "*Saved* (predeterminado) — 2 pines" in json.dumps(slack.command(ALICE, "boards"), ensure_ascii=False)
    invite = json.dumps(slack.command(ALICE, "send p1 to @newperson"), ensure_ascii=False)
    assert "@newperson aún no está en Pinbridge — comparte esta invitación: <http://pins.test/i/" in invite
    assert "|página de invitación> o <https://t.me/pinbridge_bot?start=inv_" in invite and "|abrir en Telegram>" in invite
    own = slack.command(BOB, "new https://example.com/hat Hat")
    assert "*p3* · pinned by @bob · <http://pins.test/p/3|pin page>" in json.dumps(own, ensure_ascii=False), "the sender still reads English"


def test_a_profile_card_with_no_boards_and_its_avatar_read_spanish():
    card = ProfileCard(handle="ana", display_name="Ana", avatar_url="https://avatars.test/ana.png", boards=(),
                       page_url="http://pins.test/u/ana")
    with speaking("es"):
        [block] = [b.to_dict() for b in cards.profile_blocks(card)]
    assert block["text"]["text"] == "*<http://pins.test/u/ana|Ana>* (@ana)\nAún no hay tableros."
    assert block["accessory"]["alt_text"] == "Avatar de Ana"
    english = cards.profile_blocks(card)[0].to_dict()
    assert english["text"]["text"].endswith("\nNo boards yet.") and english["accessory"]["alt_text"] == "Ana's avatar"


def preview(slack, standin, user: str, text: str) -> str:
    event = posted(standin, user, text)
    assert slack.event(event).status_code == 200
    return json.dumps(eventually(lambda: standin.unfurls_of(GENERAL, event["message_ts"]), what="the preview"),
                      ensure_ascii=False)


def test_a_link_shared_by_a_portuguese_slack_user_is_previewed_in_portuguese(slack, standin):
    standin.unfurl_domains = ("pins.test",)  # the manifest's unfurl_domains: http.public_url's host
    slack.command(ALICE, "new https://example.com/boots Hiking boots")
    standin.set_locale(BOB, "pt-BR")
    slack.command(BOB, "help")

    portuguese = preview(slack, standin, BOB, "Olha http://pins.test/p/1")

    assert "*p1* · fixado por @alice · <http://pins.test/p/1|página do pin>" in portuguese
    assert all(f'"text": "{word}"' in portuguese for word in ("Salvar", "Abrir", "Enviar")) and "Save" not in portuguese
    english = preview(slack, standin, ALICE, "See http://pins.test/p/1")
    assert "· pinned by @alice ·" in english and '"text": "Save"' in english


def test_a_link_shared_by_someone_pinbridge_does_not_know_is_previewed_in_english_without_a_trace(slack, standin, services):
    standin.unfurl_domains = ("pins.test",)
    slack.command(ALICE, "new https://example.com/boots Hiking boots")
    slack.command(ALICE, "language pt")
    standin.set_locale(CAROL, "pt-BR")
    with reading(services.sessions) as session:
        before = session.scalars(select(Account.external_id)).all()
    asked = len(standin.calls("users.info"))

    found = preview(slack, standin, CAROL, "http://pins.test/p/1")

    assert "· pinned by @alice ·" in found and '"text": "Save"' in found, "the sharer's language, not the pin's maker's"
    with reading(services.sessions) as session:
        assert session.scalars(select(Account.external_id)).all() == before, "a preview makes nobody an account"
    assert len(standin.calls("users.info")) == asked, "and asks Slack nothing about the sharer"
