"""A person corrects or removes their own message: the stored message changes, and so does every copy.

A message a person typed on a platform (a reply in the thread of the bot's message, a reply to
one of the bot's messages) keeps its platform id as its *source*. When the platform says that
message was edited or deleted, the change is stored and one `edit` or `delete` delivery is
queued per copy already queued or delivered, in that copy's own lane: after the copy itself,
paced as any send to that chat is.

Edits coalesce where they are sent, not where they are queued: every edit queues its own
delivery per copy (committed with the edit, so it is claimed only after the new text is there),
and each renders the message as it is when claimed. While the chat's pacing holds a storm of
edits back, the text moves on; the first delivery claimed afterwards sends the latest, and the
others find the copy showing their text already (`shown`) and are skipped without a call. So
the copy ends on the last text, and the platform never hears an edit that changes nothing. A
copy not yet delivered simply goes out with the new text (deliveries are rendered when claimed).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, or_, select, update
from sqlalchemy.orm import Session

from core import digests, refreshes
from core.errors import Forbidden, InvalidInput, NotFound
from core.grammar import clean_text
from core.inserts import insert_if_absent, insert_ignoring
from core.models import Account, Block, Delivery, Lane, Message, MessageSource, Participant, WithheldMessage
from core.settings import CoreSettings
from core.text import tr

LIVE_COPIES = ("pending", "sent")  # copies an edit or delete still concerns (not failed, not skipped)


@dataclass(frozen=True)
class Change:
    """What an edit or delete did: the message, and how many copies will follow it."""

    message_id: int
    conversation_id: int
    copies: int


def shown(text: str) -> str:
    """A short digest of a message's text as a copy shows it: equal digests, nothing to edit."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def record_source(session: Session, message: Message, account: Account, chat_id: str, remote_id: str) -> None:
    """Remember which platform message became `message`, typed by `account` in `chat_id`."""
    insert_ignoring(session, MessageSource, [{
        "platform": account.platform, "chat_id": str(chat_id), "remote_id": str(remote_id),
        "message_id": message.id, "account_id": account.id, "created_at": message.created_at,
    }])


def stamp(seconds: object) -> str | None:
    """When the platform says an edit was made (seconds since the epoch: "1358878755.000001", 1700000000),
    as text that sorts as time does; None when it is not such a time."""
    whole, _, fraction = str(seconds).partition(".")
    if not whole.isdigit() or len(whole) > 12 or (fraction and (not fraction.isdigit() or len(fraction) > 9)):
        return None
    return f"{int(whole):012d}.{fraction:0<9}"


def _own_message(session: Session, account: Account, chat_id: str, remote_id: str) -> tuple[Message, int] | None:
    """The message this account typed as that platform message, and its source's id; None when it is not theirs."""
    found = session.execute(
        select(Message, MessageSource.id).join(MessageSource, MessageSource.message_id == Message.id).where(
            MessageSource.platform == account.platform, MessageSource.chat_id == str(chat_id),
            MessageSource.remote_id == str(remote_id), MessageSource.account_id == account.id,
        )
    ).first()
    return (found[0], found[1]) if found else None


def _latest(session: Session, source_id: int, when: str | None) -> bool:
    """Record `when` as the source's latest edit; False when a later edit was applied already (platforms,
    and answer threads, may hand edits over out of order). An edit of unknown time counts as the latest."""
    if when is None:
        return True
    return bool(session.execute(
        update(MessageSource).where(MessageSource.id == source_id,
                                    or_(MessageSource.edited_stamp.is_(None), MessageSource.edited_stamp <= when))
        .values(edited_stamp=when).execution_options(synchronize_session=False)
    ).rowcount)


def edit(session: Session, settings: CoreSettings, account: Account, chat_id: str, remote_id: str, text: str,
         now: datetime, when: str | None = None) -> Change | None:
    """The author changed the platform message: store the new text and queue an edit per copy.

    None when that platform message is not a conversation message of theirs (a command, an
    unknown id), when the text did not change (a platform may report a message "changed" when a
    link preview is added to it), when the message was deleted, or when a later edit (`when`, see
    `stamp`) was applied already.
    """
    found = _own_message(session, account, chat_id, remote_id)
    if found is None or found[0].deleted_at is not None:
        return None
    message, source_id = found
    text = clean_text(text)
    if not _latest(session, source_id, when):  # first: an edit back to the stored text is an edit too
        return None
    if text == message.text:
        return None
    if not text:
        raise InvalidInput(tr("An edit can't leave the message empty — delete it instead."))
    if len(text) > settings.max_text_length:
        raise InvalidInput(tr("That edit is too long ({length} characters; the limit is {limit}).", length=len(text),
                              limit=settings.max_text_length))
    number = session.execute(
        update(Message).where(Message.id == message.id, Message.deleted_at.is_(None))
        .values(text=text, edited_at=now, edits=Message.edits + 1)
        .returning(Message.edits).execution_options(synchronize_session=False)
    ).scalar_one_or_none()  # the row lock orders concurrent edits (each has its own number) and a delete
    if number is None:
        return None  # deleted meanwhile
    members = _members(session, message)
    # Whoever blocks the sender now never sees this message again, not even after an unblock: its text
    # was written during their block (the rule for messages sent then, core/visibility.py).
    insert_if_absent(session, WithheldMessage, [{"message_id": message.id, "person_id": person}
                                                for person, blocks in members.items() if blocks])
    change = Change(message.id, message.conversation_id, _queue(session, message, "edit", now, f":{number}"))
    refreshes.queue_refresh(session, list(members), now)  # their homes show the last line
    return change


def delete(session: Session, account: Account, chat_id: str, remote_id: str, now: datetime) -> Change | None:
    """The author removed the platform message: the text goes, and a delete is queued per copy.

    None when it is not a conversation message of theirs, or was deleted already.
    """
    found = _own_message(session, account, chat_id, remote_id)
    if found is None or found[0].deleted_at is not None:
        return None
    message = found[0]
    said, sender = message.text, message.sender.handle
    gone = session.execute(update(Message).where(Message.id == message.id, Message.deleted_at.is_(None))
                           .values(text="", deleted_at=now).execution_options(synchronize_session=False))
    if not gone.rowcount:
        return None  # deleted meanwhile
    members = list(_members(session, message))
    digests.forget_line(session, message, said, sender, members)  # nor does it live on in a digest
    change = Change(message.id, message.conversation_id, _queue(session, message, "delete", now))
    refreshes.queue_refresh(session, members, now)
    return change


def _members(session: Session, message: Message) -> dict[int, bool]:
    """The conversation's people, each with whether they block the message's sender now (one query)."""
    blocks = exists().where(Block.blocker_id == Participant.person_id, Block.blocked_id == message.sender_id)
    return dict(session.execute(select(Participant.person_id, blocks)
                                .where(Participant.conversation_id == message.conversation_id)).all())


def delete_asked(session: Session, account: Account, chat_id: str, remote_id: str | None, now: datetime) -> Change:
    """`/delete` in reply to one's own message: as `delete`, but every refusal says why."""
    if remote_id is None:
        raise InvalidInput(tr("Reply to one of your messages with {command} to remove it everywhere.", command="/delete"))
    found = session.scalar(select(MessageSource).where(
        MessageSource.platform == account.platform, MessageSource.chat_id == str(chat_id),
        MessageSource.remote_id == str(remote_id),
    ))
    if found is None:
        raise NotFound(tr("That message isn't in a conversation — only your replies there can be deleted."))
    if found.account_id != account.id:
        raise Forbidden(tr("You can only delete your own messages."))
    change = delete(session, account, chat_id, remote_id, now)
    if change is None:
        raise NotFound(tr("That message is already deleted."))
    return change


def _queue(session: Session, message: Message, kind: str, now: datetime, key: str = "") -> int:
    """One `kind` delivery per live copy of the message, each in its copy's lane; returns how many.

    An edit does not reach someone who has blocked its sender since their copy arrived: it
    could put anything in front of them. A delete reaches every copy.
    """
    # The chat as the account knows it now: a copy recorded where it went (a DM's own id, a group
    # that moved) may have been queued under the id the chat had before; the account followed it.
    query = (
        select(Delivery.id, Delivery.person_id, Delivery.account_id, Delivery.platform,
               func.coalesce(Account.chat_id, Delivery.chat_id).label("chat_id"))
        .join(Account, Account.id == Delivery.account_id)
        .where(Delivery.message_id == message.id, Delivery.kind == "message", Delivery.status.in_(LIVE_COPIES))
    )
    if kind == "edit":
        query = query.where(~exists().where(Block.blocker_id == Delivery.person_id, Block.blocked_id == message.sender_id))
    copies = session.execute(query).all()
    if not copies:
        return 0
    lanes = sorted({(c.platform, c.chat_id) for c in copies})
    insert_ignoring(session, Lane, [{"platform": p, "chat_id": c} for p, c in lanes], {"not_before": now})
    rows = [{"idempotency_key": f"{kind[0]}{c.id}{key}", "person_id": c.person_id, "account_id": c.account_id,
             "platform": c.platform, "chat_id": c.chat_id, "copy_of": c.id} for c in copies]
    insert_ignoring(session, Delivery, rows, {
        "kind": kind, "message_id": message.id, "status": "pending", "attempts": 0, "next_attempt_at": now,
        "created_at": now, "uncertain": False,
    })
    return len(rows)
