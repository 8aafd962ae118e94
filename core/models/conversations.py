"""Conversations, who is in them and how far each has read, and their messages."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import utcnow
from core.models.base import Base
from core.models.people import Person


class Conversation(Base):
    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    # Sorted participant ids, then pending invitees ("3,7,9+carol"): the conversation of an exact set of people.
    members_key: Mapped[str] = mapped_column(String(2000), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    participants: Mapped[list["Participant"]] = relationship(
        back_populates="conversation", order_by="Participant.joined_at"
    )


class Participant(Base):
    __tablename__ = "participants"
    __table_args__ = (Index("ix_participants_person", "person_id", "conversation_id"),)

    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True)
    last_read_id: Mapped[int] = mapped_column(default=0)  # messages with a higher id are unread
    dismissed_id: Mapped[int] = mapped_column(default=0)  # hidden from the inbox up to this id
    joined_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    conversation: Mapped[Conversation] = relationship(back_populates="participants")
    person: Mapped[Person] = relationship()


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_conversation", "conversation_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    sender_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))  # text|pin|board|profile|join
    text: Mapped[str] = mapped_column(Text, default="")
    pin_id: Mapped[int | None] = mapped_column(ForeignKey("pins.id", ondelete="SET NULL"))
    board_id: Mapped[int | None] = mapped_column(ForeignKey("boards.id", ondelete="SET NULL"))
    profile_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(DateTime)  # its sender changed the text
    edits: Mapped[int] = mapped_column(default=0, server_default="0")  # how many times: each edit's own number
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)  # its sender removed it (the text is gone too)

    sender: Mapped[Person] = relationship(foreign_keys=[sender_id])


class WithheldMessage(Base):
    """A message a participant never sees: they had blocked its sender when it was sent."""

    __tablename__ = "withheld_messages"

    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True, index=True)
