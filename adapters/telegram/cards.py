"""Pure HTML for Telegram (parse_mode HTML): pins, boards, profiles, conversation messages, digests.

Everything that came from a user goes through `esc`; only our own tags are left unescaped.
"""

from __future__ import annotations

import html
from urllib.parse import urlsplit

from core.i18n import filled, slot, words
from core.invites import join_line
from core.text import tr, trn
from core.results import BoardCard, Digest, MessageView, PinCard, ProfileCard

DESCRIPTION_CHARS = 300
BOARD_PINS = 5


def esc(text: object) -> str:
    """Escape user-supplied text for Telegram HTML (quotes too, for attributes)."""
    return html.escape(str(text if text is not None else ""), quote=True)


def link(url: str, label: str) -> str:
    """An HTML link; the label is escaped here."""
    return f'<a href="{esc(url)}">{esc(label)}</a>'


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, with an ellipsis when cut."""
    text = (text or "").strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def host_of(url: str) -> str:
    """The host of a link, for a compact source line."""
    try:
        return urlsplit(url).hostname or url
    except ValueError:
        return url


def pin_html(card: PinCard) -> str:
    """A pin: bold title, description, source host, creator and a link to its page."""
    lines = [f"📌 <b>{esc(card.title)}</b>"]
    if card.description:
        lines.append(esc(shorten(card.description, DESCRIPTION_CHARS)))
    by = esc(words(tr("by {person}", person=f"@{card.creator_handle}")))
    lines.append(f"{esc(host_of(card.url))} · {by} · {link(card.page_url, card.ref)}")
    return "\n".join(lines)


def board_html(card: BoardCard) -> str:
    """A board: name, owner, count and its first pins."""
    count = esc(words(trn("{n} pin", "{n} pins", card.pin_count)))
    by = esc(words(tr("by {person}", person=f"@{card.owner_handle}")))
    page = link(card.page_url, words(tr("board page")))
    lines = [f"🗂 <b>{esc(card.name)}</b> {by} · {count} · {page}"]
    lines += [f"• {esc(pin.ref)} {esc(pin.title)}" for pin in card.pins[:BOARD_PINS]]
    return "\n".join(lines)


def profile_html(card: ProfileCard) -> str:
    """A person: name, handle and their boards."""
    page = link(card.page_url, words(tr("profile")))
    lines = [f"👤 <b>{esc(card.display_name)}</b> @{esc(card.handle)} · {page}"]
    lines += [f"• {esc(row.name)} — " + esc(words(trn("{n} pin", "{n} pins", row.pin_count))) for row in card.boards]
    return "\n".join(lines)


def message_html(view: MessageView) -> str:
    """A conversation message as its reader sees it: who, where, what, and the attachment."""
    others = ", ".join(f"@{esc(h)}" for h in view.participants if h != view.sender_handle)
    head = f"💬 <b>{esc(view.sender_name)}</b> @{esc(view.sender_handle)} · {esc(view.conversation_ref)}"
    parts = [head + (" " + filled(tr("(with {people})", people=slot("o")), esc, o=others) if others else "")]
    if view.text:
        parts.append(f"<i>{esc(words(join_line(view.text)))}</i>" if view.kind == "join" else esc(view.text))
    for card, render in ((view.pin, pin_html), (view.board, board_html), (view.profile, profile_html)):
        if card is not None:
            parts.append(render(card))
    return "\n".join(parts)


def digest_html(digest: Digest) -> str:
    """A digest: unread messages grouped by conversation."""
    total = digest.total
    count = esc(words(trn("{n} unread message", "{n} unread messages", total)))
    lines = ["📬 " + filled(tr("{count} for {person}", count=slot("n"), person=f"@{digest.handle}"), esc,
                           n=f"<b>{count}</b>")]
    for conversation in digest.conversations:
        unread = esc(words(trn("{n} unread", "{n} unread", conversation.count)))
        lines.append(f"\n<b>{esc(conversation.ref)}</b> — {unread}")
        lines += [f"@{esc(line.sender)}: {esc(line.summary)}" for line in conversation.lines]
    return "\n".join(lines)
