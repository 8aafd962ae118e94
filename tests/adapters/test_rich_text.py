"""The core's neutral rich text, rendered by each platform: whatever a span holds, it reads back as itself.

Slack mrkdwn is read back by a small reader of Slack's rules (entities, <…> links and mentions,
`code`); Telegram HTML by the stand-in's parser, which follows the Bot API's HTML rules and
refuses what Telegram refuses. Every span kind is tried with each markup language's special
characters, then every reply the core gives in a hostile scenario is rendered on both.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.slack.rich import mrkdwn
from adapters.telegram.render import reply_outbound
from adapters.telegram.rich import html
from bridge.sandbox.telegram_html import parse_html
from core.text import Code, Command, Link, Mention, Plain, Strong, Text
from tests.factories import friends, slack_user, telegram_user

COMMAND = "/pin"
SPECIALS = ["&", "<", ">", "|", "*", "_", "~", "`", "```", '"', "'", "&amp;", "&lt;b&gt;", "<b>", "</code>",
            "<!here>", "<!channel|x>", "<@U0BOB>", "<#C1|general>", "<https://evil.test|click>", "\n", "é", "😀"]
TEXT = st.lists(st.sampled_from(SPECIALS) | st.text(alphabet="ab -", max_size=3), max_size=8).map("".join)
URL = st.lists(st.sampled_from(["a", "&", "|", ">", "<", '"', "?q=1", "#x", " "]), max_size=6).map(
    lambda parts: "https://pins.test/" + "".join(parts))
SPAN = st.one_of(
    TEXT.map(Plain), TEXT.map(Strong), TEXT.map(Code), TEXT.map(Command), TEXT.map(Mention),
    st.builds(Link, URL, TEXT),
)


# --- Slack: a reader of the mrkdwn rules that matter ------------------------------------------------

_ENTITY = {"&lt;": "<", "&gt;": ">", "&amp;": "&"}


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def read_mrkdwn(text: str) -> tuple[str, list[tuple[str, str]]]:
    """What Slack shows, and the markup it acts on: ("code", text), ("link", url), ("mention", raw)."""
    shown, marks, i = [], [], 0
    while i < len(text):
        if text[i] == "&":
            entity = next((e for e in _ENTITY if text.startswith(e, i)), None)
            assert entity, f"a raw & Slack would read as the start of an entity at {i}: {text[i:i + 12]!r}"
            shown.append(_ENTITY[entity])
            i += len(entity)
        elif text[i] == "<":
            end = text.find(">", i)
            assert end > 0 and "<" not in text[i + 1:end], f"an unclosed <…> at {i}: {text[i:i + 20]!r}"
            inner = text[i + 1:end]
            if inner[:1] in "@#!":
                marks.append(("mention", inner))  # Slack would notify or link someone
                shown.append(inner)
            else:
                url, _, label = inner.partition("|")
                assert re.match(r"(https?|mailto):", url), f"a <…> that is neither link nor mention: {inner!r}"
                marks.append(("link", url))
                shown.append(_unescape(label) if label else url)  # <…> is one token: nothing inside is markup
            i = end + 1
        elif text[i] == ">":
            raise AssertionError(f"a raw > at {i}")
        elif text[i] == "`":
            end = text.find("`", i + 1)
            assert end > 0, f"an unclosed code span at {i}"
            code = read_mrkdwn(text[i + 1:end])[0]
            marks.append(("code", code))
            shown.append(code)
            i = end + 1
        else:
            shown.append(text[i])
            i += 1
    return "".join(shown), marks


def slack_reading(span) -> tuple[str, list[tuple[str, str]]]:
    """What one span must read as on Slack."""
    if isinstance(span, Plain):
        return span.text.replace("`", "ˋ"), []  # a person's backtick never opens a code span
    if isinstance(span, Strong):
        body = span.text.replace("*", "∗").replace("`", "ˋ")
        return (f"*{body}*" if span.text.strip() else body), []
    if isinstance(span, Code):
        return span.text.replace("`", "ˋ"), [("code", span.text.replace("`", "ˋ"))]
    if isinstance(span, Command):
        typed = f"{COMMAND} {span.words}".replace("`", "ˋ")
        return typed, [("code", typed)]
    if isinstance(span, Mention):
        return f"@{span.handle}".replace("`", "ˋ"), []
    label = span.label.replace("|", "¦") if span.label else span.url.replace("|", "%7C")
    return label, [("link", span.url.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "%7C"))]


@settings(max_examples=300, deadline=None)
@given(st.lists(SPAN, max_size=6))
def test_every_span_reads_back_as_itself_on_slack(spans):
    text = Text(tuple(spans))

    shown, marks = read_mrkdwn(mrkdwn(text, COMMAND))

    expected = [slack_reading(span) for span in spans]
    assert not [m for m in marks if m[0] == "mention"], marks
    assert shown == "".join(seen for seen, _ in expected)
    assert [m for m in marks if m[0] == "link"] == [m for _, ms in expected for m in ms if m[0] == "link"]
    assert len([m for m in marks if m[0] == "code"]) == sum(isinstance(s, (Code, Command)) for s in spans)


def test_slack_escapes_what_would_notify_or_link_someone():
    rendered = mrkdwn(Text((Plain("<!here> <@U0BOB> <#C1|x> <https://evil.test|click> & `x`"), Code("a`b"),
                            Link("https://pins.test/?a=1|2", "a|b"), Command("send p1 to @bob"))), COMMAND)

    shown, marks = read_mrkdwn(rendered)

    assert marks == [("code", "aˋb"), ("link", "https://pins.test/?a=1%7C2"), ("code", "/pin send p1 to @bob")]
    assert shown.startswith("<!here> <@U0BOB> <#C1|x> <https://evil.test|click> & ˋxˋ")


# --- Telegram: the stand-in's parser of parse_mode HTML ---------------------------------------------

def telegram_reading(span) -> tuple[str, str | None]:
    """The visible text of a span on Telegram and the entity type it must carry."""
    if isinstance(span, Plain):
        return span.text, None
    if isinstance(span, Strong):
        return span.text, "bold" if span.text.strip() else None
    if isinstance(span, Code):
        return span.text, "code"
    if isinstance(span, Command):
        return f"/{span.words}", "code"
    if isinstance(span, Mention):
        return f"@{span.handle}", None
    return span.label, "text_link"


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@settings(max_examples=300, deadline=None)
@given(st.lists(SPAN, max_size=6))
def test_every_span_reads_back_as_itself_on_telegram(spans):
    shown, entities = parse_html(html(Text(tuple(spans))))

    expected, offset, wanted = "", 0, []
    for span in spans:
        visible, kind = telegram_reading(span)
        if kind and visible:
            wanted.append((kind, offset, _utf16(visible), span.url if isinstance(span, Link) else None))
        expected += visible
        offset += _utf16(visible)
    assert shown == expected
    found = [(e["type"], e["offset"], e["length"], e.get("url")) for e in entities]
    assert sorted(found) == sorted(wanted)


# --- Every reply of a hostile scenario, on both ------------------------------------------------------

HOSTILE = "<b>&amp;*_`~|<!here>"


def _scenario(engine) -> list:
    """Replies of every kind the core gives, around names and titles full of markup characters."""
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    commands = [
        f"new https://example.com/x?a=1&b=<2> {HOSTILE}", f"board new {HOSTILE} secret", f"save p1 to {HOSTILE}",
        f"send p1 to @bob {HOSTILE}", f"share board {HOSTILE} to @bob {HOSTILE}", "share profile @alice to @bob",
        "inbox", "read c1", "boards", f"board {HOSTILE}", "search x", "contacts", "link", "deliver", "digest",
        "help", f"send p1 to @bob @nobody_{HOSTILE[:3]}", f"reply c1 {HOSTILE}", "frobnicate", "send p9 to @bob",
        "link ZZZZZZZZ", "deliver pigeon", f"handle {HOSTILE}", "send p1 to @bob @newcomer hi",
    ]
    return [engine.run(alice if n % 2 == 0 else bob, command) for n, command in enumerate(commands)]


def test_every_reply_of_the_core_renders_on_both_platforms(engine):
    replies = _scenario(engine)

    assert any(not r.ok for r in replies) and any(r.items for r in replies)
    for reply in replies:
        said = str(reply.body)
        shown, marks = read_mrkdwn(mrkdwn(reply.body, COMMAND))
        assert not [m for m in marks if m[0] == "mention"], (said, marks)
        assert "`" not in said.replace(HOSTILE, ""), f"the core wrote a backtick: {said!r}"
        parse_html(reply_outbound(reply).html)  # Telegram would refuse the message otherwise
