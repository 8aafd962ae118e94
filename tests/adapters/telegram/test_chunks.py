"""Splitting HTML at Telegram's limits never breaks a tag or an entity, and loses no text."""

from __future__ import annotations

import html
import random
import re
from html.parser import HTMLParser

import pytest

from adapters.telegram.cards import esc
from adapters.telegram.chunks import (
    CAPTION_LIMIT,
    TEXT_LIMIT,
    split_first,
    split_html,
    units,
    visible,
)

ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")


class Balance(HTMLParser):
    """Checks that every tag closes in order and nothing is left open."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.ok = True

    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.ok = False


def well_formed(chunk: str) -> bool:
    parser = Balance()
    parser.feed(chunk)
    parser.close()
    stray_amp = re.sub(ENTITY, "", chunk).count("&")
    stray_lt = re.sub(r"<[^<>]*>", "", chunk).count("<")
    return parser.ok and not parser.stack and stray_amp == 0 and stray_lt == 0


def hostile_text(rng: random.Random, words: int) -> str:
    vocabulary = ["<b>", "&", "<script>", "boots", "🥾", "naïve", "\n", "a&amp;b", '"quoted"', "x" * 30, "</i>"]
    return " ".join(rng.choice(vocabulary) for _ in range(words))


def card_like(rng: random.Random, words: int) -> str:
    body = esc(hostile_text(rng, words))
    return f'📌 <b>{body}</b>\n<i>{esc(hostile_text(rng, words // 2))}</i>\n<a href="https://pins.test/p/1">p1</a>'


def normalized(text: str) -> str:
    return re.sub(r"\s+", "", html.unescape(visible(text)))


@pytest.mark.parametrize("limit", [TEXT_LIMIT, CAPTION_LIMIT, 200, 64])
@pytest.mark.parametrize("seed", range(12))
def test_chunks_fit_are_well_formed_and_keep_every_character(limit, seed):
    rng = random.Random(seed)
    original = card_like(rng, rng.randint(10, 3000))
    chunks = split_html(original, limit)
    assert all(units(chunk) <= limit for chunk in chunks)
    assert all(well_formed(chunk) for chunk in chunks)
    assert normalized("".join(chunks)) == normalized(original)


def test_short_text_is_one_chunk_unchanged():
    assert split_html("<b>hi</b> &amp; bye") == ["<b>hi</b> &amp; bye"]


def test_an_open_tag_is_closed_and_reopened_across_chunks():
    chunks = split_html("<b>" + "word " * 40 + "</b>", 64)
    assert len(chunks) > 2
    assert all(c.startswith("<b>") and c.endswith("</b>") for c in chunks)


def test_entities_are_never_cut():
    chunks = split_html("&amp;" * 100, 64)
    assert all(re.fullmatch(r"(?:&amp;)+", c) for c in chunks)
    assert sum(c.count("&amp;") for c in chunks) == 100


def test_emoji_count_as_two_units_like_telegram():
    chunks = split_html("🥾" * 100, 64)
    assert [units(c) for c in chunks] == [64, 64, 64, 8]
    assert all(len(c) == units(c) // 2 for c in chunks)


def test_lines_are_preferred_as_cut_points():
    text = "\n".join(f"line {i:02d} " + "y" * 20 for i in range(10))
    chunks = split_html(text, 100)
    assert all(chunk.rstrip("\n").count("\n") >= 1 for chunk in chunks[:-1])
    assert all(visible(c).startswith("line") for c in chunks)


def test_split_first_gives_a_caption_and_a_well_formed_rest():
    caption, rest = split_first("<i>" + "a b " * 600 + "</i>", CAPTION_LIMIT)
    assert units(caption) <= CAPTION_LIMIT and well_formed(caption) and rest.startswith("<i>")
    assert well_formed(rest)


def test_a_huge_link_does_not_eat_every_chunk():
    href = "https://example.com/" + "q" * 900
    chunks = split_html(f'<a href="{href}">' + "click here " * 100 + "</a>", 1024)
    assert all(units(c) <= 1024 and well_formed(c) for c in chunks)
    assert normalized("".join(chunks)) == normalized("click here " * 100)
