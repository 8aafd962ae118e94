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
from adapters.slack.mrkdwn import clip
from adapters.slack.rich import mrkdwn
from core.boards import DEFAULT_BOARD
from core.grammar import person_ref
from core.i18n import words
from core.results import BoardRow, PersonRow
from core.text import Code, Strong, Text, tr

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


# Every word of a form is read in the language being rendered in (the listener sets it: i18n.speaking).
def _read(text: str | Text | None) -> str | None:
    return text if text is None or isinstance(text, str) else words(text)


def _said(text: Text) -> list[Block]:
    """A context line of the form's own words (no commands in them: spelled the same on any slash command)."""
    return cards.context(mrkdwn(text, ""))


def _modal(callback_id: str, title: str | Text, blocks: list[Block], metadata: str = "",
           submit: Text | None = None) -> View:
    return View(
        type="modal", callback_id=callback_id, title=PlainTextObject(text=clip(_read(title), TITLE_LIMIT)), blocks=blocks,
        submit=PlainTextObject(text=words(submit)) if submit else None,
        close=PlainTextObject(text=words(tr("Cancel") if submit else tr("Close"))), private_metadata=metadata,
    )


def _text_input(block_id: str, label: Text, optional: bool = False, multiline: bool = True,
                placeholder: str | Text | None = None, hint: Text | None = None, limit: int = INPUT_LIMIT) -> InputBlock:
    element = PlainTextInputElement(action_id="value", multiline=multiline, max_length=min(limit, INPUT_LIMIT),
                                    placeholder=_read(placeholder))
    return InputBlock(block_id=block_id, label=words(label), element=element, optional=optional, hint=_read(hint))


def reply_modal(conversation_ref: str, limit: int = INPUT_LIMIT) -> View:
    """Reply in a conversation: one text box, as long as a message may be (Slack's input holds 3,000 at most)."""
    blocks = [*_said(tr("Your reply goes to everyone in {conversation}.", conversation=Strong(conversation_ref))),
              _text_input(MESSAGE_BLOCK, tr("Your reply"), limit=limit)]
    return _modal(REPLY_MODAL, tr("Reply in {conversation}", conversation=conversation_ref), blocks, conversation_ref,
                  submit=tr("Send"))


def _person_option(row: PersonRow) -> Option:
    return Option(value=row.handle, label=clip(f"@{row.handle} ({row.display_name})", OPTION_TEXT))


def _contacts_picker(contacts: list[PersonRow], max_people: int) -> list[Block]:
    """The contacts multi-select; past Slack's 100 options, a line saying the others are named by @handle."""
    if not contacts:
        return _said(tr("No contacts yet: people show up here once you follow each other."))
    picker = StaticMultiSelectElement(
        action_id="value", placeholder=words(tr("Choose contacts")),
        options=[_person_option(c) for c in contacts[:MAX_OPTIONS]], max_selected_items=max_people,
    )
    blocks: list[Block] = [InputBlock(block_id=PEOPLE_BLOCK, label=words(tr("Contacts")), element=picker, optional=True)]
    if len(contacts) > MAX_OPTIONS:
        blocks += _said(tr("The list shows {shown} of your {n} contacts — name the others by @handle below.",
                           shown=MAX_OPTIONS, n=len(contacts)))
    return blocks


def send_modal(pin_ref: str, contacts: list[PersonRow], max_people: int, limit: int = INPUT_LIMIT) -> View:
    """Send a pin: pick contacts, name others by @handle, add a message."""
    blocks: list[Block] = [*_said(tr("Send {pin} to up to {n} people.", pin=Strong(pin_ref), n=max_people)),
                           *_contacts_picker(contacts, max_people)]
    blocks.append(_text_input(MORE_BLOCK, tr("Others, by @handle"), optional=True, multiline=False, placeholder="@ana @bob",
                              hint=tr("Someone not on Pinbridge yet gets an invite link.")))
    blocks.append(_text_input(MESSAGE_BLOCK, tr("Message"), optional=True, limit=limit))
    return _modal(SEND_MODAL, tr("Send {pin}", pin=pin_ref), blocks, pin_ref, submit=tr("Send"))


def new_pin_modal(contacts: list[PersonRow], max_people: int, limit: int = INPUT_LIMIT) -> View:
    """The "New pin" shortcut: a link and a title, and — optionally — people to send it to, in one step."""
    link = InputBlock(block_id=LINK_BLOCK, label=words(tr("Link")), element=UrlInputElement(
        action_id="value", placeholder="https://…"))
    blocks: list[Block] = [link, _text_input(TITLE_BLOCK, tr("Title"), optional=True, multiline=False, limit=200,
                                             hint=tr("Left empty, the page's own title is used."))]
    blocks += _said(tr("Send it too (optional), to up to {n} people:", n=max_people))
    blocks += _contacts_picker(contacts, max_people)
    blocks.append(_text_input(MORE_BLOCK, tr("Others, by @handle"), optional=True, multiline=False, placeholder="@ana @bob"))
    blocks.append(_text_input(MESSAGE_BLOCK, tr("Message"), optional=True, limit=limit))
    return _modal(NEW_PIN_MODAL, tr("New pin"), blocks, submit=tr("Pin"))


def save_modal(pin_ref: str, boards: list[BoardRow]) -> View:
    """Save a pin: choose one of your boards (the default one preselected)."""
    options = [Option(value=b.name, label=clip(_default(b.name) if b.is_default else b.name, OPTION_TEXT)) for b in boards]
    defaults = [o for o, b in zip(options, boards) if b.is_default]
    if not defaults:
        defaults = [Option(value=DEFAULT_CHOICE, label=_default(DEFAULT_BOARD))]
        options.insert(0, defaults[0])
    elif options.index(defaults[0]) >= MAX_OPTIONS:  # the preselected board must be one of the options shown
        options.insert(0, options.pop(options.index(defaults[0])))
    picker = StaticSelectElement(action_id="value", placeholder=words(tr("Choose a board")), options=options[:MAX_OPTIONS],
                                 initial_option=defaults[0])
    blocks: list[Block] = [InputBlock(block_id=BOARD_BLOCK, label=words(tr("Save {pin} to", pin=pin_ref)), element=picker)]
    if len(options) > MAX_OPTIONS:
        blocks += _said(tr("The list shows {shown} of your {n} boards — {command} reaches any of them.", shown=MAX_OPTIONS,
                           n=len(options), command=Code(f"save {pin_ref} to <board>")))
    return _modal(SAVE_MODAL, tr("Save {pin}", pin=pin_ref), blocks, pin_ref, submit=tr("Save"))


def _default(name: str) -> str:
    return words(tr("{board} (default)", board=name))


def done_view(title: str | Text, text: str) -> View:
    """What a modal turns into after a submission: the engine's answer (mrkdwn), whole (a modal holds 100 blocks)."""
    blocks = cards.sections(text.strip()) or cards.sections(mrkdwn(tr("Done."), ""))
    if len(blocks) > MAX_VIEW_BLOCKS:  # 300,000 characters: far past any answer; the rest is in the inbox
        blocks = [*blocks[: MAX_VIEW_BLOCKS - 1], *_said(tr("…the rest is in your {command}.", command=Code("inbox")))]
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
        return {MORE_BLOCK: clip(words(tr("“{typed}” is not a @handle.", typed=bad[0])), 150)}
    return [f"@{h}" for h in picked] + typed


def new_pin_submission(view: dict) -> NewPinForm | dict[str, str]:
    """The New pin modal's link, title and (optional) people and message — or inline errors by block id."""
    values = _state(view)
    url = str(_value(values, LINK_BLOCK).get("value") or "").strip()
    if not url:
        return {LINK_BLOCK: words(tr("Paste a link."))}
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
        return {MORE_BLOCK if PEOPLE_BLOCK not in values else PEOPLE_BLOCK: words(tr("Choose at least one person."))}
    message = str(_value(values, MESSAGE_BLOCK).get("value") or "").strip()
    return SendForm(str(view.get("private_metadata") or ""), people, message)
