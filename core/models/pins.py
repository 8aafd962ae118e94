"""Pins, boards and the pins saved on boards."""

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import utcnow
from core.models.base import Base
from core.models.people import Person


class Pin(Base):
    __tablename__ = "pins"
    __table_args__ = (UniqueConstraint("creator_id", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    creator_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    image_url: Mapped[str | None] = mapped_column(String(2048))
    # What the image really is, read from its first bytes when the page was unfurled (image/png,
    # image/jpeg, image/gif, image/webp, …); None when unknown: platforms are only sent types they take.
    image_type: Mapped[str | None] = mapped_column(String(32))
    # The picture Pinbridge keeps for the pin (pictures.key), served at /media/<key>; None until it has one.
    picture_key: Mapped[str | None] = mapped_column(String(64), index=True)
    picture_type: Mapped[str | None] = mapped_column(String(16))  # the kept picture's: image/jpeg | image/png
    picture_width: Mapped[int | None]  # its size in pixels (a picture never changes): pages lay out before it loads
    picture_height: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # pending → working (leased at unfurled_at) → done | failed: the link's page is read once, in the background.
    unfurl_state: Mapped[str] = mapped_column(String(10), default="pending", server_default="pending", index=True)
    unfurled_at: Mapped[datetime | None] = mapped_column(DateTime)

    creator: Mapped[Person] = relationship()


class Board(Base):
    __tablename__ = "boards"
    __table_args__ = (UniqueConstraint("owner_id", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    name_key: Mapped[str] = mapped_column(String(60))  # lower-case, for case-insensitive names
    secret: Mapped[bool] = mapped_column(Boolean, default=False)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    owner: Mapped[Person] = relationship()


class BoardPin(Base):
    __tablename__ = "board_pins"

    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"), primary_key=True)
    pin_id: Mapped[int] = mapped_column(ForeignKey("pins.id", ondelete="CASCADE"), primary_key=True, index=True)
    saved_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Picture(Base):
    """A picture Pinbridge keeps (core.pictures): checked, normalised, stored under an HMAC of its bytes."""

    __tablename__ = "pictures"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    mime: Mapped[str] = mapped_column(String(16))  # image/jpeg | image/png
    width: Mapped[int]
    height: Mapped[int]
    size: Mapped[int]  # bytes
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Each new use moves it: housekeeping removes a picture only when no pin uses it and it was
    # last used longer ago than the grace period (so a pin being made now never loses its picture).
    used_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class Upload(Base):
    """A file a platform already holds: its id there for a source Pinbridge sent it from (a picture's URL), so
    the platform is sent the id instead of fetching the file again."""

    __tablename__ = "uploads"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    source_key: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the source URL
    remote_id: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
