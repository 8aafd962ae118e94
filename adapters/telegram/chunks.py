"""Splitting Telegram HTML at the Bot API's length limits without breaking a tag or an entity.

Telegram refuses a text over 4096 characters and a caption over 1024. We measure the raw
HTML in UTF-16 code units (what Telegram counts), which over-estimates the visible length,
so every chunk is safe. A chunk ends at the last line break (else space) in its second
half, else mid-word (never inside a tag or an entity); tags still open there are closed
at its end and reopened at the start of the next chunk.
"""

from __future__ import annotations

import html as entities
import re

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024

_TOKEN = re.compile(r"<[^<>]*>|&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{1,10});|[\s\S]")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)")
_VISIBLE = re.compile(r"<[^<>]*>")
_LINK = re.compile(r'<a href="([^"<>]*)">([^<>]*)</a>')

Stack = tuple[tuple[str, str], ...]  # (tag name, its opening tag) for each open tag


def units(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _after(stack: Stack, token: str) -> Stack:
    """The open-tag stack after one token."""
    match = _TAG.match(token)
    if not match:
        return stack
    closing, name = match.group(1), match.group(2).lower()
    if not closing:
        return (*stack, (name, token))
    for depth in range(len(stack) - 1, -1, -1):
        if stack[depth][0] == name:
            return stack[:depth]
    return stack


def _closers(stack: Stack) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(stack))


def _openers(stack: Stack) -> str:
    return "".join(opening for _, opening in stack)


def _cut(tokens: list[str], start: int, stack: Stack, budget: int) -> tuple[int, Stack]:
    """Where the chunk starting at `start` ends (closing tags included), preferring a line break, then a space."""
    size = 0
    breaks: dict[str, tuple[int, Stack, int]] = {}
    for index in range(start, len(tokens)):
        token = tokens[index]
        after = _after(stack, token)
        size += units(token)
        if size + sum(len(name) + 3 for name, _ in after) > budget:
            return _best_break(breaks, budget) or ((index, stack) if index > start else (index + 1, after))
        stack = after
        if token.isspace():
            breaks["newline" if token == "\n" else "space"] = (index + 1, stack, size)
    return len(tokens), stack


def _best_break(breaks: dict[str, tuple[int, Stack, int]], budget: int) -> tuple[int, Stack] | None:
    """A line break, else a space, in the second half of the chunk (an earlier one wastes a message)."""
    for kind in ("newline", "space"):
        choice = breaks.get(kind)
        if choice and choice[2] >= budget // 2:
            return choice[0], choice[1]
    return None


def _split(html: str, limit: int, first_only: bool) -> tuple[list[str], str]:
    """Chunks of `html` (only the first when `first_only`) and, then, the well-formed rest."""
    tokens = _TOKEN.findall(html)
    text_left = [False] * (len(tokens) + 1)  # is there visible text from index i on?
    for index in range(len(tokens) - 1, -1, -1):
        text_left[index] = text_left[index + 1] or not (tokens[index].startswith("<") or tokens[index].isspace())
    chunks: list[str] = []
    start, stack = 0, ()
    while text_left[start]:
        prefix = _openers(stack)
        if units(prefix) > limit // 2:
            # Reopening would eat the chunk (a huge link): carry on as plain text instead.
            tokens = tokens[:start] + [t for t in tokens[start:] if not _TAG.match(t)]
            prefix, stack = "", ()
        if first_only and chunks:
            return chunks, prefix + "".join(tokens[start:])
        end, after = _cut(tokens, start, stack, limit - units(prefix))
        chunk = prefix + "".join(tokens[start:end]) + _closers(after)
        if visible(chunk).strip():
            chunks.append(chunk)
        start, stack = end, after
    return chunks, ""


def split_first(html: str, limit: int) -> tuple[str, str]:
    """The longest well-formed head of `html` within `limit`, and the rest (well-formed too)."""
    if units(html) <= limit:
        return html, ""
    chunks, rest = _split(html, limit, first_only=True)
    return (chunks[0] if chunks else ""), rest


def split_html(html: str, limit: int = TEXT_LIMIT) -> list[str]:
    """`html` in well-formed chunks of at most `limit` units; chunks with no visible text are dropped."""
    if units(html) <= limit:
        return [html] if visible(html).strip() else []
    return _split(html, limit, first_only=False)[0]


def visible(html: str) -> str:
    """The text without tags (entities left as they are)."""
    return _VISIBLE.sub("", html)


def plain(html: str) -> str:
    """Readable text of our HTML, for a message Telegram could not parse: links spelled out, tags dropped."""
    def spelled(link: re.Match) -> str:
        url, label = link.group(1), link.group(2)
        return label if entities.unescape(label) == entities.unescape(url) else f"{label} ({url})"

    return entities.unescape(visible(_LINK.sub(spelled, html)))
