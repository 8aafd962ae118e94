"""Telegram's parse_mode=HTML parser (TDLib's rules), as a pure function."""

from __future__ import annotations

import pytest

from bridge.sandbox.telegram_html import HtmlError, parse_html


@pytest.mark.parametrize(
    ("html", "message"),
    [
        ("<br>", 'Unsupported start tag "br" at byte offset 0'),
        ("é <foo>x</foo>", 'Unsupported start tag "foo" at byte offset 3'),  # byte offsets, not characters
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("x <b", "Unclosed start tag at byte offset 2"),
        ('<a href="x"', "Unclosed start tag at byte offset 0"),
        ("<a href", 'Expected equal sign in declaration of an attribute of the tag "a" at byte offset 0'),
        ('<a ="x">y</a>', 'Empty attribute name in the tag "a" at byte offset 0'),
        ("<a href=x/>y</a>", "Unexpected end of name token at byte offset 8"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ('<tg-emoji emoji-id="x">y</tg-emoji>', "Invalid custom emoji identifier specified"),
        ("&#xD800;", "Text contains invalid Unicode characters after decoding HTML entities, "
                     "check for unmatched surrogate code units"),
    ],
)
def test_markup_telegram_refuses_is_refused_with_its_words(html, message):
    with pytest.raises(HtmlError) as refused:
        parse_html(html)
    assert str(refused.value) == message


def test_every_supported_tag_parses_into_its_entity():
    html = (
        '<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><strike>k</strike><del>d</del>'
        '<tg-spoiler>p</tg-spoiler><span class="tg-spoiler">q</span><a href="https://pins.example/p?a=1&amp;b=2">l</a>'
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji><code>c</code>'
        '<pre><code class="language-python">x</code></pre><blockquote>q</blockquote><blockquote expandable>w</blockquote>'
    )
    text, entities = parse_html(html)
    assert text == "bsieunskdpql👍cxqw"
    types = [entity["type"] for entity in entities]
    assert types == [
        "bold", "bold", "italic", "italic", "underline", "underline", "strikethrough", "strikethrough",
        "strikethrough", "spoiler", "spoiler", "text_link", "custom_emoji", "code", "pre", "blockquote",
        "expandable_blockquote",
    ]
    assert entities[11]["url"] == "https://pins.example/p?a=1&b=2"
    assert entities[14]["language"] == "python"


def test_entities_decode_and_unknown_ones_stay_literal():
    text, _ = parse_html("&lt;b&gt; &amp; &quot;q&quot; &#65;&#x42; &nbsp; a & b > c")
    assert text == '<b> & "q" AB &nbsp; a & b > c'


def test_entity_offsets_count_utf16_units_like_telegram():
    text, [entity] = parse_html("😀 <b>bold</b>")
    assert text == "😀 bold"
    assert (entity["offset"], entity["length"]) == (3, 4)


def test_tags_are_case_insensitive_and_empty_ones_make_no_entity():
    assert parse_html("<B>x</B><i></i>") == ("x", [{"offset": 0, "length": 1, "type": "bold"}])


def test_a_link_without_href_links_its_own_text():
    _, [entity] = parse_html("<a>https://pins.example</a>")
    assert entity["url"] == "https://pins.example"


def test_deep_nesting_parses_in_one_pass():
    depth = 5000
    text, entities = parse_html("<b>" * depth + "x" + "</b>" * depth)
    assert text == "x" and len(entities) == depth
