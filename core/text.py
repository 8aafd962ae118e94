"""Neutral rich text: what the core says, as typed spans each platform renders in its own markup.

The core never writes markup (no backticks, asterisks or HTML): it says "this is a command",
"this is a handle", "this is a link", and an adapter turns that into its platform's markup with
that markup's escaping, spelling commands the platform's own way (after a slash command, or as
the bot command itself). `str(text)` is the plain reading, for logs and tests.

Words meant for a person are `Phrase`s (made with `tr` / `trn`, which Babel extracts): an English
message id whose `{name}` placeholders hold other text (a Mention, a Command, a Link…). `localize`
turns every phrase into plain spans in one language, so translations never carry markup; the plain
reading of an unlocalized phrase is its English.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from typing import Protocol, Union


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


@dataclass(frozen=True)
class Phrase:
    """Words to translate: `msgid` (English; `plural` too when it depends on `n`) with `{name}` placeholders."""

    msgid: str
    params: tuple[tuple[str, Text], ...] = ()
    plural: str | None = None
    n: int | None = None


Span = Union[Plain, Strong, Code, Link, Mention, Command, Phrase]


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
        for span in localize(self, ENGLISH).spans:
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
    if isinstance(span, Phrase):
        return "".join(plain(part) for part in _resolved(span, ENGLISH))
    if isinstance(span, Link):
        return span.label if span.label == span.url else f"{span.label} ({span.url})"
    if isinstance(span, Mention):
        return f"@{span.handle}"
    if isinstance(span, Command):
        return span.words
    return span.text


def tr(msgid: str, **params: Text | Span | str | int) -> Text:
    """A sentence to translate; each `{name}` in it is filled with `name=` (text, a span, a string or a number)."""
    return Text((Phrase(msgid, _params(params)),))


def trn(singular: str, plural: str, n: int, **params: Text | Span | str | int) -> Text:
    """A sentence whose form depends on the number `n` (also available as `{n}`)."""
    return Text((Phrase(singular, _params({"n": n, **params}), plural, n),))


def _params(params: dict) -> tuple[tuple[str, Text], ...]:
    return tuple((name, rich(str(value) if isinstance(value, int) else value)) for name, value in params.items())


class Translator(Protocol):
    """What `localize` needs of a catalogue (a `gettext.GNUTranslations`)."""

    def gettext(self, message: str) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int) -> str: ...


ENGLISH: Translator = gettext.NullTranslations()  # the message ids are the English


def localize(text: Text, translator: Translator) -> Text:
    """The text with every phrase (and every phrase inside one) read in the translator's language."""
    if not any(isinstance(span, Phrase) for span in text.spans):
        return text
    spans: list[Span] = []
    for span in text.spans:
        spans.extend(_resolved(span, translator) if isinstance(span, Phrase) else (span,))
    return Text(tuple(spans))


def placeholders(message: str) -> list[str]:
    """The `{name}`s of a message, in order (no format specs: numbers come formatted)."""
    return [name for _, name in _pieces(message) if name is not None]


def _resolved(phrase: Phrase, translator: Translator) -> list[Span]:
    if phrase.plural is not None:
        message = translator.ngettext(phrase.msgid, phrase.plural, phrase.n or 0)
    else:
        message = translator.gettext(phrase.msgid)
    params = dict(phrase.params)
    spans: list[Span] = []
    for literal, name in _pieces(message):
        if literal:
            spans.append(Plain(literal))
        if name is not None:
            spans.extend(localize(params[name], translator).spans if name in params else (Plain(f"{{{name}}}"),))
    return spans


def _pieces(message: str) -> list[tuple[str, str | None]]:
    """(literal, placeholder name or None) pairs: a scan with str.find, so no input can make it backtrack."""
    pieces, start = [], 0
    while True:
        opening = message.find("{", start)
        closing = message.find("}", opening + 1) if opening >= 0 else -1
        name = message[opening + 1:closing] if closing >= 0 else ""
        if opening < 0 or closing < 0:
            pieces.append((message[start:], None))
            return pieces
        if not name.isidentifier():  # a lone brace is text
            pieces.append((message[start:opening + 1], None))
            start = opening + 1
            continue
        pieces.append((message[start:opening], name))
        start = closing + 1
