"""People, their platform accounts, follows and blocks."""

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import utcnow
from core.models.base import Base


class Person(Base):
    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    handle: Mapped[str] = mapped_column(String(32), unique=True)  # stored lower-case
    display_name: Mapped[str] = mapped_column(String(80), default="")
    avatar_url: Mapped[str | None] = mapped_column(String(500))
    deliver_to: Mapped[str | None] = mapped_column(String(200))  # chosen platforms, "a,b"; None = every account
    timezone: Mapped[str | None] = mapped_column(String(64))
    digest_schedule: Mapped[str | None] = mapped_column(String(64), index=True)  # None = config default
    digest_anchor: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    language: Mapped[str | None] = mapped_column(String(16))  # chosen with `language <code>`; None = the platform's
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    accounts: Mapped[list["Account"]] = relationship(back_populates="person", order_by="Account.id")


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(16))  # a platform's name
    external_id: Mapped[str] = mapped_column(String(64))
    team_id: Mapped[str | None] = mapped_column(String(32))
    chat_id: Mapped[str | None] = mapped_column(String(64))  # where the bot reaches them
    username: Mapped[str | None] = mapped_column(String(80))
    unreachable: Mapped[bool] = mapped_column(Boolean, default=False)
    locale: Mapped[str | None] = mapped_column(String(16))  # the platform's language for them (as the platform reports it)
    home_opened_at: Mapped[datetime | None] = mapped_column(DateTime)  # the app's home surface seen: refresh it when things change
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    person: Mapped[Person] = relationship(back_populates="accounts")


class Follow(Base):
    __tablename__ = "follows"
    __table_args__ = (Index("ix_follows_followee", "followee_id"),)

    follower_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True)
    followee_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Block(Base):
    __tablename__ = "blocks"
    __table_args__ = (Index("ix_blocks_blocked", "blocked_id"),)

    blocker_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True)
    blocked_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
