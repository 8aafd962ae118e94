"""Hostile text from Slack: bounded before any pattern reads it, and every pattern linear and exact."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.slack.mentions import mentioned_ids
from adapters.slack.mrkdwn import command_text, message_text, unescape
from tests.adapters.slack.conftest import ALICE
from tests.adapters.slack.workspace import eventually

FRAGMENTS = ["<@U1|", "<@U1", "<@W2>", "<@U3|bob>", "<http://a.test", "<http://a.test|x>", "<mailto:a@b.test",
             "<#C1|", "<#C2|general>", "<!here|", "<!channel>", "|", ">", "<", "&lt;", "&gt;", "&amp;", " ", "x", "@bob"]
HOSTILE = st.lists(st.sampled_from(FRAGMENTS), min_size=0, max_size=3000).map("".join)
_ID = re.compile(r"[A-Z0-9]*")


def reference_mentions(text: str) -> list[str]:
    """Mentions found by a plain left-to-right scan (Slack's grammar: <@ID> or <@ID|label>, no < > in a label)."""
    found, start = [], 0
    while (at := text.find("<@", start)) != -1:
        head = at + 2
        run = _ID.match(text, head + 1).end() if head < len(text) and text[head] in "UW" else head
        ends, length = run, run - head - 1
        if 1 <= length <= 20 and ends < len(text) and text[ends] == "|":
            close = min((i for i in (text.find(">", ends), text.find("<", ends)) if i != -1), default=-1)
            ends = close if close != -1 and text[close] == ">" else -1
        if 1 <= length <= 20 and 0 <= ends < len(text) and text[ends] == ">":
            found.append(text[head:run])
            start = ends + 1
        else:
            start = at + 1
    return list(dict.fromkeys(found))


@settings(max_examples=60, deadline=None)
@given(HOSTILE)
def test_mentions_are_exactly_what_a_plain_scan_finds(text):
    assert mentioned_ids(text) == reference_mentions(text)


@settings(max_examples=60, deadline=None)
@given(HOSTILE)
def test_translating_hostile_text_always_answers_with_text(text):
    assert isinstance(command_text(text), str) and isinstance(message_text(text), str)
    if "<" not in text:
        assert message_text(text) == unescape(text).strip()


def test_a_label_stops_at_the_next_markup_instead_of_swallowing_it():
    assert message_text("<@U1|bob <@U2|carol> hi") == "<@U1|bob @carol hi"
    assert command_text("<http://a.test|x <http://b.test> y") == "<http://a.test|x http://b.test y"
    assert mentioned_ids("<@U1|bob <@U2|carol>") == ["U2"]


def test_a_huge_hostile_dm_gets_a_clear_answer_and_no_look_ups(slack, standin):
    slack.dm(ALICE, "<@U1|" * 8000)  # 40,000 characters, no ">" anywhere
    ephemeral = eventually(lambda: standin.calls("chat.postEphemeral"), what="the refusal")
    assert "too long (40,000 characters" in ephemeral[0].params["text"]
    assert standin.calls("users.info") == []


def test_a_huge_slash_command_gets_a_clear_answer(slack):
    answer = slack.command(ALICE, "send p1 to " + "<@U1|" * 8000)
    assert "too long" in answer["text"] and answer["response_type"] == "ephemeral"
