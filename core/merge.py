"""Merging two people into one when they link accounts: nothing they had is lost."""

from __future__ import annotations

from sqlalchemy import and_, delete, select, update
from sqlalchemy.orm import Session, aliased

from core.conversations import rekey
from core.inserts import insert_if_absent
from core.models import (
    Account,
    Block,
    Board,
    BoardPin,
    Conversation,
    Delivery,
    DigestSend,
    Follow,
    Invite,
    LinkCode,
    Message,
    Participant,
    Person,
    Pin,
    WithheldMessage,
)


def merge_people(session: Session, kept: Person, absorbed: Person) -> None:
    """Move everything of `absorbed` onto `kept`, then delete `absorbed`."""
    session.flush()
    k, a = kept.id, absorbed.id
    session.execute(update(Account).where(Account.person_id == a).values(person_id=k))
    _merge_pins(session, k, a)
    _merge_boards(session, k, a)
    _merge_edges(session, Follow, "follower_id", "followee_id", k, a)
    _merge_edges(session, Block, "blocker_id", "blocked_id", k, a)
    _merge_participants(session, k, a)
    _merge_withheld(session, k, a)
    for column in (Message.sender_id, Message.profile_id):
        session.execute(update(Message).where(column == a).values({column.key: k}))
    session.execute(update(Conversation).where(Conversation.created_by == a).values(created_by=k))
    session.execute(update(Delivery).where(Delivery.person_id == a).values(person_id=k))
    session.execute(update(Invite).where(Invite.inviter_id == a).values(inviter_id=k))
    session.execute(update(Invite).where(Invite.redeemed_by == a).values(redeemed_by=k))
    session.execute(delete(LinkCode).where(LinkCode.person_id == a))
    session.execute(delete(DigestSend).where(DigestSend.person_id == a))
    if not kept.display_name:
        kept.display_name = absorbed.display_name
    kept.avatar_url = kept.avatar_url or absorbed.avatar_url
    kept.timezone = kept.timezone or absorbed.timezone
    session.execute(delete(Person).where(Person.id == a))
    session.expunge(absorbed)
    session.flush()
    session.expire_all()


def _merge_pins(session: Session, k: int, a: int) -> None:
    theirs, ours = aliased(Pin), aliased(Pin)
    pairs = session.execute(
        select(theirs.id, ours.id).join(ours, and_(ours.url == theirs.url, ours.creator_id == k)).where(theirs.creator_id == a)
    ).all()
    for duplicate, original in pairs:
        boards = session.scalars(select(BoardPin.board_id).where(BoardPin.pin_id == duplicate)).all()
        insert_if_absent(session, BoardPin, [{"board_id": b, "pin_id": original} for b in boards])
        session.execute(update(Message).where(Message.pin_id == duplicate).values(pin_id=original))
        session.execute(delete(Pin).where(Pin.id == duplicate))
    session.execute(update(Pin).where(Pin.creator_id == a).values(creator_id=k))


def _merge_boards(session: Session, k: int, a: int) -> None:
    theirs, ours = aliased(Board), aliased(Board)
    pairs = session.execute(
        select(theirs.id, ours.id, theirs.secret != ours.secret)
        .join(ours, and_(ours.owner_id == k, ours.name_key == theirs.name_key))
        .where(theirs.owner_id == a)
    ).all()
    for duplicate, original, privacy_differs in pairs:
        if privacy_differs:  # never fold a secret board into a public one (or back): keep both
            _rename_apart(session, duplicate, k)
            continue
        pins = session.scalars(select(BoardPin.pin_id).where(BoardPin.board_id == duplicate)).all()
        insert_if_absent(session, BoardPin, [{"board_id": original, "pin_id": p} for p in pins])
        session.execute(update(Message).where(Message.board_id == duplicate).values(board_id=original))
        session.execute(delete(Board).where(Board.id == duplicate))
    kept_has_default = session.scalar(select(Board.id).where(Board.owner_id == k, Board.is_default.is_(True)))
    if kept_has_default:
        session.execute(update(Board).where(Board.owner_id == a).values(is_default=False))
    session.execute(update(Board).where(Board.owner_id == a).values(owner_id=k))


def _rename_apart(session: Session, board_id: int, owner_id: int) -> None:
    board = session.get(Board, board_id)
    taken = set(session.scalars(select(Board.name_key).where(Board.owner_id.in_([owner_id, board.owner_id]))))
    n = 2
    while f"{board.name_key} ({n})" in taken:
        n += 1
    board.name, board.name_key, board.is_default = f"{board.name} ({n})", f"{board.name_key} ({n})", False
    session.flush()


def _merge_edges(session: Session, model, source: str, target: str, k: int, a: int) -> None:
    src, dst = getattr(model, source), getattr(model, target)
    outgoing = session.scalars(select(dst).where(src == a, dst != k)).all()
    incoming = session.scalars(select(src).where(dst == a, src != k)).all()
    rows = [{source: k, target: other} for other in outgoing] + [{source: other, target: k} for other in incoming]
    insert_if_absent(session, model, rows)
    session.execute(delete(model).where((src == a) | (dst == a)))


def _merge_participants(session: Session, k: int, a: int) -> None:
    rows = session.scalars(select(Participant).where(Participant.person_id == a)).all()
    touched = [row.conversation_id for row in rows]
    for row in rows:
        mine = session.get(Participant, (row.conversation_id, k))
        if mine is not None:
            mine.last_read_id = max(mine.last_read_id, row.last_read_id)
            mine.dismissed_id = max(mine.dismissed_id, row.dismissed_id)
            session.delete(row)
    session.flush()
    session.execute(update(Participant).where(Participant.person_id == a).values(person_id=k))
    for conversation in session.scalars(select(Conversation).where(Conversation.id.in_(touched))):
        rekey(session, conversation)


def _merge_withheld(session: Session, k: int, a: int) -> None:
    # What either account never saw stays unseen for the merged person.
    hidden = session.scalars(select(WithheldMessage.message_id).where(WithheldMessage.person_id == a)).all()
    insert_if_absent(session, WithheldMessage, [{"message_id": m, "person_id": k} for m in hidden])
    session.execute(delete(WithheldMessage).where(WithheldMessage.person_id == a))
