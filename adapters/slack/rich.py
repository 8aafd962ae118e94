"""Neutral rich text (core/text.py) as Slack mrkdwn: escaped, commands spelled after the slash command."""

from __future__ import annotations

from adapters.slack.mrkdwn import escape, link
from core import i18n
from core.i18n import now
from core.text import Code, Command, Link, Mention, Plain, Span, Strong, Text, rich


def mrkdwn(text: Text, command: str) -> str:
    """The text as mrkdwn, read in the language being rendered in: everything a person typed escaped, each
    command as `/pin <words>`."""
    return "".join(_span(span, command) for span in now(rich(text)).spans)


def _span(span: Span, command: str) -> str:
    if isinstance(span, Plain):
        return _inert(span.text)
    if isinstance(span, Strong):
        # mrkdwn has no escape for "*": one inside would end the bold early, so it is shown as "∗".
        return f"*{_inert(span.text).replace('*', '∗')}*" if span.text.strip() else _inert(span.text)
    if isinstance(span, Code):
        return f"`{_code(span.text)}`"
    if isinstance(span, Command):
        return f"`{_code(f'{command} {span.words}')}`"
    if isinstance(span, Mention):
        return _inert(f"@{span.handle}")
    if isinstance(span, Link):
        return link(span.url, span.label)
    raise TypeError(f"no mrkdwn for {type(span).__name__}")


def _inert(text: str) -> str:
    # A name or title inside a sentence must not open a code span that a command's backtick would close.
    return escape(text).replace("`", "ˋ")


def _code(text: str) -> str:
    # A backtick would end the code span early; Slack has no escape for it inside one.
    return escape(text).replace("`", "ˋ")


def plain(text: Text, command: str) -> str:
    """The text without markup (modal errors, toasts): commands still spelled as typed on Slack."""
    return "".join(f"{command} {s.words}" if isinstance(s, Command) else str(Text((s,))) for s in now(rich(text)).spans)


def filled(text: Text, **pieces: str) -> str:
    """The adapter's own words in mrkdwn, each `slot(name)` in them replaced by its piece (core.i18n.filled)."""
    return i18n.filled(rich(text), escape, **pieces)
