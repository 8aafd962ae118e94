"""Neutral rich text: what the core says, as typed spans each platform renders in its own markup.

The core never writes markup (no backticks, asterisks or HTML): it says "this is a command",
"this is a handle", "this is a link", and an adapter turns that into its platform's markup with
that markup's escaping, spelling commands the platform's own way (after a slash command, or as
the bot command itself). `str(text)` is the plain reading, for logs and tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union


@dataclass(frozen=True)
class Plain:
    text: str


@dataclass(frozen=True)
class Strong:
    text: str


@dataclass(frozen=True)
class Code:
    """Literal text to type or copy, shown as code (a code, another platform's command)."""

    text: str


@dataclass(frozen=True)
class Link:
    url: str
    label: str


@dataclass(frozen=True)
class Mention:
    """A Pinbridge person, by handle (shown as @handle)."""

    handle: str


@dataclass(frozen=True)
class Command:
    """A command of this platform's grammar, by its words ("send p1 to @bob"): each platform adds its prefix."""

    words: str


Span = Union[Plain, Strong, Code, Link, Mention, Command]


@dataclass(frozen=True)
class Text:
    """A sequence of spans; `+` joins, `str()` reads it plainly."""

    spans: tuple[Span, ...] = ()

    def __add__(self, other: Text | str) -> Text:
        return Text(self.spans + rich(other).spans)

    def __radd__(self, other: str) -> Text:
        return rich(other) + self

    def __str__(self) -> str:
        return "".join(plain(span) for span in self.spans)

    def __bool__(self) -> bool:
        return any(plain(span) for span in self.spans)

    def first_line(self) -> Text:
        """The text up to its first line break (a heading before cards)."""
        kept: list[Span] = []
        for span in self.spans:
            if isinstance(span, Plain) and "\n" in span.text:
                head = span.text.split("\n", 1)[0]
                return Text(tuple(kept) + ((Plain(head),) if head else ()))
            kept.append(span)
        return self


def rich(*parts: Text | Span | str) -> Text:
    """Text from strings (plain), spans and other texts, in order."""
    spans: list[Span] = []
    for part in parts:
        if isinstance(part, Text):
            spans.extend(part.spans)
        elif isinstance(part, str):
            if part:
                spans.append(Plain(part))
        else:
            spans.append(part)
    return Text(tuple(spans))


def joined(items, separator: Text | str = ", ") -> Text:
    """Texts (or strings) with a separator between them."""
    result = Text()
    for index, item in enumerate(items):
        result = result + (rich(separator) if index else Text()) + rich(item)
    return result


def lines(items) -> Text:
    """Texts (or strings), one per line."""
    return joined(items, "\n")


def plain(span: Span) -> str:
    """How one span reads without any markup."""
    if isinstance(span, Link):
        return span.label if span.label == span.url else f"{span.label} ({span.url})"
    if isinstance(span, Mention):
        return f"@{span.handle}"
    if isinstance(span, Command):
        return span.words
    return span.text
