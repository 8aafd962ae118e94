"""Long mrkdwn cut into pieces Slack takes: never inside an entity, a link or a character, nothing lost."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.slack.mrkdwn import escape, link
from adapters.slack.segments import split, width

FRAGMENTS = ["&amp;", "&lt;", "&gt;", "<https://a.test/x?a=1&amp;b=2|Board &lt;27&gt;>", "<@U1|bob>", "<@W2>",
             "*", "_", "~", "`", "```", "|", " ", " ", "\n", "word", "é", "e\u0301", "👍🏽", "👩\u200d👩\u200d👧",
             "🇫🇷", "❤\ufe0f", "x" * 70]
MARKUP = re.compile(r"&(?:amp|lt|gt);|<[^<>]*>")
MRKDWN = st.lists(st.sampled_from(FRAGMENTS), max_size=400).map("".join)


def whole_atoms(piece: str) -> bool:
    """No piece starts or ends inside an entity or a <…> (a cut one leaves a stray & or < or >)."""
    rest = MARKUP.sub("", piece)
    return "&" not in rest and "<" not in rest and ">" not in rest


@settings(max_examples=150, deadline=None)
@given(MRKDWN, st.integers(min_value=64, max_value=400))
def test_every_piece_fits_and_no_entity_or_link_is_cut(text, limit):
    pieces = split(text, limit)

    assert all(width(piece) <= limit for piece in pieces)
    assert all(whole_atoms(piece) for piece in pieces)
    assert not any(piece[:1] in ("\u0301", "\u200d", "\ufe0f", "🏽") for piece in pieces if piece), "a character was split"


@settings(max_examples=150, deadline=None)
@given(MRKDWN, st.integers(min_value=64, max_value=400))
def test_nothing_but_the_spaces_and_line_breaks_it_cut_at_is_lost(text, limit):
    pieces = split(text, limit)

    kept = "".join(pieces)
    assert kept.replace(" ", "").replace("\n", "") == text.replace(" ", "").replace("\n", "")


def test_a_short_text_is_one_piece_and_blank_text_none():
    assert split("hello &amp; <@U1>", 3000) == ["hello &amp; <@U1>"]
    assert split("   \n ", 3000) == []


def test_a_piece_ends_at_a_line_break_then_at_a_space_in_its_second_half():
    text = "a" * 25 + "\n" + "word " * 20

    pieces = split(text, 40)

    assert pieces[0] == "a" * 25
    assert pieces[1:] == ["word word word word word word word word", "word word word word word word word word",
                          "word word word word "]


def test_a_mark_after_an_entity_stays_with_it():
    pieces = split("x" * 60 + "&amp;\u0301" + "y" * 60, 64)

    assert any(p.endswith("&amp;\u0301") or p.startswith("&amp;\u0301") for p in pieces)


def test_a_profile_with_many_boards_ends_every_piece_on_a_whole_link():
    boards = "\n".join(f"• {link(f'http://pins.test/b/{i}', f'Board {i}: <Trips & more>')} — 3 pins" for i in range(60))

    pieces = split(f"*{link('http://pins.test/u/ana', 'Ana')}* (@ana)\n{boards}", 3000)

    assert len(pieces) > 1
    assert all(whole_atoms(p) and p.count("<") == p.count(">") for p in pieces)
    assert sum(p.count("<http://pins.test/b/") for p in pieces) == 60


def test_a_reply_of_three_thousand_ampersands_is_not_cut_inside_an_entity():
    pieces = split(escape("&" * 3000), 3000)

    assert [width(p) for p in pieces] == [3000, 3000, 3000, 3000, 3000]
    assert all(p == "&amp;" * 600 for p in pieces)


def test_a_link_longer_than_a_section_becomes_its_label_and_address():
    url = "https://a.test/?" + "&amp;q=1" * 500
    pieces = split(f"<{url}|Boots>", 3000)

    assert pieces[0].startswith("Boots (https://a.test/?")
    assert all(whole_atoms(p) for p in pieces) and len(pieces) == 2


def test_emoji_and_skin_tones_are_counted_as_slack_may_and_never_split():
    pieces = split("👍🏽" * 2000, 3000)

    assert all(width(p) <= 3000 for p in pieces)
    assert "".join(pieces) == "👍🏽" * 2000
    assert all(p.startswith("👍") and p.endswith("🏽") for p in pieces)
