"""Whole Slack messages: a command's Reply, and a conversation message delivered as a DM.

Every message has a `text` fallback (notifications, screen readers, old clients)
and at most `MAX_BLOCKS` blocks (Slack's limit is 50).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from adapters.slack import cards
from adapters.slack.mrkdwn import clip, escape, link
from core.results import (
    BoardCard, BoardRow, ConversationRow, InviteLink, LinkPrompt, MessageView, PersonRow, PinCard, ProfileCard, Reply,
)

MAX_BLOCKS = 50
TEXT_LIMIT = 3000


@dataclass(frozen=True)
class Rendered:
    """A message ready for chat.postMessage / respond(): mrkdwn `text` fallback and blocks."""

    text: str
    blocks: list[Block] = field(default_factory=list)


def fallback(text: str) -> str:
    """The plain `text` of a message (escaped: Slack reads it as mrkdwn too)."""
    return escape(clip(text.strip(), TEXT_LIMIT)) or " "


def budget(blocks: list[Block], limit: int = MAX_BLOCKS) -> list[Block]:
    """Blocks within Slack's limit; the last one says how much was left out."""
    if len(blocks) <= limit:
        return blocks
    return [*blocks[: limit - 1], cards.context(f"…and {len(blocks) - limit + 1} more blocks — open Pinbridge for the rest.")]


def reply_message(reply: Reply, images: bool = True) -> Rendered:
    """A command's answer: its text (head line when there are cards) and a card per item."""
    if not reply.items:
        icon = "" if reply.ok else ":warning: "
        return Rendered(fallback(reply.text), [cards.section(icon + escape(reply.text))])
    head = reply.text.split("\n", 1)[0]
    blocks: list[Block] = [cards.section(escape(head))]
    large = sum(isinstance(item, PinCard) for item in reply.items) == 1
    for item in reply.items:
        blocks.extend(item_blocks(item, images, large))
    return Rendered(fallback(reply.text), budget(blocks))


def item_blocks(item, images: bool = True, large: bool = True) -> list[Block]:
    """The blocks of one result item."""
    if isinstance(item, PinCard):
        return cards.pin_blocks(item, images, large)
    if isinstance(item, BoardCard):
        return cards.board_blocks(item, images)
    if isinstance(item, ProfileCard):
        return cards.profile_blocks(item, images)
    if isinstance(item, InviteLink):
        return cards.invite_blocks(item)
    if isinstance(item, BoardRow):
        return [cards.board_row_block(item)]
    if isinstance(item, PersonRow):
        return [cards.person_row_block(item)]
    if isinstance(item, ConversationRow):
        return [cards.conversation_row_block(item)]
    if isinstance(item, MessageView):
        return [history_block(item)]
    if isinstance(item, LinkPrompt):
        return cards.link_prompt_blocks(item)
    raise TypeError(f"no Slack rendering for {type(item).__name__}")


def history_block(view: MessageView) -> Block:
    """One line of a conversation's history (the `read` command)."""
    what = view.text
    if view.pin:
        what = f"{link(view.pin.url, view.pin.title)} (*{view.pin.ref}*) {escape(view.text)}".strip()
        return cards.section(f"*@{escape(view.sender_handle)}*: {what}", accessory=cards.open_button(view.pin.url))
    if view.board:
        what = f"board {link(view.board.page_url, view.board.name)} {escape(view.text)}".strip()
    elif view.profile:
        what = f"profile {link(view.profile.page_url, '@' + view.profile.handle)} {escape(view.text)}".strip()
    else:
        what = escape(what)
    return cards.section(f"*@{escape(view.sender_handle)}*: {what}")


def conversation_message(view: MessageView, reader: str = "", images: bool = True) -> Rendered:
    """A message delivered to one reader: who wrote it (name, avatar), the card, Reply and Mark read."""
    others = ", ".join(f"@{escape(h)}" for h in view.participants if h not in (reader, view.sender_handle))
    who = f"*{escape(view.sender_name)}* (@{escape(view.sender_handle)}) in *{view.conversation_ref}*"
    who += f" with {others}" if others else ""
    avatar = view.sender_avatar if images else None
    blocks: list[Block] = [cards.context(who, avatar, f"{clip(view.sender_name, 80)}'s avatar")]
    if view.text:
        text = f"_{escape(view.text)}_" if view.kind == "join" else escape(view.text)
        blocks.append(cards.section(text))
    mark_read = cards.button("Mark read", cards.MARK_READ, view.conversation_ref)
    if view.pin:
        blocks.extend(cards.pin_blocks(view.pin, images, extra=(mark_read,)))
    else:
        if view.board:
            blocks.extend(cards.board_blocks(view.board, images))
        elif view.profile:
            blocks.extend(cards.profile_blocks(view.profile, images))
        blocks.append(ActionsBlock(elements=[cards.button("Reply", cards.REPLY, view.conversation_ref, style="primary"), mark_read]))
    return Rendered(fallback(f"{view.sender_name} (@{view.sender_handle}) in {view.conversation_ref}: {_summary(view)}"), budget(blocks))


def _summary(view: MessageView) -> str:
    if view.pin:
        return f"{view.pin.ref} “{view.pin.title}” {view.text}".strip()
    if view.board:
        return f"board “{view.board.name}” {view.text}".strip()
    if view.profile:
        return f"@{view.profile.handle}'s profile {view.text}".strip()
    return view.text


def buttons_of(rendered: Rendered) -> list[ButtonElement]:
    """Every button in a message (for tests and checks)."""
    return [e for b in rendered.blocks if isinstance(b, ActionsBlock) for e in b.elements] + [
        b.accessory for b in rendered.blocks if isinstance(getattr(b, "accessory", None), ButtonElement)
    ]
