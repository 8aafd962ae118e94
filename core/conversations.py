"""Conversations (F2, F3, F10): who may talk, what is posted, what is unread."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, bindparam, case, func, insert, or_, select, update
from sqlalchemy.orm import Session, make_transient_to_detached, selectinload
from sqlalchemy.orm.util import identity_key

from core import outbox, refreshes, refs
from core.clock import utcnow
from core.db import is_sqlite
from core.errors import Forbidden, InvalidInput, LimitExceeded, NotFound
from core.grammar import clean_text
from core.inserts import insert_if_absent
from core.models import Block, Conversation, Follow, Invite, Message, Participant, Person, WithheldMessage
from core.settings import CoreSettings
from core.text import Command, Mention, tr
from core.visibility import unread_by, visible_to


def members_key(person_ids, invited=()) -> str:
    """The canonical key of a set of people: sorted ids, then the handles still invited ("3,7+carol")."""
    key = ",".join(str(i) for i in sorted(set(person_ids)))
    handles = sorted(set(invited))
    return f"{key}+{','.join(handles)}" if handles else key


def pending_invitees(session: Session, conversation_id: int) -> list[str]:
    """Handles invited to a conversation who have not joined yet."""
    return list(session.scalars(
        select(Invite.invitee_handle).where(Invite.conversation_id == conversation_id, Invite.redeemed_by.is_(None))
    ))


def rekey(session: Session, conversation: Conversation) -> None:
    """Recompute a conversation's key from its participants and pending invites (after a join or a merge)."""
    ids = session.scalars(select(Participant.person_id).where(Participant.conversation_id == conversation.id))
    conversation.members_key = members_key(ids, pending_invitees(session, conversation.id))


def check_group_size(settings: CoreSettings, total: int) -> None:
    """The group limit counts the sender."""
    if total > settings.max_group_size:
        raise LimitExceeded(tr("A conversation holds at most {limit} people including you — that would be {total}.",
                               limit=settings.max_group_size, total=total))


@dataclass(frozen=True)
class Opened:
    """A conversation `open_for` found or started, with its members as it checked them."""

    conversation: Conversation
    created: bool
    members: list[Person]  # the sender first, accounts loaded; nobody among them blocks the sender


def open_for(
    session: Session, settings: CoreSettings, sender: Person, recipients: list[Person], invited: list[str] = (),
) -> Opened:
    """The conversation of exactly these people and pending invitees: reused if it exists, else started (if allowed).

    Pending invites are part of a conversation's identity: a conversation waiting for @carol is
    never reused for a send to the others alone, or Carol would read it once she joins.
    """
    others = _distinct_others(sender, recipients)
    invited = sorted(set(invited))
    if not others and not invited:
        raise InvalidInput(tr("Send it to someone other than yourself."))
    check_group_size(settings, 1 + len(others) + len(invited))
    key = members_key([sender.id] + [p.id for p in others], invited)
    ids = [p.id for p in others]
    # The usual case, a conversation that exists, and the block check in one statement.
    found = session.execute(_BY_MEMBERS, {"key": key, "sender": sender.id, "ids": ids}).first()
    if found is not None:
        _refuse_block(sender, others, found.block)
        return Opened(found.Conversation, False, [sender, *others])
    if ids:
        _refuse_block(sender, others, session.scalar(_BLOCK_BETWEEN, {"sender": sender.id, "ids": ids}))
    if settings.require_mutual_follow:
        _require_mutual(session, sender, others)
    conversation = Conversation(created_by=sender.id, members_key=key)
    session.add(conversation)
    session.flush()
    session.add_all(Participant(conversation_id=conversation.id, person_id=p.id) for p in [sender, *others])
    session.flush()
    return Opened(conversation, True, [sender, *others])


def _distinct_others(sender: Person, recipients: list[Person]) -> list[Person]:
    seen, others = {sender.id}, []
    for person in recipients:
        if person.id not in seen:
            seen.add(person.id)
            others.append(person)
    return others


def _refuse_block(sender: Person, others: list[Person], block: int | None) -> None:
    """Refuse a send across a block: `block` is what _BLOCK_BETWEEN found (see there), or None."""
    if block is None:
        return
    other = next(p for p in others if p.id == abs(block))
    if block > 0:
        raise Forbidden(tr("You have blocked {person} — {command} first.", person=Mention(other.handle),
                              command=Command(f"unblock @{other.handle}")))
    raise Forbidden(tr("You can't message {person}.", person=f"@{other.handle}"))


def _require_mutual(session: Session, sender: Person, others: list[Person]) -> None:
    ids = [p.id for p in others]
    follows = session.execute(
        select(Follow.follower_id, Follow.followee_id).where(
            or_(
                and_(Follow.follower_id == sender.id, Follow.followee_id.in_(ids)),
                and_(Follow.followee_id == sender.id, Follow.follower_id.in_(ids)),
            )
        )
    ).all()
    you_follow = {f.followee_id for f in follows if f.follower_id == sender.id}
    follows_you = {f.follower_id for f in follows if f.followee_id == sender.id}
    for person in others:
        if person.id not in follows_you:
            raise Forbidden(tr("{person} doesn't follow you, so you can't start a conversation with them yet "
                               "(Pinbridge connects people who follow each other).", person=f"@{person.handle}"))
        if person.id not in you_follow:
            raise Forbidden(tr("Follow {person} back first: {command}.", person=Mention(person.handle),
                               command=Command(f"follow @{person.handle}")))


def membership(session: Session, person: Person, reference: str) -> tuple[Conversation, Participant]:
    """The conversation behind `c3`, if the person is in it; NotFound otherwise (no leaks)."""
    conversation_id = refs.parse(reference, "c")
    participant = session.get(Participant, (conversation_id, person.id))
    if participant is None:
        raise NotFound(tr("You have no conversation {conversation}.", conversation=refs.conversation_ref(conversation_id)))
    return participant.conversation, participant


def participants(session: Session, conversation: Conversation) -> list[Person]:
    """Everyone in a conversation, with their accounts loaded (for routing)."""
    return list(
        session.scalars(
            select(Person).join(Participant, Participant.person_id == Person.id)
            .where(Participant.conversation_id == conversation.id)
            .options(selectinload(Person.accounts))
            .order_by(Participant.joined_at, Person.id)
        )
    )


def post(
    session: Session, settings: CoreSettings, conversation: Conversation, sender: Person,
    kind: str = "text", text: str = "", mark_read: bool = True, opened: Opened | None = None, **attachment,
) -> Message:
    """Store a message and its deliveries in one transaction; the sender has read it (unless told not).

    `opened`: what `open_for` already found (the members with their accounts, and that nobody
    among them blocked the sender), so the send does not look it up again.
    """
    text = clean_text(text)
    if len(text) > settings.max_text_length:
        raise InvalidInput(tr("That message is too long ({length} characters; the limit is {limit}).", length=len(text),
                              limit=settings.max_text_length))
    if kind == "text" and not text:
        raise InvalidInput(tr("There's nothing to send — add some text."))
    people = opened.members if opened else participants(session, conversation)
    if sender.id not in {p.id for p in people}:
        raise NotFound(tr("You have no conversation {conversation}.", conversation=refs.conversation_ref(conversation.id)))
    others = [p for p in people if p.id != sender.id]
    blockers = set() if opened else _blockers(session, sender, others)
    recipients = [p for p in others if p.id not in blockers]
    if others and not recipients:
        raise Forbidden(tr("You can't message this conversation any more."))
    _serialize_posts(session, conversation)
    message = _insert_message(session, conversation_id=conversation.id, sender_id=sender.id, kind=kind, text=text,
                              **attachment)
    # Whoever has blocked the sender never sees this message: not now, not after an unblock.
    insert_if_absent(session, WithheldMessage, [{"message_id": message.id, "person_id": p} for p in sorted(blockers)])
    if mark_read:
        _advance(session, Participant.last_read_id, conversation.id, sender.id, message.id)
    outbox.queue_message(session, message, recipients)
    refreshes.queue_refresh_of(session, people, message.created_at)  # their homes show it (if they opened one)
    return message


def _insert_message(session: Session, **values) -> Message:
    # One INSERT … RETURNING on the connection, then the row joins the session as a loaded,
    # persistent Message: the ORM's unit of work (a third of a send's ORM time) is skipped.
    row = {"pin_id": None, "board_id": None, "profile_id": None, "created_at": utcnow(), **values}
    message = Message(id=session.connection().execute(_INSERT_MESSAGE, row).scalar_one(), **row)
    make_transient_to_detached(message)
    session.add(message)
    return message


def _serialize_posts(session: Session, conversation: Conversation) -> None:
    # Taking the conversation's row lock before the message gets its id makes ids within one
    # conversation follow commit order, so "read up to the newest id I can see" never skips a
    # message still being written. SQLite's single writer gives that order by itself.
    if not is_sqlite(session):
        session.execute(update(Conversation).where(Conversation.id == conversation.id).values(updated_at=utcnow()))


def _advance(session: Session, column, conversation_id: int, person_id: int, message_id: int) -> None:
    # Read positions only move forward, in one conditional UPDATE: concurrent readers cannot undo each other.
    # Run on the connection, past the ORM's bulk-update bookkeeping (6× the statement's own cost on
    # a send); a participant this session already holds is expired, so it reads the new position.
    session.connection().execute(
        _ADVANCE[column.key], {"conversation": conversation_id, "person": person_id, "position": message_id},
    )
    held = session.identity_map.get(identity_key(Participant, (conversation_id, person_id)))
    if held is not None:
        session.expire(held, [column.key])


# Statements every send runs, built once: SQLAlchemy then only binds their values.
# A block between the sender and any of `ids`, as one number: +id, the sender blocked them; -id, they
# blocked the sender; NULL, none.
_BLOCK_BETWEEN = select(case((Block.blocker_id == bindparam("sender"), Block.blocked_id), else_=-Block.blocker_id)).where(or_(
    and_(Block.blocker_id == bindparam("sender"), Block.blocked_id.in_(bindparam("ids", expanding=True))),
    and_(Block.blocked_id == bindparam("sender"), Block.blocker_id.in_(bindparam("ids", expanding=True))),
)).limit(1)
_BY_MEMBERS = (select(Conversation, _BLOCK_BETWEEN.scalar_subquery().label("block"))
               .where(Conversation.members_key == bindparam("key")).order_by(Conversation.id.desc()).limit(1))
_INSERT_MESSAGE = insert(Message).returning(Message.id)
_ADVANCE = {
    column.key: update(Participant).where(
        Participant.conversation_id == bindparam("conversation"), Participant.person_id == bindparam("person"),
        column < bindparam("position"),
    ).values({column.key: bindparam("position")})
    for column in (Participant.last_read_id, Participant.dismissed_id)
}


def _blockers(session: Session, sender: Person, others: list[Person]) -> set[int]:
    """Those of `others` who have blocked the sender: they stop receiving (a 1:1 with them is refused)."""
    if not others:
        return set()
    return set(session.scalars(
        select(Block.blocker_id).where(Block.blocked_id == sender.id, Block.blocker_id.in_([p.id for p in others]))
    ))


def latest_id(session: Session, conversation: Conversation) -> int:
    """The newest message id of a conversation (0 when empty)."""
    return session.scalar(select(func.max(Message.id)).where(Message.conversation_id == conversation.id)) or 0


def history(session: Session, person: Person, conversation: Conversation, limit: int = 20) -> list[Message]:
    """The latest messages the person can see, oldest first; reading marks the conversation read."""
    messages = list(
        session.scalars(
            select(Message).where(Message.conversation_id == conversation.id, visible_to(person.id))
            .options(selectinload(Message.sender))
            .order_by(Message.id.desc()).limit(limit)
        )
    )
    mark_read(session, person, conversation)
    return messages[::-1]


def mark_read(session: Session, person: Person, conversation: Conversation) -> int:
    """Mark everything read; returns how many were unread."""
    participant = session.get(Participant, (conversation.id, person.id))
    if participant is None:
        raise NotFound(tr("You have no conversation {conversation}.", conversation=refs.conversation_ref(conversation.id)))
    before = unread_count(session, person, conversation, participant)
    _advance(session, Participant.last_read_id, conversation.id, person.id, latest_id(session, conversation))
    refreshes.queue_refresh(session, [person.id], utcnow())  # read, dismissed: their App Home's counts change
    return before


def dismiss(session: Session, person: Person, conversation: Conversation) -> None:
    """The "x": clear its notifications and hide it from the inbox until something new arrives."""
    mark_read(session, person, conversation)
    _advance(session, Participant.dismissed_id, conversation.id, person.id, latest_id(session, conversation))


def unread_count(session: Session, person: Person, conversation: Conversation, participant=None) -> int:
    """Messages unread by the person in one conversation."""
    participant = participant or session.get(Participant, (conversation.id, person.id))
    return session.scalar(
        select(func.count()).select_from(Message).where(
            Message.conversation_id == conversation.id, unread_by(person.id, participant.last_read_id)
        )
    ) or 0


def join(session: Session, settings: CoreSettings, conversation: Conversation, person: Person) -> bool:
    """Add someone to a conversation (an invite redeemed, marked so first); True when they were not in it."""
    if session.get(Participant, (conversation.id, person.id)) is not None:
        rekey(session, conversation)
        return False
    members = session.scalars(
        select(Participant.person_id).where(Participant.conversation_id == conversation.id)
    ).all()
    check_group_size(settings, len(members) + 1)
    session.add(Participant(conversation_id=conversation.id, person_id=person.id))
    session.flush()
    rekey(session, conversation)
    session.flush()
    return True


def handles_by_conversation(session: Session, conversation_ids) -> dict[int, tuple[str, ...]]:
    """Participants' handles for many conversations in one query, in joining order."""
    found: dict[int, list[str]] = {}
    rows = session.execute(
        select(Participant.conversation_id, Person.handle).join(Person, Person.id == Participant.person_id)
        .where(Participant.conversation_id.in_(list(conversation_ids))).order_by(Participant.joined_at, Person.id)
    )
    for conversation_id, handle in rows:
        found.setdefault(conversation_id, []).append(handle)
    return {k: tuple(v) for k, v in found.items()}
