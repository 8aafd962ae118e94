"""Boards: create, list, show, and save pins onto them (F4, F6)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from core import refreshes
from core.clock import utcnow
from core.errors import InvalidInput, NotFound
from core.text import Command, tr
from core.inserts import insert_if_absent
from core.models import Board, BoardPin, Person, Pin

DEFAULT_BOARD = "Saved"
MAX_NAME = 60


def clean_name(text: str) -> str:
    """A board name: 1–60 printable characters."""
    name = " ".join(text.split())
    if not name:
        raise InvalidInput(tr("Give the board a name."))
    if len(name.lower()) > MAX_NAME:  # lower-casing can lengthen a name (İ → i̇)
        raise InvalidInput(tr("Board names are at most {n} characters.", n=MAX_NAME))
    return name


def default_board(session: Session, person: Person) -> Board:
    """The board one-tap saves go to, created when first needed."""
    board = session.scalar(select(Board).where(Board.owner_id == person.id, Board.is_default.is_(True)))
    if board is None:
        board = session.scalar(
            select(Board).where(Board.owner_id == person.id, Board.name_key == DEFAULT_BOARD.lower())
        )
        if board is None:
            board = Board(owner_id=person.id, name=DEFAULT_BOARD, name_key=DEFAULT_BOARD.lower())
            session.add(board)
        board.is_default = True
        session.flush()
    return board


def create(session: Session, owner: Person, name: str, secret: bool = False) -> Board:
    """A new board; names are unique per owner, ignoring case."""
    name = clean_name(name)
    if find(session, owner, name) is not None:
        raise InvalidInput(tr("You already have a board called “{board}”.", board=name))
    board = Board(owner_id=owner.id, name=name, name_key=name.lower(), secret=secret)
    session.add(board)
    session.flush()
    refreshes.queue_refresh(session, [owner.id], utcnow())  # their App Home lists their boards
    return board


def find(session: Session, owner: Person, name: str) -> Board | None:
    """The owner's board of that name, ignoring case."""
    key = " ".join(name.split()).lower()
    return session.scalar(select(Board).where(Board.owner_id == owner.id, Board.name_key == key))


def get(session: Session, owner: Person, name: str, viewer: Person | None) -> Board:
    """A board the viewer may see; secret boards exist only for their owner."""
    board = find(session, owner, name)
    if board is None or (board.secret and (viewer is None or viewer.id != owner.id)):
        raise NotFound(tr("{person} has no board called “{board}”.", person=f"@{owner.handle}", board=name.strip()[:MAX_NAME]))
    return board


def listing(session: Session, owner: Person, viewer: Person | None) -> list[tuple[Board, int]]:
    """The owner's boards with pin counts; others don't see secret ones."""
    count = func.count(BoardPin.pin_id)
    query = (
        select(Board, count)
        .outerjoin(BoardPin, BoardPin.board_id == Board.id)
        .where(Board.owner_id == owner.id)
        .group_by(Board.id)
        .order_by(Board.is_default.desc(), Board.name_key)
    )
    if viewer is None or viewer.id != owner.id:
        query = query.where(Board.secret.is_(False))
    return [(board, n) for board, n in session.execute(query)]


def pins_of(session: Session, board: Board, limit: int = 10) -> tuple[list[Pin], int]:
    """The most recently saved pins of a board, and how many it holds."""
    total = session.scalar(select(func.count()).select_from(BoardPin).where(BoardPin.board_id == board.id))
    pins = session.scalars(
        select(Pin).options(selectinload(Pin.creator)).join(BoardPin, BoardPin.pin_id == Pin.id)
        .where(BoardPin.board_id == board.id)
        .order_by(BoardPin.saved_at.desc(), Pin.id.desc())
        .limit(limit)
    )
    return list(pins), total or 0


def save(session: Session, person: Person, pin: Pin, board_name: str | None = None) -> tuple[Board, bool]:
    """Save a pin to one of your boards (default: the default one); saving twice is harmless."""
    if board_name:
        board = find(session, person, board_name)
        if board is None:
            name = board_name.strip()[:MAX_NAME]
            raise NotFound(tr("You have no board called “{board}” — {command} makes one.", board=name,
                                  command=Command(f"board new {name}")))
    else:
        board = default_board(session, person)
    added = insert_if_absent(session, BoardPin, {"board_id": board.id, "pin_id": pin.id, "saved_at": utcnow()})
    if added:
        refreshes.queue_refresh(session, [person.id], utcnow())  # their App Home counts the board's pins
    return board, added == 1
