"""Wrong-code throttling: an account that keeps guessing codes has to wait."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from core.models import FailedAttempt

LIMIT = 5  # wrong codes an account may type…
WINDOW = timedelta(minutes=10)  # …within this long


def wait_seconds(session: Session, key: str, now: datetime) -> int:
    """0 when the account may try a code now, else how many seconds until it may."""
    recent = session.execute(
        select(func.count(), func.min(FailedAttempt.at)).where(FailedAttempt.key == key, FailedAttempt.at > now - WINDOW)
    ).one()
    if recent[0] < LIMIT:
        return 0
    # Oldest of the recent failures leaves the window first; waiting that long frees one try.
    return max(1, math.ceil((recent[1] + WINDOW - now).total_seconds()))


def record_failure(session: Session, key: str, now: datetime) -> None:
    """Count one wrong code (written in the caller's transaction, which must commit)."""
    session.add(FailedAttempt(key=key[:120], at=now))


def prune(session: Session, now: datetime) -> int:
    """Forget failures that no longer count."""
    return session.execute(delete(FailedAttempt).where(FailedAttempt.at <= now - WINDOW)).rowcount
