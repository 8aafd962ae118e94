"""Hostile results for the Slack renderers: every mrkdwn special in every field a person can fill, at each size."""

from __future__ import annotations

import itertools
import re
from datetime import datetime

from adapters.slack.mrkdwn import escape
from core.ports import Outgoing
from core.results import (
    Digest,
    BoardCard, BoardRow, ConversationRow, InviteLink, LinkPrompt, MessageView, PersonRow, PinCard, ProfileCard, Reply,
)

SPECIALS = ["&", "<", ">", "|", "*", "_", "~", "`", "```", "<!here>", "<!channel|x>", "<@U0BOB>", "<#C1|general>",
            "&amp;", "&lt;", "<https://evil.test|click>", "👍🏽", "👩\u200d👩\u200d👧", "e\u0301", "😀", "🇫🇷", "\u200b",
            ":smile:", " ", "\n"]
WHEN = datetime(2026, 11, 22, 9, 0)
# Sizes that matter, per field: empty, typical, and the most core lets through (pins.py, boards.py, people.py).
TITLE, DESCRIPTION, URL, NAME, BOARD, TEXT = 200, 2000, 2048, 80, 60, 40_000
HANDLES = ("ana", "__x__", "a_b.c_" + "z" * 26)


def hostile(size: int, seed: int = 0) -> str:
    """`size` characters cycling through every mrkdwn special (emoji, joiners and surrogate pairs included)."""
    out, total = [], 0
    for fragment in itertools.islice(itertools.cycle(SPECIALS[seed % len(SPECIALS):] + SPECIALS), 10 * size + 10):
        if total >= size:
            break
        out.append(fragment)
        total += len(fragment)
    return "".join(out)[:size]


def hostile_url(size: int) -> str:
    """An http URL of `size` characters whose query holds the specials."""
    head = "https://shop.test/p?t=<b>&x=|y|*_~`"
    return (head + "&q=1" * size)[:size]


def pin(size: int, n: int = 1, image_type: str | None = "image/png") -> PinCard:
    return PinCard(f"p{n}", n, hostile(min(size, TITLE), n), hostile_url(min(max(size, 30), URL)),
                   hostile(min(size, DESCRIPTION), n + 1), "https://img.test/pin.png", HANDLES[n % 3],
                   f"http://pins.test/p/{n}", f"c{n}", image_type)


def board_row(size: int, n: int) -> BoardRow:
    return BoardRow(hostile(min(size, BOARD), n) or f"b{n}", n, n % 2 == 0, n == 0, f"http://pins.test/b/{n}")


def profile(size: int, boards: int) -> ProfileCard:
    return ProfileCard(HANDLES[1], hostile(min(size, NAME)), "https://img.test/ana.png",
                       tuple(board_row(BOARD, n) for n in range(boards)), "http://pins.test/u/__x__")


def board(size: int, pins: int) -> BoardCard:
    return BoardCard(1, hostile(min(size, BOARD)), HANDLES[2], pins, True, tuple(pin(size, n) for n in range(pins)),
                     "http://pins.test/b/1")


def view(kind: str, size: int) -> MessageView:
    """A message of `kind` whose every field is hostile, `size` characters of text."""
    extra = {"pin": pin(size)} if kind == "pin" else {"board": board(size, 5)} if kind == "board" else {}
    extra = {"profile": profile(size, 100)} if kind == "profile" else extra
    return MessageView("c1", 1, 7, HANDLES[1], hostile(min(size, NAME), 3), "https://img.test/ana.png", kind,
                       hostile(size, 5), WHEN, HANDLES + ("bob",), **extra)


def digest(conversations: int, size: int) -> Digest:
    lines = [{"sender": HANDLES[1], "kind": k, "text": hostile(size, i), "pin_ref": "p1" if k == "pin" else None,
              "pin_title": hostile(min(size, TITLE)) if k == "pin" else None} for i, k in enumerate(("pin", "text", "board"))]
    found = [{"ref": f"c{i}", "conversation_id": i, "count": 3, "lines": lines} for i in range(conversations)]
    return Digest.from_payload(
        {"handle": "bob", "period": "daily:2026-11-22", "total": 3 * conversations, "conversations": found})


def outgoing(chat_id: str, message: MessageView | None = None, digest_payload: Digest | None = None, key: str = "k") -> Outgoing:
    kind = "message" if message is not None else "digest"
    return Outgoing(7, key, "slack", chat_id, "bob", kind, message=message, digest=digest_payload)


def replies(size: int) -> dict[str, Reply]:
    """One Reply per result type (core/results.py), every person-written field hostile."""
    text = hostile(size, 7)
    return {
        "text": Reply(text or "ok"),
        "error": Reply(text or "no", ok=False),
        "one pin": Reply(f"Pinned p1: {text}", items=(pin(size),)),
        "search hits": Reply(f"Pins matching “{text[:40]}”", items=tuple(pin(size, n) for n in range(1, 13))),
        "board": Reply("Board", items=(board(size, 5),)),
        "profile": Reply("Profile", items=(profile(size, 100),)),
        "invite": Reply(text or "invite", items=(InviteLink(HANDLES[2], "K1", "http://pins.test/i/K1", (("Telegram", "https://t.me/b?start=inv_K1"),), (("Slack", "/pin join K1"),)),)),
        "boards": Reply("Your boards:", items=tuple(board_row(size, n) for n in range(120))),
        "contacts": Reply("Contacts:", items=tuple(PersonRow(HANDLES[n % 3], hostile(min(size, NAME), n), ("slack", "telegram"))
                                                   for n in range(60))),
        "inbox": Reply("Your conversations:", items=tuple(ConversationRow(f"c{n}", n, HANDLES, hostile(size, n), n, WHEN)
                                                          for n in range(55))),
        "history": Reply(f"c1 {text[:200]}", items=tuple(view(k, size) for k in ("text", "pin", "board", "profile", "join"))),
        "link prompt": Reply(text or "join?", items=(LinkPrompt("tok", HANDLES[2], "slack", "telegram"),)),
    }


def norm(text: str) -> str:
    """Text compared without the spaces and line breaks a cut may take, and with Slack's | stand-in read back."""
    return re.sub(r"\s", "", text).replace("¦", "|")


def shown(value: str) -> str:
    """How a person-written value must appear in mrkdwn, for comparison with `norm`."""
    return norm(escape(value))
