"""The outbox (deliveries), the map of platform message ids, and inbound dedup."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import utcnow
from core.models.base import Base


class Delivery(Base):
    """One message (or digest) to one destination chat; the worker drains these."""

    __tablename__ = "deliveries"
    __table_args__ = (
        Index("ix_deliveries_due", "status", "next_attempt_at"),
        Index("ix_deliveries_destination", "platform", "chat_id"),
        # The few live deliveries waiting (anything but digests): the claim serves their chats first.
        Index("ix_deliveries_live", "platform", "chat_id",
              postgresql_where=text("status = 'pending' AND kind <> 'digest'"),
              sqlite_where=text("status = 'pending' AND kind <> 'digest'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # message|digest|edit|delete|home
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict | None] = mapped_column(JSON)  # digest contents, frozen when queued
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending|sent|failed
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    remote_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    # edit|delete: the delivered copy (a `message` delivery) this changes or removes.
    copy_of: Mapped[int | None] = mapped_column(ForeignKey("deliveries.id", ondelete="CASCADE"), index=True)
    # message: a digest of the text this copy shows now, so an edit that changes nothing is not sent.
    shown: Mapped[str | None] = mapped_column(String(40))
    # An attempt timed out after the platform had the request: it may have arrived (tried once more, at most).
    uncertain: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Lane(Base):
    """One destination chat. Its lease serializes sends to that chat across workers, and
    `not_before` carries pacing and Retry-After: nothing goes to the chat before it."""

    __tablename__ = "lanes"
    __table_args__ = (UniqueConstraint("platform", "chat_id"), Index("ix_lanes_ready", "not_before"))

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    not_before: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime)


class RemoteMessage(Base):
    """A message as it exists on a platform: replies to it route back to the conversation."""

    __tablename__ = "remote_messages"
    __table_args__ = (UniqueConstraint("platform", "chat_id", "remote_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    remote_id: Mapped[str] = mapped_column(String(64))
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class MessageSource(Base):
    """The platform message a person typed that became a conversation message: their edits and deletes follow it."""

    __tablename__ = "message_sources"
    __table_args__ = (UniqueConstraint("platform", "chat_id", "remote_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    remote_id: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    # When the platform says the latest edit applied was made (edits.stamp): an older one arriving late loses.
    edited_stamp: Mapped[str | None] = mapped_column(String(24))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class InboundEvent(Base):
    """Seen inbound event and update ids of every platform; the unique key does the dedup."""

    __tablename__ = "inbound_events"
    __table_args__ = (UniqueConstraint("source", "event_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    event_key: Mapped[str] = mapped_column(String(128))
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
