"""The modals (Reply, Send, Save to board, New pin), and reading their submissions — all pure.

A submission's state is read here into plain values; the listener hands them to the
engine and shows its answer in the modal (or inline errors, Slack's own way).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    Block, InputBlock, Option, PlainTextInputElement, PlainTextObject, StaticMultiSelectElement, StaticSelectElement,
    UrlInputElement,
)
from slack_sdk.models.views import View

from adapters.slack import cards
from adapters.slack.mrkdwn import clip, escape
from core.boards import DEFAULT_BOARD
from core.grammar import person_ref
from core.results import BoardRow, PersonRow

REPLY_MODAL, SEND_MODAL, SAVE_MODAL, NEW_PIN_MODAL = "reply_modal", "send_modal", "save_modal", "new_pin_modal"
MESSAGE_BLOCK, PEOPLE_BLOCK, MORE_BLOCK, BOARD_BLOCK = "message", "people", "more", "board"
LINK_BLOCK, TITLE_BLOCK = "link", "title"
# https://api.slack.com/reference/block-kit/block-elements#static_select: "Maximum number of options is 100".
MAX_OPTIONS = 100
# https://api.slack.com/reference/block-kit/block-elements#input: plain_text_input max_length "Maximum 3000".
INPUT_LIMIT = 3000
# https://api.slack.com/reference/surfaces/views: title "Max length of 24 characters"; "up to 100 blocks".
TITLE_LIMIT = 24
MAX_VIEW_BLOCKS = 100
OPTION_TEXT = 75  # https://api.slack.com/reference/block-kit/composition-objects#option: text "Maximum ... 75"
DEFAULT_CHOICE = "(default board)"  # the default board before its first pin: it does not exist yet


class InvalidSubmission(ValueError):
    """A submission whose state is missing or malformed (a forged or broken payload)."""


@dataclass(frozen=True)
class SendForm:
    pin: str
    people: list[str]
    message: str


def _modal(callback_id: str, title: str, blocks: list[Block], metadata: str = "", submit: str | None = None) -> View:
    return View(
        type="modal", callback_id=callback_id, title=PlainTextObject(text=clip(title, TITLE_LIMIT)), blocks=blocks,
        submit=PlainTextObject(text=submit) if submit else None, close=PlainTextObject(text="Cancel" if submit else "Close"),
        private_metadata=metadata,
    )


def _text_input(block_id: str, label: str, optional: bool = False, multiline: bool = True,
                placeholder: str | None = None, hint: str | None = None, limit: int = INPUT_LIMIT) -> InputBlock:
    element = PlainTextInputElement(action_id="value", multiline=multiline, max_length=min(limit, INPUT_LIMIT),
                                    placeholder=placeholder)
    return InputBlock(block_id=block_id, label=label, element=element, optional=optional, hint=hint)


def reply_modal(conversation_ref: str, limit: int = INPUT_LIMIT) -> View:
    """Reply in a conversation: one text box, as long as a message may be (Slack's input holds 3,000 at most)."""
    blocks = [*cards.context(f"Your reply goes to everyone in *{escape(conversation_ref)}*."),
              _text_input(MESSAGE_BLOCK, "Your reply", limit=limit)]
    return _modal(REPLY_MODAL, f"Reply in {conversation_ref}", blocks, conversation_ref, submit="Send")


def _person_option(row: PersonRow) -> Option:
    return Option(value=row.handle, label=clip(f"@{row.handle} ({row.display_name})", OPTION_TEXT))


def _contacts_picker(contacts: list[PersonRow], max_people: int) -> list[Block]:
    """The contacts multi-select; past Slack's 100 options, a line saying the others are named by @handle."""
    if not contacts:
        return cards.context("No contacts yet: people show up here once you follow each other.")
    picker = StaticMultiSelectElement(
        action_id="value", placeholder="Choose contacts", options=[_person_option(c) for c in contacts[:MAX_OPTIONS]],
        max_selected_items=max_people,
    )
    blocks: list[Block] = [InputBlock(block_id=PEOPLE_BLOCK, label="Contacts", element=picker, optional=True)]
    if len(contacts) > MAX_OPTIONS:
        blocks += cards.context(f"The list shows {MAX_OPTIONS} of your {len(contacts)} contacts — name the others by @handle below.")
    return blocks


def send_modal(pin_ref: str, contacts: list[PersonRow], max_people: int, limit: int = INPUT_LIMIT) -> View:
    """Send a pin: pick contacts, name others by @handle, add a message."""
    blocks: list[Block] = [*cards.context(f"Send *{escape(pin_ref)}* to up to {max_people} people."),
                           *_contacts_picker(contacts, max_people)]
    blocks.append(_text_input(MORE_BLOCK, "Others, by @handle", optional=True, multiline=False, placeholder="@ana @bob",
                              hint="Someone not on Pinbridge yet gets an invite link."))
    blocks.append(_text_input(MESSAGE_BLOCK, "Message", optional=True, limit=limit))
    return _modal(SEND_MODAL, f"Send {pin_ref}", blocks, pin_ref, submit="Send")


def new_pin_modal(contacts: list[PersonRow], max_people: int, limit: int = INPUT_LIMIT) -> View:
    """The "New pin" shortcut: a link and a title, and — optionally — people to send it to, in one step."""
    link = InputBlock(block_id=LINK_BLOCK, label="Link", element=UrlInputElement(
        action_id="value", placeholder="https://…"))
    blocks: list[Block] = [link, _text_input(TITLE_BLOCK, "Title", optional=True, multiline=False, limit=200,
                                             hint="Left empty, the page's own title is used.")]
    blocks += cards.context(f"Send it too (optional), to up to {max_people} people:")
    blocks += _contacts_picker(contacts, max_people)
    blocks.append(_text_input(MORE_BLOCK, "Others, by @handle", optional=True, multiline=False, placeholder="@ana @bob"))
    blocks.append(_text_input(MESSAGE_BLOCK, "Message", optional=True, limit=limit))
    return _modal(NEW_PIN_MODAL, "New pin", blocks, submit="Pin")


def save_modal(pin_ref: str, boards: list[BoardRow]) -> View:
    """Save a pin: choose one of your boards (the default one preselected)."""
    options = [Option(value=b.name, label=clip(b.name + (" (default)" if b.is_default else ""), OPTION_TEXT)) for b in boards]
    defaults = [o for o, b in zip(options, boards) if b.is_default]
    if not defaults:
        defaults = [Option(value=DEFAULT_CHOICE, label=f"{DEFAULT_BOARD} (default)")]
        options.insert(0, defaults[0])
    elif options.index(defaults[0]) >= MAX_OPTIONS:  # the preselected board must be one of the options shown
        options.insert(0, options.pop(options.index(defaults[0])))
    picker = StaticSelectElement(action_id="value", placeholder="Choose a board", options=options[:MAX_OPTIONS],
                                 initial_option=defaults[0])
    blocks: list[Block] = [InputBlock(block_id=BOARD_BLOCK, label=f"Save {pin_ref} to", element=picker)]
    if len(options) > MAX_OPTIONS:
        blocks += cards.context(f"The list shows {MAX_OPTIONS} of your {len(options)} boards — "
                                f"`save {escape(pin_ref)} to &lt;board&gt;` reaches any of them.")
    return _modal(SAVE_MODAL, f"Save {pin_ref}", blocks, pin_ref, submit="Save")


def done_view(title: str, text: str) -> View:
    """What a modal turns into after a submission: the engine's answer (mrkdwn), whole (a modal holds 100 blocks)."""
    blocks = cards.sections(text.strip()) or cards.sections("Done.")
    if len(blocks) > MAX_VIEW_BLOCKS:  # 300,000 characters: far past any answer; the rest is in the inbox
        blocks = [*blocks[: MAX_VIEW_BLOCKS - 1], *cards.context("…the rest is in your `inbox`.")]
    return _modal("done", title, blocks)


def _state(view: dict) -> dict:
    values = ((view or {}).get("state") or {}).get("values")
    if not isinstance(values, dict):
        raise InvalidSubmission("the modal's state is missing")
    return values


def _value(values: dict, block_id: str) -> dict:
    found = (values.get(block_id) or {}).get("value")
    return found if isinstance(found, dict) else {}


def reply_submission(view: dict) -> tuple[str, str]:
    """(conversation ref, text) from a submitted Reply modal."""
    text = str(_value(_state(view), MESSAGE_BLOCK).get("value") or "").strip()
    return str(view.get("private_metadata") or ""), text


def save_submission(view: dict) -> tuple[str, str]:
    """(pin ref, board name) from a submitted Save modal."""
    selected = _value(_state(view), BOARD_BLOCK).get("selected_option") or {}
    return str(view.get("private_metadata") or ""), str(selected.get("value") or "")


@dataclass(frozen=True)
class NewPinForm:
    url: str
    title: str
    people: list[str]
    message: str


def _people(values: dict) -> list[str] | dict[str, str]:
    picked = [str(o.get("value")) for o in _value(values, PEOPLE_BLOCK).get("selected_options") or [] if o.get("value")]
    typed = [t for t in re.split(r"[\s,]+", str(_value(values, MORE_BLOCK).get("value") or "")) if t]
    bad = [t for t in typed if person_ref(t) is None]
    if bad:
        return {MORE_BLOCK: clip(f"“{bad[0]}” is not a @handle.", 150)}
    return [f"@{h}" for h in picked] + typed


def new_pin_submission(view: dict) -> NewPinForm | dict[str, str]:
    """The New pin modal's link, title and (optional) people and message — or inline errors by block id."""
    values = _state(view)
    url = str(_value(values, LINK_BLOCK).get("value") or "").strip()
    if not url:
        return {LINK_BLOCK: "Paste a link."}
    people = _people(values)
    if isinstance(people, dict):
        return people
    title = str(_value(values, TITLE_BLOCK).get("value") or "").strip()
    return NewPinForm(url, title, people, str(_value(values, MESSAGE_BLOCK).get("value") or "").strip())


def send_submission(view: dict) -> SendForm | dict[str, str]:
    """The Send modal's pin, people and message — or inline errors by block id."""
    values = _state(view)
    people = _people(values)
    if isinstance(people, dict):
        return people
    if not people:
        return {MORE_BLOCK if PEOPLE_BLOCK not in values else PEOPLE_BLOCK: "Choose at least one person."}
    message = str(_value(values, MESSAGE_BLOCK).get("value") or "").strip()
    return SendForm(str(view.get("private_metadata") or ""), people, message)
