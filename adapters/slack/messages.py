"""Whole Slack messages: a command's Reply, and a conversation message delivered as a DM.

Each is one `Rendered` of whatever size the content needs — a `text` fallback
(notifications, screen readers, old clients) that is never clipped, and its blocks in
groups (one card each). How many posts that takes is decided when it is sent (parts.py).
"""

from __future__ import annotations

import dataclasses

from slack_sdk.models.blocks import ActionsBlock, Block

from adapters.slack import cards
from adapters.slack.mrkdwn import clip, escape, link
from adapters.slack.parts import MAX_BLOCKS, Rendered, as_dict
from adapters.slack.rich import filled, mrkdwn
from core.i18n import rendered_for
from core.text import tr
from core.i18n import current, slot, words
from core.invites import join_line
from core.views import DELETED, edited, summary
from core.results import (
    BoardCard, BoardRow, ConversationRow, InviteLink, LinkPrompt, MessageView, PersonRow, PinCard, ProfileCard, Reply,
)

__all__ = ["MAX_BLOCKS", "Rendered", "buttons_of", "conversation_message", "fallback", "grouped", "reply_message"]


def fallback(text: str) -> str:
    """The plain `text` of a message (escaped: Slack reads it as mrkdwn too), whole."""
    return escape(text.strip()) or " "


def grouped(text: str, groups: list[list[Block]]) -> Rendered:
    """A Rendered from groups of blocks, remembering where each group begins."""
    blocks, starts = [], []
    for group in groups:
        if group:
            starts.append(len(blocks))
            blocks.extend(group)
    return Rendered(text, blocks, tuple(starts))


@rendered_for(lambda reply: reply.locale)
def reply_message(reply: Reply, command: str) -> Rendered:
    """A command's answer: its text (head line when there are cards) and a card per item."""
    text = mrkdwn(reply.body, command).strip() or " "
    if not reply.items:
        icon = "" if reply.ok else ":warning: "
        return grouped(text, [cards.sections(icon + text)])
    large = sum(isinstance(item, PinCard) for item in reply.items) == 1
    groups = [cards.sections(mrkdwn(reply.body.first_line(), command))] + [item_blocks(item, large) for item in reply.items]
    return grouped(text, groups)


def item_blocks(item, large: bool = True) -> list[Block]:
    """The blocks of one result item."""
    if isinstance(item, PinCard):
        return cards.pin_blocks(item, large)
    if isinstance(item, BoardCard):
        return cards.board_blocks(item)
    if isinstance(item, ProfileCard):
        return cards.profile_blocks(item)
    if isinstance(item, InviteLink):
        return cards.invite_blocks(item)
    if isinstance(item, BoardRow):
        return cards.board_row_blocks(item)
    if isinstance(item, PersonRow):
        return cards.person_row_blocks(item)
    if isinstance(item, ConversationRow):
        return cards.conversation_row_blocks(item)
    if isinstance(item, MessageView):
        return history_blocks(item)
    if isinstance(item, LinkPrompt):
        return cards.link_prompt_blocks(item)
    raise TypeError(f"no Slack rendering for {type(item).__name__}")


def history_blocks(view: MessageView) -> list[Block]:
    """One message of a conversation's history (the `read` command), whole."""
    who = f"*@{escape(view.sender_handle)}*:"
    if view.deleted:
        return cards.sections(f"{who} _{escape(words(DELETED))}_")
    if view.edited:
        view = dataclasses.replace(view, text=edited(view.text, current()))
    if view.pin:
        what = f"{link(view.pin.url, view.pin.title)} (*{view.pin.ref}*) {escape(view.text)}".strip()
        return cards.sections(f"{who} {what}", accessory=cards.open_button(view.pin.url))
    if view.board:
        what = filled(tr("board {board}", board=slot("b")), b=link(view.board.page_url, view.board.name))
        what = f"{what} {escape(view.text)}".strip()
    elif view.profile:
        what = filled(tr("profile {person}", person=slot("p")), p=link(view.profile.page_url, '@' + view.profile.handle))
        what = f"{what} {escape(view.text)}".strip()
    elif view.kind == "join":
        what = filled(join_line(view.text))
    else:
        what = escape(view.text)
    return cards.sections(f"{who} {what}")


def conversation_message(view: MessageView, reader: str = "") -> Rendered:
    """A message delivered to one reader: who wrote it (name, avatar), the card, Reply and Mark read."""
    others = ", ".join(f"@{escape(h)}" for h in view.participants if h not in (reader, view.sender_handle))
    pieces = {"n": f"*{escape(view.sender_name)}*", "h": f"@{escape(view.sender_handle)}", "c": f"*{view.conversation_ref}*",
              "o": others}
    if others:
        who = filled(tr("{name} ({handle}) in {conversation} with {people}", name=slot("n"), handle=slot("h"),
                        conversation=slot("c"), people=slot("o")), **pieces)
    else:
        who = filled(tr("{name} ({handle}) in {conversation}", name=slot("n"), handle=slot("h"), conversation=slot("c")),
                     **pieces)
    blocks = cards.context(who, view.sender_avatar, words(tr("{name}'s avatar", name=clip(view.sender_name, 80))))
    if view.text:
        blocks += cards.sections(f"_{filled(join_line(view.text))}_" if view.kind == "join" else escape(view.text))
    mark_read = cards.button(tr("Mark read"), cards.MARK_READ, view.conversation_ref)
    card: list[Block] = []
    if view.pin:
        card = cards.pin_blocks(view.pin, extra=(mark_read,))
    else:
        if view.board:
            card = cards.board_blocks(view.board)
        elif view.profile:
            card = cards.profile_blocks(view.profile)
        card.append(ActionsBlock(elements=[cards.button(tr("Reply"), cards.REPLY, view.conversation_ref, style="primary"), mark_read]))
    text = fallback(words(tr("{name} ({handle}) in {conversation}: {summary}", name=view.sender_name,
                             handle=f"@{view.sender_handle}", conversation=view.conversation_ref,
                             summary=summary(view, current()))))
    return grouped(text, [blocks, card])


def buttons_of(rendered: Rendered) -> list[dict]:
    """Every button in a message, as Slack's JSON (for tests and checks)."""
    found = []
    for block in (as_dict(b) for b in rendered.blocks):
        found += [e for e in block.get("elements", []) if e.get("type") == "button"]
        found += [block["accessory"]] if (block.get("accessory") or {}).get("type") == "button" else []
    return found
