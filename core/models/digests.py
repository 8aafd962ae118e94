"""Digest bookkeeping: one row per person per period, and small runtime facts."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import utcnow
from core.models.base import Base


class DigestSend(Base):
    """Claimed before a digest is queued: the unique key makes 'never two per period' hold."""

    __tablename__ = "digest_sends"
    __table_args__ = (UniqueConstraint("person_id", "period_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    period_key: Mapped[str] = mapped_column(String(48))
    unread_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class RuntimeState(Base):
    """Operational facts that must survive restarts, such as the last digest run."""

    __tablename__ = "runtime_state"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
