"""Block Kit for one result item each: pin, board, profile, invite and listing rows.

Every function is pure: a neutral result in, `slack_sdk.models.blocks` objects out. Text
of any length becomes as many sections as it needs (segments.py cuts it between markup),
so nothing is clipped. Button values carry plain references (p12, c3): the engine checks
that the clicker may use them, so a forged value gains nothing.
"""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock, Block, ButtonElement, ContextBlock, ImageBlock, ImageElement, MarkdownTextObject, SectionBlock,
)

from adapters.slack.mrkdwn import clip, escape, link
from adapters.slack.rich import filled
from adapters.slack.segments import split
from core.i18n import slot, words
from core.text import Text, rich, tr, trn
from core.results import BoardCard, BoardRow, ConversationRow, InviteLink, LinkPrompt, PersonRow, PinCard, ProfileCard

# action ids the app listens for
SAVE, REPLY, SEND, MARK_READ, OPEN_CONVERSATION = "pin_save", "conv_reply", "pin_send", "conv_read", "conv_open"
LINK_CONFIRM, LINK_CANCEL = "link_confirm", "link_cancel"
OPEN_URL = "open_url"  # URL buttons: Slack still posts a block_actions payload, only acknowledged
# https://api.slack.com/reference/block-kit/composition-objects#text: "maximum 3000 characters".
SECTION_LIMIT = 3000
# https://api.slack.com/reference/block-kit/blocks#image: alt_text "Maximum length ... is 2000 characters".
ALT_LIMIT = 2000
# https://api.slack.com/reference/block-kit/blocks#context: "Maximum number of items is 10".
CONTEXT_ITEMS = 10
# https://api.slack.com/reference/block-kit/block-elements#button: text "Maximum length ... is 75 characters".
BUTTON_TEXT = 75
# https://api.slack.com/reference/block-kit/blocks#image: "png, jpg, jpeg, or gif" (WebP is refused).
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif"})


def picture(card: PinCard) -> str | None:
    """The pin's image URL when Slack can show it (its type known from its bytes, and one Slack takes)."""
    return card.image_url if card.image_url and card.image_type in IMAGE_TYPES else None


def button(text: str | Text, action_id: str, value: str | None = None, url: str | None = None, style: str | None = None) -> ButtonElement:
    """A button; URL buttons open the link in the browser."""
    text = text if isinstance(text, str) else words(text)  # a label to translate, in the reader's language
    return ButtonElement(text=clip(text, BUTTON_TEXT), action_id=action_id, value=value, url=url, style=style)


def open_button(url: str, text: str | Text = tr("Open"), suffix: str = "") -> ButtonElement:
    """A URL button (action ids must differ within one block, hence the suffix)."""
    return button(text, f"{OPEN_URL}{suffix}", url=url)


def sections(text: str, accessory=None) -> list[Block]:
    """Already-escaped mrkdwn as one section per 3,000 characters; the accessory sits on the first."""
    return [SectionBlock(text=MarkdownTextObject(text=piece), accessory=None if i else accessory)
            for i, piece in enumerate(split(text, SECTION_LIMIT))]


def context(text: str, image_url: str | None = None, alt_text: str = "") -> list[Block]:
    """A context line (already-escaped mrkdwn), led by a small image when given."""
    items = [ImageElement(image_url=image_url, alt_text=clip(alt_text, ALT_LIMIT))] if image_url else []
    items += [MarkdownTextObject(text=piece) for piece in split(text, SECTION_LIMIT)]
    return [ContextBlock(elements=items[i: i + CONTEXT_ITEMS]) for i in range(0, len(items), CONTEXT_ITEMS)]


def pins(count: int) -> str:
    """'1 pin', '2 pins' (escaped mrkdwn), in the reader's language."""
    return filled(trn("{n} pin", "{n} pins", count))


def pin_blocks(card: PinCard, large: bool = True, extra: tuple[ButtonElement, ...] = ()) -> list[Block]:
    """A pin card: linked title, image, description, refs, its page, and Save/Reply/Open/Send."""
    title = f"*{link(card.url, card.title)}*"
    body = f"{title}\n{escape(card.description)}" if card.description else title
    image, alt = picture(card), clip(card.title or card.url, ALT_LIMIT)
    thumbnail = ImageElement(image_url=image, alt_text=alt) if image and not large else None
    blocks = sections(body, accessory=thumbnail)
    if image and large:
        blocks.append(ImageBlock(image_url=image, alt_text=alt))
    where = ""
    if card.conversation_ref:
        where = " · " + filled(tr("in {conversation}", conversation=slot("c")), c=f"*{card.conversation_ref}*")
    by = filled(tr("pinned by {person}", person=slot("p")), p=f"@{escape(card.creator_handle)}")
    page = link(card.page_url, words(tr("pin page")))
    blocks += context(f"*{card.ref}* · {by}{where} · {page}")
    buttons = [button(tr("Save"), SAVE, card.ref, style="primary")]
    if card.conversation_ref:
        buttons.append(button(tr("Reply"), REPLY, card.conversation_ref))
    buttons += [open_button(card.url), button(tr("Send"), SEND, card.ref), *extra]
    blocks.append(ActionsBlock(elements=buttons))
    return blocks


def board_blocks(card: BoardCard) -> list[Block]:
    """A board: name, owner, pin count, a few pins (each with Open), and its page."""
    lock = " :lock:" if card.secret else ""
    by = filled(tr("by {person}", person=slot("p")), p=f"@{escape(card.owner_handle)}")
    head = f"*{link(card.page_url, card.name)}*{lock} {by} — {pins(card.pin_count)}"
    blocks = sections(head, accessory=open_button(card.page_url, tr("Open board")))
    for pin in card.pins:
        image = picture(pin)
        thumb = ImageElement(image_url=image, alt_text=clip(pin.title or pin.url, ALT_LIMIT)) if image else None
        blocks += sections(f"{link(pin.url, pin.title)} · *{pin.ref}*", accessory=thumb or open_button(pin.url))
    if not card.pins:
        blocks += context(words(tr("No pins on this board yet.")))
    return blocks


def profile_blocks(card: ProfileCard) -> list[Block]:
    """A person: name, handle, avatar and the boards the viewer may see."""
    # Avatars come from Slack's own users.info (PNG/JPEG it serves); an image it refuses costs only the picture.
    alt = words(tr("{name}'s avatar", name=clip(card.display_name, 80)))
    avatar = ImageElement(image_url=card.avatar_url, alt_text=alt) if card.avatar_url else None
    head = f"*{link(card.page_url, card.display_name)}* (@{escape(card.handle)})"
    lines = [f"• {link(b.page_url, b.name)} — {pins(b.pin_count)}" for b in card.boards]
    lines = lines or [filled(tr("No boards yet."))]
    body = head + "\n" + "\n".join(lines)
    return sections(body, accessory=avatar or open_button(card.page_url, tr("Open profile")))


def invite_blocks(invite: InviteLink) -> list[Block]:
    """An invite for someone not on Pinbridge yet: the web page and each platform's way in."""
    ways = {"w0": link(invite.page_url, words(tr("invite page")))}
    either = rich(slot("w0"))
    for n, (title, url) in enumerate(invite.openings, 1):
        ways[f"w{n}"] = link(url, words(tr("open in {platform}", platform=title)))
        either = tr("{one} or {other}", one=either, other=slot(f"w{n}"))
    text = filled(tr("{person} isn't on Pinbridge yet — share this invite: {links}", person=slot("h"), links=either),
                  h=f"@{escape(invite.handle)}", **ways)
    return sections(text, accessory=open_button(invite.page_url, tr("Invite page")))


def board_row_blocks(row: BoardRow) -> list[Block]:
    """One of your boards, with Open."""
    flags = (" :lock:" if row.secret else "") + (" " + filled(tr("(default)")) if row.is_default else "")
    return sections(f"*{escape(row.name)}*{flags} — {pins(row.pin_count)}", accessory=open_button(row.page_url))


def person_row_blocks(row: PersonRow) -> list[Block]:
    """One contact."""
    where = ", ".join(p.title() for p in row.platforms)
    return sections(f"*@{escape(row.handle)}* ({escape(row.display_name)})" + (f" · {where}" if where else ""))


def conversation_row_blocks(row: ConversationRow) -> list[Block]:
    """One inbox line: the others in it, unread count, a preview of the last line, and Open (the history)."""
    return sections(conversation_line(row), accessory=button(tr("Open"), OPEN_CONVERSATION, row.ref))


def conversation_line(row: ConversationRow, last_line: int = 300) -> str:
    """"*c3* with @ana, @bob — *2 unread*" and a preview of the last line below it, in the reader's language."""
    others = ", ".join(f"@{escape(h)}" for h in row.participants)
    people = slot("o") if others else tr("just you")
    head = filled(tr("{conversation} with {people}", conversation=slot("c"), people=people), c=f"*{escape(row.ref)}*",
                  o=others)
    unread = " — *" + filled(trn("{n} unread", "{n} unread", row.unread)) + "*" if row.unread else ""
    return f"{head}{unread}\n{escape(clip(row.last_line, last_line))}"


def link_prompt_blocks(prompt: LinkPrompt) -> list[Block]:
    """The two buttons that answer a link request: join the accounts, or not."""
    return [ActionsBlock(elements=[
        button(tr("Yes, join my account to {person}", person=f"@{prompt.handle}"), LINK_CONFIRM, prompt.token, style="danger"),
        button(tr("Cancel"), LINK_CANCEL, prompt.token),
    ])]
