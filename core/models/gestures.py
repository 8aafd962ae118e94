"""Platform gestures that must survive restarts: opaque button keys and pending replies."""

from datetime import datetime

from sqlalchemy import JSON, DateTime, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import utcnow
from core.models.base import Base


class ActionKey(Base):
    """A short opaque key standing for a button's action (buttons may carry as little as 64 bytes)."""

    __tablename__ = "action_keys"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class PendingReply(Base):
    """After a Reply button, the next plain text from this account goes to this conversation."""

    __tablename__ = "pending_replies"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    conversation_id: Mapped[int] = mapped_column()
    expires_at: Mapped[datetime] = mapped_column(DateTime)
