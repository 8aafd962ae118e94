"""What a reader sees of a conversation: one definition for delivery, inbox, history, unread, digests and search."""

from __future__ import annotations

from sqlalchemy import and_, exists, or_

from core.models import Block, Message, WithheldMessage


def _withheld(reader_id):
    return exists().where(WithheldMessage.message_id == Message.id, WithheldMessage.person_id == reader_id) \
        .correlate_except(WithheldMessage)


def _blocked_sender(reader_id):
    return exists().where(Block.blocker_id == reader_id, Block.blocked_id == Message.sender_id).correlate_except(Block)


def visible_to(reader_id):
    """SQL condition, the one definition of what a reader sees of a conversation's messages.

    Your own messages; and others' unless you block their sender now, or had blocked them when
    the message was sent (withheld: it stays unseen after an unblock). Delivery, inbox, history,
    unread counts, digests and search all go through this.
    """
    return or_(Message.sender_id == reader_id, and_(~_withheld(reader_id), ~_blocked_sender(reader_id)))


def unread_by(reader_id, last_read_id):
    """SQL condition, the one definition of unread: a message from someone else the reader can see,
    after the reader's read position (`dismiss` marks read too, so the position alone decides), and
    not deleted by its sender since (nothing is left of it to read)."""
    return and_(
        Message.id > last_read_id, Message.sender_id != reader_id, Message.deleted_at.is_(None),
        ~_withheld(reader_id), ~_blocked_sender(reader_id),
    )
