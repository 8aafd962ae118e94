"""Every result type Pinbridge renders for Telegram, built with hostile user text at the sizes that matter.

Sizes: "empty", "typical", "limit" (each field at Pinbridge's own cap, each message at Telegram's)
and "over" (one past it). Every user-supplied field carries all of Telegram HTML's special
characters, emoji outside the BMP (UTF-16 surrogate pairs), zero-width and right-to-left marks.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from itertools import cycle, islice

from adapters.telegram.cards import message_html
from adapters.telegram.chunks import units
from core.results import BoardCard, BoardRow, ConversationRow, Digest, MessageView, PersonRow, PinCard, ProfileCard

# Tags, entities real and fake, both quotes, a ZWJ family emoji, astral letters, zero-width and RTL marks.
HOSTILE = "<b>x</b> &amp; &lt; &bogus; < > & \" ' 🥾👩‍👩‍👧 𝕏 \u200b\u200c\u200d\ufeff \u202eRTL\u202c שלום مرحبا"
SIZES = ("empty", "typical", "limit", "over")
FIELD_LIMITS = {"title": 200, "description": 2000, "board": 60, "name": 128, "text": 2000, "line": 2000}
HANDLE = "a.b_" + "c" * 28  # a handle at its 32-character cap, with both punctuation marks handles allow
URL = 'https://example.com/p?q=<x>&a="b"&c=\'d\'#🥾'
INTRANET = "http://intranet/wiki?page=<1>"  # core takes it; Telegram refuses it as a button URL
BIG = 9_999_999_999  # ten-digit refs: the longest callback data Pinbridge makes


def text(size: str, field: str) -> str:
    """A user-supplied field of `size`: empty, the hostile line, or hostile text at / one past the field's cap."""
    if size == "empty":
        return ""
    if size == "typical":
        return HOSTILE
    length = FIELD_LIMITS[field] + (size == "over")
    return HOSTILE + "".join(islice(cycle(HOSTILE), max(0, length - len(HOSTILE))))


def pin(size: str, n: int = 1, image_type: str | None = None, url: str = URL) -> PinCard:
    title = text(size, "title") or f"pin {n}"  # core always has a title
    return PinCard(
        ref=f"p{BIG - n}", pin_id=BIG - n, title=title, url=url, description=text(size, "description"),
        image_url="https://img.example.com/pin.jpg" if image_type else None, creator_handle=HANDLE,
        page_url=f"https://pins.test/p/{BIG - n}", image_type=image_type,
    )


def board(size: str) -> BoardCard:
    count = {"empty": 0, "typical": 3, "limit": 5, "over": 40}[size]
    return BoardCard(BIG, text(size, "board") or "b", HANDLE, count, False,
                     tuple(pin(size, n) for n in range(count)), "https://pins.test/b/1")


def profile(size: str) -> ProfileCard:
    count = {"empty": 0, "typical": 3, "limit": 50, "over": 200}[size]
    rows = tuple(BoardRow(text(size, "board") or "b", n, False, n == 0, "https://pins.test/b/1") for n in range(count))
    return ProfileCard(HANDLE, text(size, "name") or "x", None, rows, f"https://pins.test/u/{HANDLE}")


def contacts(size: str) -> list[PersonRow]:
    count = {"empty": 0, "typical": 3, "limit": 40, "over": 150}[size]
    return [PersonRow(f"{HANDLE[:-3]}{n:03d}", text(size, "name") or "x", ("telegram",)) for n in range(count)]


def conversations(size: str) -> tuple[ConversationRow, ...]:
    count = {"empty": 0, "typical": 3, "limit": 10, "over": 200}[size]
    return tuple(ConversationRow(f"c{BIG - n}", BIG - n, (HANDLE, "bob"), text(size, "line"), n, datetime(2024, 1, 1))
                 for n in range(count))


def view(size: str, kind: str = "text", **cards) -> MessageView:
    return MessageView(
        conversation_ref=f"c{BIG}", conversation_id=BIG, message_id=1, sender_handle=HANDLE,
        sender_name=text(size, "name") or "x", sender_avatar=None, kind=kind, text=text(size, "text"),
        created_at=datetime(2024, 1, 1), participants=tuple(f"{HANDLE[:-2]}{n:02d}" for n in range(10)), **cards,
    )


def sized_view(target: int, photo: bool = False) -> MessageView:
    """A pin message whose HTML is exactly `target` UTF-16 units (the text padded with emoji and 'a')."""
    card = pin("typical", image_type="image/jpeg" if photo else None)
    base = replace(view("typical", "pin", pin=card), text="a")
    missing = target - units(message_html(base))
    return replace(base, text="a" + "🥾" * (missing // 2) + "a" * (missing % 2))


def digest(size: str) -> Digest:
    count = {"empty": 0, "typical": 2, "limit": 10, "over": 120}[size]
    line = {"sender": HANDLE, "kind": "pin", "text": text(size, "line"), "pin_ref": f"p{BIG}",
            "pin_title": text(size, "title")}
    return Digest.from_payload({"handle": HANDLE, "period": "2024-01-01", "total": count * 3, "conversations": [
        {"ref": f"c{BIG - n}", "conversation_id": BIG - n, "count": 3, "lines": [line] * 3} for n in range(count)]})
