"""The Slack adapter's own words — forms, notices, headings — read in the reader's language."""

from __future__ import annotations

from types import SimpleNamespace

from adapters.slack import modals
from adapters.slack.workqueue import BUSY, busy
from core.i18n import speaking
from core.views import summary_of


def test_the_reply_form_speaks_german_to_a_german_reader_and_english_otherwise():
    with speaking("de"):
        view = modals.reply_modal("c3").to_dict()
    assert view["blocks"][1]["label"]["text"] == "Deine Antwort"
    assert view["title"]["text"] == "In c3 antworten"
    english = modals.reply_modal("c3").to_dict()
    assert english["title"]["text"] == "Reply in c3" and english["close"]["text"] == "Cancel"


def test_the_new_pin_form_and_its_inline_errors_speak_portuguese():
    with speaking("pt"):
        view = modals.new_pin_modal([], 5).to_dict()
        errors = modals.new_pin_submission({"state": {"values": {}}})
    assert view["title"]["text"] == "Novo pin" and view["submit"]["text"] == "Fixar"
    assert errors == {modals.LINK_BLOCK: "Cole um link."}


def test_the_busy_notice_is_english_by_default_and_spanish_for_a_spanish_reader():
    assert busy(None) == BUSY
    assert busy("es").startswith("Pinbridge está ocupado")


def test_summaries_are_built_in_their_readers_language():
    joined = SimpleNamespace(kind="join", text="hi", deleted_at=None)
    assert summary_of(joined, None) == "joined"
    assert summary_of(joined, None, "de") == "ist beigetreten"
    gone = SimpleNamespace(kind="text", text="x", deleted_at=1)
    assert summary_of(gone, None, "es") == "(mensaje borrado)"
