"""Read-only queries behind the public web pages: what anyone without a login may see.

The public has no viewer, so every query here applies the anonymous rules: pins only
when a public board holds them, public boards only, secret boards do not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from core import invites, people, refs, views
from core.errors import DomainError
from core.models import Board, BoardPin, Participant, Person, Pin
from core.pins import public_or_own
from core.results import BoardCard, InviteLink, PinCard, ProfileCard
from core.settings import CoreSettings

BOARD_PAGE = 60  # pins shown on a board page, newest first
SAVERS_SHOWN = 12


@dataclass(frozen=True)
class PinPage:
    card: PinCard
    creator_name: str
    savers: tuple[str, ...]  # handles of people keeping it on a public board, creator aside
    saver_count: int
    boards: tuple[tuple[str, str, str], ...] = ()  # (board name, its page, its owner's handle): public boards only


@dataclass(frozen=True)
class ProfilePage:
    card: ProfileCard
    pins: tuple[PinCard, ...]  # the latest pins of their public boards


@dataclass(frozen=True)
class BoardPage:
    card: BoardCard
    owner_name: str


@dataclass(frozen=True)
class InvitePage:
    link: InviteLink
    inviter_handle: str
    inviter_name: str
    pin: PinCard | None  # None once the invite is used: the link no longer shows the conversation
    participants: int
    redeemed: bool


def pin_page(session: Session, settings: CoreSettings, pin_id: int) -> PinPage | None:
    """A pin the public may see, with who saved it; None when it is not public."""
    if not 0 < pin_id <= refs.MAX_ID:
        return None
    pin = session.scalar(select(Pin).where(Pin.id == pin_id, public_or_own(None)))
    if pin is None:
        return None
    savers, count = _savers(session, pin)
    return PinPage(views.pin_card(settings, pin), _name(pin.creator), savers, count, _public_boards(session, settings, pin))


def _public_boards(session: Session, settings: CoreSettings, pin: Pin) -> tuple[tuple[str, str, str], ...]:
    """The public boards a pin is on (secret ones are never named), earliest saved first."""
    rows = session.execute(
        select(Board, Person.handle).join(BoardPin, BoardPin.board_id == Board.id).join(Person, Person.id == Board.owner_id)
        .where(BoardPin.pin_id == pin.id, Board.secret.is_(False))
        .order_by(BoardPin.saved_at, Board.id).limit(SAVERS_SHOWN)
    )
    return tuple((board.name, views.board_url(settings, board), handle) for board, handle in rows)


def _savers(session: Session, pin: Pin) -> tuple[tuple[str, ...], int]:
    """Owners of public boards holding the pin (not its creator), earliest first, and how many."""
    conditions = (BoardPin.pin_id == pin.id, Board.secret.is_(False), Board.owner_id != pin.creator_id)
    owners = (
        select(Person.handle)
        .join(Board, Board.owner_id == Person.id)
        .join(BoardPin, BoardPin.board_id == Board.id)
        .where(*conditions)
        .group_by(Person.id, Person.handle)
        .order_by(func.min(BoardPin.saved_at), Person.handle)
        .limit(SAVERS_SHOWN)
    )
    count = session.scalar(
        select(func.count(func.distinct(Board.owner_id)))
        .select_from(Board).join(BoardPin, BoardPin.board_id == Board.id).where(*conditions)
    )
    return tuple(session.scalars(owners)), count or 0


def board_page(session: Session, settings: CoreSettings, board_id: int) -> BoardPage | None:
    """A public board with its latest pins; None for unknown and secret boards alike."""
    if not 0 < board_id <= refs.MAX_ID:
        return None
    board = session.get(Board, board_id)
    if board is None or board.secret:
        return None
    return BoardPage(views.board_card(session, settings, board, limit=BOARD_PAGE), _name(board.owner))


def profile_page(session: Session, settings: CoreSettings, handle: str) -> ProfilePage | None:
    """A person, their public boards and the latest pins on them; handles match ignoring case."""
    try:
        person = people.by_handle(session, handle)
    except DomainError:
        return None
    latest = (
        select(Pin).options(selectinload(Pin.creator)).join(BoardPin, BoardPin.pin_id == Pin.id)
        .join(Board, Board.id == BoardPin.board_id)
        .where(Board.owner_id == person.id, Board.secret.is_(False))
        .group_by(Pin.id).order_by(func.max(BoardPin.saved_at).desc(), Pin.id.desc()).limit(BOARD_PAGE)
    )
    pins = tuple(views.pin_card(settings, pin) for pin in session.scalars(latest))
    return ProfilePage(views.profile_card(session, settings, person, None), pins)


def invite_page(session: Session, settings: CoreSettings, code: str) -> InvitePage | None:
    """What waits behind an invite code and how to accept it; None for a bad code."""
    try:
        invite = invites.find(session, code)
    except DomainError:
        return None
    inviter = session.get(Person, invite.inviter_id)
    redeemed = invite.redeemed_by is not None
    # Only what the invite was made for, never what the conversation holds now.
    waiting = None if redeemed else invites.invited_with(session, invite)
    pin = session.get(Pin, waiting.pin_id) if waiting is not None and waiting.pin_id else None
    participants = session.scalar(
        select(func.count()).select_from(Participant).where(Participant.conversation_id == invite.conversation_id)
    )
    return InvitePage(
        link=views.invite_link(settings, invite.invitee_handle, invite.code),
        inviter_handle=inviter.handle, inviter_name=_name(inviter),
        pin=views.pin_card(settings, pin) if pin else None, participants=participants or 0,
        redeemed=redeemed,
    )


def _name(person: Person) -> str:
    return person.display_name or person.handle
