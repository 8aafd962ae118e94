"""Pure rendering: engine results and deliveries become `Outbound` messages with button rows.

A button either opens a URL or carries an action (a small dict); keyboard.py puts it in
the button's callback_data, or stores it behind a key when it does not fit.
"""

from __future__ import annotations

from dataclasses import dataclass

from adapters.telegram.rich import html
from adapters.telegram.cards import (
    board_html,
    digest_html,
    esc,
    message_html,
    pin_html,
    profile_html,
)
from core.i18n import rendered_for, words
from core.text import tr
from core.results import (
    BoardCard,
    Digest,
    ConversationRow,
    LinkPrompt,
    MessageView,
    PersonRow,
    PinCard,
    ProfileCard,
    Reply,
)

# sendPhoto by URL: Telegram downloads it, and "the content of the URL must uniquely determine the type of
# the message. PNG and JPG files are treated as photos" (levlam in tdlib/telegram-bot-api#644). A WebP is a
# sticker's format and a GIF an animation's, so those, and pictures of a type we never learnt, go without.
PHOTO_TYPES = frozenset({"image/jpeg", "image/png"})
MAX_LISTED_BUTTONS = 10  # rows of per-item buttons under a listing
MAX_PICKER_CONTACTS = 40  # Telegram allows 100 buttons; more contacts than this: type /send
UNCHECKED, CHECKED = "☐", "☑"


@dataclass(frozen=True)
class Button:
    label: str
    action: dict | None = None
    url: str | None = None


Rows = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Outbound:
    """One message to send: HTML text (split as needed), optional photo, buttons, its conversation."""

    html: str
    rows: Rows = ()
    photo: str | None = None
    conversation_ref: str | None = None
    force_reply: str | None = None  # placeholder text: ask the client to reply to this message


def photo_of(card: PinCard) -> str | None:
    """The picture to send with a pin card, when Telegram takes it as a photo."""
    return card.image_url if card.image_url and card.image_type in PHOTO_TYPES else None


def pin_buttons(card: PinCard) -> tuple[Button, ...]:
    """Save, Send and Open for a pin."""
    return (
        Button("💾 " + words(tr("Save")), {"a": "save", "pin": card.ref}),
        Button("📤 " + words(tr("Send")), {"a": "send", "pin": card.ref}),
        Button("🔗 " + words(tr("Open")), url=card.url),
    )


def conversation_buttons(ref: str) -> tuple[Button, ...]:
    """Reply and Mark read for a conversation message."""
    return (Button("↩️ " + words(tr("Reply")), {"a": "reply", "c": ref}), Button("✓ " + words(tr("Mark read")), {"a": "seen", "c": ref}))


def _listing_rows(items: tuple) -> Rows:
    rows: list[tuple[Button, ...]] = []
    for item in items[:MAX_LISTED_BUTTONS]:
        if isinstance(item, PinCard):
            rows.append((
                Button("💾 " + words(tr("Save {pin}", pin=item.ref)), {"a": "save", "pin": item.ref}),
                Button("📤 " + words(tr("Send {pin}", pin=item.ref)), {"a": "send", "pin": item.ref}),
                Button("🔗 " + words(tr("Open")), url=item.url),
            ))
        elif isinstance(item, ConversationRow):
            row = [Button("💬 " + words(tr("Open {conversation}", conversation=item.ref)), {"a": "open", "c": item.ref})]
            if item.unread:
                row.append(Button("✓ " + words(tr("Mark {conversation} read", conversation=item.ref)), {"a": "seen", "c": item.ref}))
            rows.append(tuple(row))
    return tuple(rows)


def _single_card(reply: Reply, card: PinCard | BoardCard | ProfileCard) -> Outbound:
    text = html(reply.body)
    ref = reply.conversation_ref
    reply_row = ((Button("↩️ " + words(tr("Reply")), {"a": "reply", "c": ref}),),) if ref else ()
    if isinstance(card, PinCard):
        rows = (pin_buttons(card), *reply_row)
        return Outbound(f"{text}\n\n{pin_html(card)}", rows, photo=photo_of(card), conversation_ref=ref)
    if isinstance(card, BoardCard):
        return Outbound(f"{text}\n\n{board_html(card)}", ((Button("🗂 " + words(tr("Open board")), url=card.page_url),), *reply_row), conversation_ref=ref)
    return Outbound(f"{text}\n\n{profile_html(card)}", ((Button("👤 " + words(tr("Open profile")), url=card.page_url),), *reply_row), conversation_ref=ref)


def link_prompt_rows(prompt: LinkPrompt) -> Rows:
    """The two buttons that answer a link request: join the accounts, or not."""
    return ((Button(("✅ " + words(tr("Yes, join my account to {person}", person=f"@{prompt.handle}")))[:60],
                    {"a": "linkok", "token": prompt.token}),
             Button("✖ " + words(tr("Cancel")), {"a": "linkno", "token": prompt.token})),)


@rendered_for(lambda reply: reply.locale)
def reply_outbound(reply: Reply) -> Outbound:
    """A command's answer: its text, with the buttons its items call for."""
    prompts = [i for i in reply.items if isinstance(i, LinkPrompt)]
    if prompts and reply.ok:
        return Outbound(html(reply.body), link_prompt_rows(prompts[0]))
    cards = [i for i in reply.items if isinstance(i, (PinCard, BoardCard, ProfileCard))]
    if len(cards) == 1 and reply.ok:
        return _single_card(reply, cards[0])
    text = html(reply.body) if reply.ok else f"⚠️ {html(reply.body)}"
    rows = _listing_rows(reply.items)
    ref = reply.conversation_ref
    if not rows and ref:
        rows = ((Button("↩️ " + words(tr("Reply")), {"a": "reply", "c": ref}),),)
    return Outbound(text, rows, conversation_ref=ref)


def message_outbound(view: MessageView) -> Outbound:
    """A conversation message delivered to one reader."""
    rows: list[tuple[Button, ...]] = [conversation_buttons(view.conversation_ref)]
    if view.pin is not None:
        rows.insert(0, pin_buttons(view.pin))
    elif view.board is not None:
        rows.insert(0, (Button("🗂 " + words(tr("Open board")), url=view.board.page_url),))
    elif view.profile is not None:
        rows.insert(0, (Button("👤 " + words(tr("Open profile")), url=view.profile.page_url),))
    photo = photo_of(view.pin) if view.pin is not None else None
    return Outbound(message_html(view), tuple(rows), photo=photo, conversation_ref=view.conversation_ref)


def digest_outbound(digest: Digest) -> Outbound:
    """A digest with an Open button per conversation and Mark all read."""
    refs = [c.ref for c in digest.conversations if c.ref]
    rows = [(Button("💬 " + words(tr("Open {conversation}", conversation=ref)), {"a": "open", "c": ref}),)
            for ref in refs[:MAX_LISTED_BUTTONS]]
    if refs:
        rows.append((Button("✓ " + words(tr("Mark all read")), {"a": "seen_all", "cs": refs}),))
    return Outbound(digest_html(digest), tuple(rows))


def picker_outbound(pin_ref: str, contacts: list[PersonRow]) -> Outbound:
    """The Send picker: one toggle per contact, then Send and Cancel."""
    shown = contacts[:MAX_PICKER_CONTACTS]
    rows = [(Button(f"{UNCHECKED} @{p.handle} · {p.display_name}"[:60], {"a": "pick", "handle": p.handle}),) for p in shown]
    rows.append((Button("📤 " + words(tr("Send")), {"a": "confirm", "pin": pin_ref}),
                 Button("✖ " + words(tr("Cancel")), {"a": "close"})))
    more = len(contacts) - len(shown)
    tail = "\n" + words(tr("({n} more: type {command} to @handle)", n=more, command=f"/send {pin_ref}")) if more > 0 else ""
    return Outbound(esc(words(tr("Send {pin} to whom? Tap people, then Send.", pin=pin_ref)) + tail), tuple(rows))


@rendered_for(lambda reply: reply.locale)
def prompt_outbound(reply: Reply) -> Outbound:
    """After Reply: ask for the text, as a message the client answers with a reply."""
    ref = reply.conversation_ref
    return Outbound(html(reply.body), conversation_ref=ref,
                    force_reply=words(tr("Reply in {conversation}", conversation=ref)) if ref else None)


def text_outbound(text: str, ok: bool = True) -> Outbound:
    """A plain notice."""
    return Outbound(esc(text) if ok else f"⚠️ {esc(text)}")
