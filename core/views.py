"""Builds the neutral result objects from rows, with links to the public pages."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from core import boards as boards_service
from core import i18n, refs
from core.models import Board, Message, Person, Pin
from core.results import (
    BoardCard,
    BoardRow,
    InviteLink,
    MessageView,
    PinCard,
    ProfileCard,
)
from core.settings import CoreSettings
from core.text import Text, tr

BOARD_PREVIEW = 5


def pin_card(settings: CoreSettings, pin: Pin, conversation_id: int | None = None) -> PinCard:
    """A pin as a card; its picture is the one Pinbridge keeps (served at /media/) when it has one."""
    width = height = None
    if pin.picture_key:
        image_url, image_type = settings.page_url(f"/media/{pin.picture_key}"), pin.picture_type
        width, height = pin.picture_width, pin.picture_height
    else:
        image_url, image_type = pin.image_url, pin.image_type if pin.image_url else None
    return PinCard(
        ref=refs.pin_ref(pin.id), pin_id=pin.id, title=pin.title, url=pin.url,
        description=pin.description, image_url=image_url, creator_handle=pin.creator.handle,
        page_url=settings.page_url(f"/p/{pin.id}"),
        conversation_ref=refs.conversation_ref(conversation_id) if conversation_id else None,
        image_type=image_type, image_width=width, image_height=height,
    )


def board_url(settings: CoreSettings, board: Board) -> str:
    """The public page of a board."""
    return settings.page_url(f"/b/{board.id}")


def board_card(session: Session, settings: CoreSettings, board: Board, limit: int = BOARD_PREVIEW) -> BoardCard:
    """A board with its pin count and its latest pins (a few, unless told more)."""
    pins, total = boards_service.pins_of(session, board, limit)
    return BoardCard(
        board_id=board.id, name=board.name, owner_handle=board.owner.handle, pin_count=total,
        secret=board.secret, pins=tuple(pin_card(settings, p) for p in pins), page_url=board_url(settings, board),
    )


def profile_card(session: Session, settings: CoreSettings, person: Person, viewer: Person | None) -> ProfileCard:
    """A person with the boards the viewer may see."""
    rows = tuple(
        BoardRow(b.name, n, b.secret, b.is_default, board_url(settings, b))
        for b, n in boards_service.listing(session, person, viewer)
    )
    return ProfileCard(
        handle=person.handle, display_name=person.display_name or person.handle,
        avatar_url=person.avatar_url, boards=rows, page_url=settings.page_url(f"/u/{quote(person.handle)}"),
    )


@dataclass(frozen=True)
class Attachments:
    """What a batch of messages carries, loaded at once: pins (with creators), boards (with owners), profiles."""

    pins: dict[int, Pin]
    boards: dict[int, Board]
    people: dict[int, Person]


def attachments(session: Session, messages, owners: bool = True) -> Attachments:
    """Load what many messages (or rows with their columns) carry in a query per kind, so building their views
    asks nothing more per message; `owners=False` when only summaries are wanted (no creators or owners)."""
    pin_ids = {m.pin_id for m in messages if m.kind == "pin" and m.pin_id}
    board_ids = {m.board_id for m in messages if m.kind == "board" and m.board_id}
    person_ids = {m.profile_id for m in messages if m.kind == "profile" and m.profile_id}
    pin_options = (selectinload(Pin.creator),) if owners else ()
    board_options = (selectinload(Board.owner),) if owners else ()
    pins = session.scalars(select(Pin).options(*pin_options).where(Pin.id.in_(pin_ids))) if pin_ids else ()
    boards = session.scalars(select(Board).options(*board_options).where(Board.id.in_(board_ids))) if board_ids else ()
    people = session.scalars(select(Person).where(Person.id.in_(person_ids))) if person_ids else ()
    return Attachments({p.id: p for p in pins}, {b.id: b for b in boards}, {p.id: p for p in people})


def message_view(
    session: Session, settings: CoreSettings, message: Message, participants: tuple[str, ...],
    reader: Person | None = None, loaded: Attachments | None = None,
) -> MessageView:
    """One message of a conversation, with its attachment rendered as a card (`loaded`: batch-loaded attachments)."""
    loaded = loaded or attachments(session, [message])
    sender = message.sender
    pin = board = profile = None
    if message.kind == "pin" and message.pin_id in loaded.pins:
        pin = pin_card(settings, loaded.pins[message.pin_id], message.conversation_id)
    elif message.kind == "board" and message.board_id in loaded.boards:
        board = board_card(session, settings, loaded.boards[message.board_id])
    elif message.kind == "profile" and message.profile_id in loaded.people:
        profile = profile_card(session, settings, loaded.people[message.profile_id], reader)
    return MessageView(
        conversation_ref=refs.conversation_ref(message.conversation_id),
        conversation_id=message.conversation_id, message_id=message.id, sender_handle=sender.handle,
        sender_name=sender.display_name or sender.handle, sender_avatar=sender.avatar_url,
        kind=message.kind, text=message.text, created_at=message.created_at,
        participants=participants, pin=pin, board=board, profile=profile,
        edited=message.edited_at is not None, deleted=message.deleted_at is not None,
    )


def invite_link(settings: CoreSettings, handle: str, code: str) -> InviteLink:
    """The ways in for an invited person: the web page, each platform's opening link, each platform's join command."""
    openings = tuple((p.title, p.opening(f"inv_{code}")) for p in settings.platforms if p.deep_link)
    joins = tuple((p.title, p.typed(f"join {code}")) for p in settings.platforms)
    return InviteLink(handle=handle, code=code, page_url=settings.page_url(f"/i/{code}"), openings=openings, joins=joins)


def handles_of(session: Session, person_ids: list[int]) -> dict[int, str]:
    """Handles for many people in one query."""
    rows = session.execute(select(Person.id, Person.handle).where(Person.id.in_(person_ids)))
    return {pid: handle for pid, handle in rows}


SUMMARY_LIMIT = 80
# Summaries are read by one person (their inbox, a conversation's history, their digest): built in their language.
DELETED = tr("(message deleted)")
JOINED = tr("joined")


def edited(line: str, code: str = "en") -> str:
    """A line marked as edited, in one language ("… (edited)")."""
    return str(i18n.localized(tr("{line} (edited)", line=line), code))


def summary(view: MessageView, code: str = "en") -> str:
    """The one line that describes a message everywhere (inbox, history, notifications): what it carries, its text."""
    if view.deleted:
        return str(i18n.localized(DELETED, code))
    carried = None
    if view.pin:
        carried = f"{view.pin.ref} “{view.pin.title}”"
    elif view.board:
        carried = _board(view.board.name)
    elif view.profile:
        carried = _profile(view.profile.handle)
    elif view.kind == "join":
        carried = JOINED
    line = _line(carried, view.text, code)
    return edited(line, code) if view.edited else line


def summary_of(message, loaded: Attachments, code: str = "en") -> str:
    """`summary` from a message row and its batch-loaded attachments (no card is built), in one language."""
    if getattr(message, "deleted_at", None) is not None:
        return str(i18n.localized(DELETED, code))
    if message.kind == "text":  # most lines of a digest: nothing carried, the text alone
        return _clip(message.text)
    carried = None
    if message.kind == "pin" and message.pin_id in loaded.pins:
        carried = f"{refs.pin_ref(message.pin_id)} “{loaded.pins[message.pin_id].title}”"
    elif message.kind == "board" and message.board_id in loaded.boards:
        carried = _board(loaded.boards[message.board_id].name)
    elif message.kind == "profile" and message.profile_id in loaded.people:
        carried = _profile(loaded.people[message.profile_id].handle)
    elif message.kind == "join":
        carried = JOINED
    return _line(carried, message.text, code)


def _board(name: str) -> Text:
    return tr("board “{name}”", name=name)


def _profile(handle: str) -> Text:
    return tr("{person}'s profile", person=f"@{handle}")


def _line(carried: str | Text | None, text: str, code: str) -> str:
    said = text if carried is not JOINED else ""
    carried = str(i18n.localized(carried, code)) if isinstance(carried, Text) else carried
    return _clip(" ".join(part for part in (carried, said) if part) or text)


def _clip(line: str) -> str:
    return line if len(line) <= SUMMARY_LIMIT else line[: SUMMARY_LIMIT - 1] + "…"
