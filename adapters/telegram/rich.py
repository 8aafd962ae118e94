"""Neutral rich text (core/text.py) as Telegram HTML: escaped, every command its own bot command."""

from __future__ import annotations

from adapters.telegram.cards import esc
from core.i18n import now
from core.text import Code, Command, Link, Mention, Plain, Span, Strong, Text, rich

PREFIX = "/"  # on Telegram the first word is the bot command itself


def html(text: Text) -> str:
    """The text as parse_mode HTML: everything a person typed escaped, each command as /word …."""
    return "".join(_span(span) for span in now(rich(text)).spans)  # in the language being rendered in


def _span(span: Span) -> str:
    if isinstance(span, Plain):
        return esc(span.text)
    if isinstance(span, Strong):
        return f"<b>{esc(span.text)}</b>" if span.text.strip() else esc(span.text)
    if isinstance(span, Code):
        return f"<code>{esc(span.text)}</code>"
    if isinstance(span, Command):
        return f"<code>{esc(PREFIX + span.words)}</code>"
    if isinstance(span, Mention):
        return esc(f"@{span.handle}")
    if isinstance(span, Link):
        return f'<a href="{esc(span.url)}">{esc(span.label)}</a>'
    raise TypeError(f"no HTML for {type(span).__name__}")


def plain(text: Text) -> str:
    """The text without markup (button toasts): commands spelled as typed on Telegram."""
    return "".join(PREFIX + s.words if isinstance(s, Command) else str(Text((s,))) for s in now(rich(text)).spans)
