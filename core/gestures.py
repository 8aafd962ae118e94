"""Button keys and pending replies: gesture state kept in the database, not in a process."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core import refs
from core.clock import utcnow
from core.inserts import upsert
from core.models import ActionKey, PendingReply

ACTION_KEY_BYTES = 12  # 16 url-safe characters: far inside a 64-byte button


def new_action_key() -> str:
    """A fresh opaque key for a button's action (stored with it later: see `Sent.actions`)."""
    return secrets.token_urlsafe(ACTION_KEY_BYTES)


def store_action(session: Session, payload: dict) -> str:
    """Keep a button's action; returns the opaque key to put in the button."""
    key = new_action_key()
    session.add(ActionKey(key=key, payload=payload))
    return key


def load_action(session: Session, key: str) -> dict | None:
    """The action behind a key, or None for a forged or expired one."""
    if not key or len(key) > 32:
        return None
    row = session.get(ActionKey, key)
    return dict(row.payload) if row else None


def await_reply(session: Session, platform: str, external_id: str, conversation_id: int, ttl_seconds: int) -> None:
    """The next plain text from this account goes to this conversation (until the timeout)."""
    expires = utcnow() + timedelta(seconds=ttl_seconds)
    row = {"platform": platform, "external_id": external_id, "conversation_id": conversation_id, "expires_at": expires}
    upsert(session, PendingReply, row, ["platform", "external_id"])


def take_reply(session: Session, platform: str, external_id: str) -> str | None:
    """The conversation awaiting this account's text (`c3`), consumed; None if none or expired."""
    row = session.scalar(
        select(PendingReply).where(PendingReply.platform == platform, PendingReply.external_id == external_id)
    )
    if row is None:
        return None
    session.delete(row)
    return refs.conversation_ref(row.conversation_id) if row.expires_at > utcnow() else None


def cancel_reply(session: Session, platform: str, external_id: str, conversation_id: int | None = None) -> bool:
    """Forget a pending reply (/cancel), or only one for that conversation; True when there was one."""
    query = delete(PendingReply).where(PendingReply.platform == platform, PendingReply.external_id == external_id)
    if conversation_id is not None:
        query = query.where(PendingReply.conversation_id == conversation_id)
    return session.execute(query).rowcount > 0
