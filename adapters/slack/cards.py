"""Block Kit for one result item each: pin, board, profile, invite and listing rows.

Every function is pure: a neutral result in, `slack_sdk.models.blocks` objects out.
Button values carry plain references (p12, c3): the engine checks that the clicker
may use them, so a forged value gains nothing.
"""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock, Block, ButtonElement, ContextBlock, ImageBlock, ImageElement, MarkdownTextObject, SectionBlock,
)

from adapters.slack.mrkdwn import clip, escape, link
from core.results import BoardCard, BoardRow, ConversationRow, InviteLink, LinkPrompt, PersonRow, PinCard, ProfileCard

# action ids the app listens for
SAVE, REPLY, SEND, MARK_READ, OPEN_CONVERSATION = "pin_save", "conv_reply", "pin_send", "conv_read", "conv_open"
LINK_CONFIRM, LINK_CANCEL = "link_confirm", "link_cancel"
OPEN_URL = "open_url"  # URL buttons: Slack still posts a block_actions payload, only acknowledged
SECTION_LIMIT = 3000
ALT_LIMIT = 2000


def button(text: str, action_id: str, value: str | None = None, url: str | None = None, style: str | None = None) -> ButtonElement:
    """A button; URL buttons open the link in the browser."""
    return ButtonElement(text=clip(text, 75), action_id=action_id, value=value, url=url, style=style)


def open_button(url: str, text: str = "Open", suffix: str = "") -> ButtonElement:
    """A URL button (action ids must differ within one block, hence the suffix)."""
    return button(text, f"{OPEN_URL}{suffix}", url=url)


def section(text: str, accessory=None) -> SectionBlock:
    """A mrkdwn section, clipped to Slack's limit; `text` must already be escaped."""
    return SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_LIMIT)), accessory=accessory)


def context(text: str, image_url: str | None = None, alt_text: str = "") -> ContextBlock:
    """A context line, optionally led by a small image."""
    elements = [ImageElement(image_url=image_url, alt_text=clip(alt_text, ALT_LIMIT))] if image_url else []
    return ContextBlock(elements=[*elements, MarkdownTextObject(text=clip(text, SECTION_LIMIT))])


def pin_blocks(card: PinCard, images: bool = True, large: bool = True, extra: tuple[ButtonElement, ...] = ()) -> list[Block]:
    """A pin card: linked title, image, description, refs, its page, and Save/Reply/Open/Send."""
    title = f"*{link(card.url, card.title)}*"
    body = f"{title}\n{escape(clip(card.description, 600))}" if card.description else title
    alt = clip(card.title or card.url, ALT_LIMIT)
    thumbnail = ImageElement(image_url=card.image_url, alt_text=alt) if images and card.image_url and not large else None
    blocks: list[Block] = [section(body, accessory=thumbnail)]
    if images and card.image_url and large:
        blocks.append(ImageBlock(image_url=card.image_url, alt_text=alt))
    where = f" · in *{card.conversation_ref}*" if card.conversation_ref else ""
    blocks.append(context(f"*{card.ref}* · pinned by @{escape(card.creator_handle)}{where} · {link(card.page_url, 'pin page')}"))
    buttons = [button("Save", SAVE, card.ref, style="primary")]
    if card.conversation_ref:
        buttons.append(button("Reply", REPLY, card.conversation_ref))
    buttons += [open_button(card.url), button("Send", SEND, card.ref), *extra]
    blocks.append(ActionsBlock(elements=buttons))
    return blocks


def board_blocks(card: BoardCard, images: bool = True) -> list[Block]:
    """A board: name, owner, pin count, a few pins (each with Open), and its page."""
    count = f"{card.pin_count} pin{'s' * (card.pin_count != 1)}"
    lock = " :lock:" if card.secret else ""
    head = f"*{link(card.page_url, card.name)}*{lock} by @{escape(card.owner_handle)} — {count}"
    blocks: list[Block] = [section(head, accessory=open_button(card.page_url, "Open board"))]
    for pin in card.pins:
        thumb = ImageElement(image_url=pin.image_url, alt_text=clip(pin.title or pin.url, ALT_LIMIT)) if images and pin.image_url else None
        line = f"{link(pin.url, pin.title)} · *{pin.ref}*"
        blocks.append(section(line, accessory=thumb or open_button(pin.url)))
    if not card.pins:
        blocks.append(context("No pins on this board yet."))
    return blocks


def profile_blocks(card: ProfileCard, images: bool = True) -> list[Block]:
    """A person: name, handle, avatar and the boards the viewer may see."""
    avatar = ImageElement(image_url=card.avatar_url, alt_text=f"{clip(card.display_name, 80)}'s avatar") if images and card.avatar_url else None
    head = f"*{link(card.page_url, card.display_name)}* (@{escape(card.handle)})"
    lines = [f"• {link(b.page_url, b.name)} — {b.pin_count} pin{'s' * (b.pin_count != 1)}" for b in card.boards]
    body = head + ("\n" + "\n".join(lines) if lines else "\nNo boards yet.")
    return [section(body, accessory=avatar or open_button(card.page_url, "Open profile"))]


def invite_blocks(invite: InviteLink) -> list[Block]:
    """An invite for someone not on Pinbridge yet: the web page and the Telegram deep link."""
    text = (f"@{escape(invite.handle)} isn't on Pinbridge yet — share this invite: "
            f"{link(invite.page_url, 'invite page')} or {link(invite.telegram_url, 'open in Telegram')}")
    return [section(text, accessory=open_button(invite.page_url, "Invite page"))]


def board_row_block(row: BoardRow) -> Block:
    """One of your boards, with Open."""
    flags = (" :lock:" if row.secret else "") + (" (default)" if row.is_default else "")
    text = f"*{escape(row.name)}*{flags} — {row.pin_count} pin{'s' * (row.pin_count != 1)}"
    return section(text, accessory=open_button(row.page_url))


def person_row_block(row: PersonRow) -> Block:
    """One contact."""
    where = ", ".join(p.title() for p in row.platforms)
    return section(f"*@{escape(row.handle)}* ({escape(row.display_name)})" + (f" · {where}" if where else ""))


def conversation_row_block(row: ConversationRow) -> Block:
    """One inbox line: the others in it, unread count, last line, and Open (shows the history)."""
    others = ", ".join(f"@{escape(h)}" for h in row.participants) or "just you"
    unread = f" — *{row.unread} unread*" if row.unread else ""
    text = f"*{row.ref}* with {others}{unread}\n{escape(clip(row.last_line, 300))}"
    return section(text, accessory=button("Open", OPEN_CONVERSATION, row.ref))


def link_prompt_blocks(prompt: LinkPrompt) -> list[Block]:
    """The two buttons that answer a link request: join the accounts, or not."""
    return [ActionsBlock(elements=[
        button(f"Yes, join my account to @{prompt.handle}", LINK_CONFIRM, prompt.token, style="danger"),
        button("Cancel", LINK_CANCEL, prompt.token),
    ])]
