"""A Slack person reads Pinbridge in their Slack language (users.info locale), or the one they chose."""

from __future__ import annotations

from bridge.sandbox.slack_api import _users_info as users_info
from tests.adapters.slack.conftest import ALICE, BOB
from tests.adapters.slack.test_commands import buttons, friends, text_of
from tests.adapters.slack.workspace import deliver_all


def test_a_person_whose_slack_locale_is_german_gets_german_answers_and_buttons(slack, standin):
    standin.set_locale(ALICE, "de-DE")
    assert text_of(slack.command(ALICE, "board new Reisen")) == "Deine Pinnwand „Reisen“ ist angelegt."
    card = slack.command(ALICE, "new https://example.com/boots Trail boots")
    assert text_of(card).startswith("Gepinnt p1: Trail boots")
    assert [b["text"]["text"] for b in buttons(card)][:2] == ["Speichern", "Öffnen"]
    assert "die Sprache, in der ich dir antworte" in text_of(slack.command(ALICE, "help"))
    assert text_of(slack.command(BOB, "board new Trips")) == "Created your board “Trips”.", "others still read English"


def test_users_info_is_asked_for_the_locale_and_only_then_tells_it(slack, standin):
    standin.set_locale(ALICE, "es-ES")
    slack.command(ALICE, "boards")
    assert all(str(c.params.get("include_locale")).lower() in ("1", "true") for c in standin.calls("users.info"))
    assert standin.user(ALICE)["locale"] == "es-ES"
    assert "locale" not in users_info(standin, {"user": ALICE})["user"], "not without include_locale"
    assert users_info(standin, {"user": ALICE, "include_locale": "true"})["user"]["locale"] == "es-ES"


def test_language_pt_switches_and_a_delivered_message_reaches_that_person_in_portuguese(slack, standin, services):
    friends(slack, ALICE, BOB)
    assert text_of(slack.command(BOB, "language pt")) == "De agora em diante te respondo em Português."
    deliver_all(services)
    assert text_of(slack.command(ALICE, "send https://example.com/boots to @bob Look")).startswith("Sent p1")
    deliver_all(services)
    [card] = [m for m in standin.messages(BOB) if "p1" in str(m)]
    labels = [b["text"]["text"] for b in buttons(card)]
    assert "Salvar" in labels and "Enviar" in labels and "Save" not in labels
    assert text_of(slack.command(ALICE, "language")).startswith("I answer you in English")
    assert text_of(slack.command(BOB, "language auto")) == "I now answer you in your platform's language: English."
    assert text_of(slack.command(BOB, "language")).startswith("I answer you in English, your platform's language.")


def test_an_unknown_language_says_which_ones_there_are_and_changes_nothing(slack):
    answer = text_of(slack.command(ALICE, "language klingon"))
    assert "I don't speak “klingon”" in answer and "`es` (Español)" in answer
    assert text_of(slack.command(ALICE, "language")).startswith("I answer you in English")
