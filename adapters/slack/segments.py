"""Rendered mrkdwn cut into pieces that fit a limit, never inside an entity, a link or a character.

The text is read once into atoms: an entity (`&amp;` `&lt;` `&gt;`), one piece of Slack
markup (`<https://…|label>`, `<@U1>`), a space, a line break, or a word. A word longer than
a piece is cut between characters, keeping what joins a character (combining marks,
variation selectors, skin tones, zero-width joiners) with it. Pieces end between atoms —
preferably at a line break, else at a space, in the second half of the piece — and that
break is dropped (the block boundary replaces it). Widths count UTF-16 code units, never
less than Slack's count whether it counts code points or code units.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right

# Possessive and without nesting: one pass, no backtracking, whatever the input.
_ATOM = re.compile(r"&(?:amp|lt|gt);|<[^<>]*+>|\n| |[^&<\n ]++|[&<]")
ZWJ = "\u200d"
MAX_CLUSTER = 32  # a character and what joins onto it, at most: 10,000 combining marks are not one atom
CHUNK = 64  # a long word is cut at most every CHUNK code units (a piece stays nearly full)
_SIMPLE = re.compile(r"[\x00-\u02ff]*+")


def width(text: str) -> int:
    """The length Slack's limits are checked against, counted conservatively (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def _joins(ch: str) -> bool:
    """Whether `ch` belongs to the character before it (so no cut may fall in front of it)."""
    code = ord(ch)
    return (ch == ZWJ or 0xFE00 <= code <= 0xFE0F or 0x1F3FB <= code <= 0x1F3FF or 0xE0020 <= code <= 0xE007F
            or unicodedata.combining(ch) != 0)


def _leading_joiners(word: str) -> int:
    """How many characters at the start of a word join onto whatever came before it."""
    count = 0
    while count < len(word) and count < MAX_CLUSTER and _joins(word[count]):
        count += 1
    return count


def _clusters(word: str, limit: int) -> list[str]:
    """A word too long for a piece, in chunks of at most CHUNK units that never part a character from its marks."""
    size = max(1, min(CHUNK, limit))
    if _SIMPLE.fullmatch(word):  # nothing below U+0300 joins onto anything: plain slices will do
        return [word[i: i + size] for i in range(0, len(word), size)]
    found, i, start, used = [], 0, 0, 0
    while i < len(word):
        end = i + 1
        while end < len(word) and end - i < MAX_CLUSTER and (_joins(word[end]) or word[end - 1] == ZWJ):
            end += 1
        cluster = width(word[i:end])
        if used and used + cluster > size:
            found.append(word[start:i])
            start, used = i, 0
        used += cluster
        i = end
    found.append(word[start:])
    return found


def _plain_link(markup: str) -> str:
    """A link too long for any piece, as `label (url)`: both already escaped, so it can be cut between atoms."""
    url, bar, label = markup[1:-1].partition("|")
    return f"{label} ({url})" if bar and label != url else url


def atoms(text: str, limit: int) -> list[str]:
    """`text` as atoms of at most `limit` (but for a single overlong cluster), in order."""
    found: list[str] = []
    for match in _ATOM.finditer(text):
        atom = match.group(0)
        lead = _leading_joiners(atom)
        if lead and found and found[-1] not in (" ", "\n") and width(found[-1]) + lead <= limit:
            found[-1] += atom[:lead]  # a mark after an entity or a link belongs to it
            atom = atom[lead:]
            if not atom:
                continue
        if width(atom) <= limit:
            found.append(atom)
        elif atom.startswith("<"):
            found.extend(atoms(_plain_link(atom), limit))
        else:
            found.extend(_clusters(atom, limit))
    return found


def _pack(parts: list[str], limit: int) -> list[str]:
    """Greedy pieces of at most `limit`, each ending at the best break in its second half."""
    ends, lines, spaces, total = [], [], [], 0
    for index, atom in enumerate(parts):
        total += len(atom) if atom.isascii() else width(atom)
        ends.append(total)
        (lines if atom == "\n" else spaces if atom == " " else []).append(index)
    pieces, start, first = [], 0, 0  # start: the width before atom `first`
    while first < len(parts):
        last = bisect_right(ends, start + limit) - 1  # the last atom that still fits
        if last >= len(parts) - 1:
            pieces.append("".join(parts[first:]))
            break
        cut, drop = max(last, first), 0
        for breaks in (lines, spaces):
            at = breaks[bisect_right(breaks, last) - 1] if breaks and breaks[0] <= last else -1
            if at >= first and ends[at] - start > limit // 2:
                cut, drop = at, 1
                break
        pieces.append("".join(parts[first: cut + 1 - drop]))
        start, first = ends[cut], cut + 1
    return pieces


def split(text: str, limit: int) -> list[str]:
    """`text` as pieces of at most `limit` (UTF-16 units), cut only between atoms; blank pieces are left out."""
    if width(text) <= limit:
        return [text] if text.strip() else []
    return [piece for piece in _pack(atoms(text, limit), limit) if piece.strip()]
