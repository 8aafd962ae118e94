"""Invites (F9): a pin sent to someone not here yet waits behind a one-time code."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import conversations, people
from core.clock import utcnow
from core.errors import Forbidden, NotFound
from core.inserts import insert_if_absent
from core.models import Conversation, Follow, Invite, Message, Participant, Person
from core.settings import CoreSettings
from core.text import Text, rich, tr

# A newcomer's join message, stored in English as its text: each reader reads it in their language (join_line).
JOINED_FROM_INVITE = "joined from an invite"


def join_line(text: str) -> Text:
    """The words of a join message for its reader (a stored text other than Pinbridge's own is shown as it is)."""
    return tr("joined from an invite") if text == JOINED_FROM_INVITE else rich(text)


def create(session: Session, conversation: Conversation, inviter: Person, handle: str, message: Message) -> Invite:
    """The invite to a conversation for a handle nobody has yet (the pending one, when it exists)."""
    pending = session.scalar(select(Invite).where(
        Invite.conversation_id == conversation.id, Invite.invitee_handle == handle, Invite.redeemed_by.is_(None),
    ))
    if pending is not None:
        return pending
    invite = Invite(
        code=secrets.token_urlsafe(9), conversation_id=conversation.id,
        inviter_id=inviter.id, invitee_handle=handle, message_id=message.id,
    )
    session.add(invite)
    session.flush()
    return invite


def find(session: Session, code: str, lock: bool = False) -> Invite:
    """The invite behind a code, or NotFound; `lock` holds its row until commit (one redeemer at a time)."""
    query = select(Invite).where(Invite.code == code.strip())
    invite = session.scalar(query.with_for_update() if lock else query)
    if invite is None:
        raise NotFound(tr("That invite code is not valid."))
    return invite


def redeem(session: Session, settings: CoreSettings, code: str, person: Person) -> tuple[Invite, Message | None]:
    """Join the invite's conversation; inviter and newcomer now follow each other."""
    invite = find(session, code, lock=True)
    if invite.redeemed_by is not None and invite.redeemed_by != person.id:
        raise Forbidden(tr("That invite has already been used."))
    if people.is_blocked_between(session, invite.inviter_id, person.id):
        raise Forbidden(tr("That invite can't be used."))
    conversation = session.get(Conversation, invite.conversation_id)
    newcomer = session.get(Participant, (conversation.id, person.id)) is None
    if newcomer and invite.redeemed_by is None:  # a participant opening the link does not use it up
        invite.redeemed_by, invite.redeemed_at = person.id, utcnow()
        session.flush()
    joined = conversations.join(session, settings, conversation, person)
    now = utcnow()
    if person.id != invite.inviter_id:
        insert_if_absent(session, Follow, [
            {"follower_id": invite.inviter_id, "followee_id": person.id, "created_at": now},
            {"follower_id": person.id, "followee_id": invite.inviter_id, "created_at": now},
        ])
    waiting = invited_with(session, invite)
    if joined:
        # The newcomer's join must not mark the pin waiting for them as read.
        conversations.post(session, settings, conversation, person, kind="join", text=JOINED_FROM_INVITE, mark_read=False)
    return invite, waiting


def invited_with(session: Session, invite: Invite) -> Message | None:
    """The message the invite was made for: what the newcomer finds waiting (and all its page shows)."""
    return session.get(Message, invite.message_id) if invite.message_id else None
