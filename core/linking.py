"""Linking (F12): one person, two platforms, joined with a one-time code."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import and_, delete, select, update
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.errors import InvalidInput, NotFound
from core.merge import merge_people
from core.models import LinkCode, Person

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: people type these
CODE_LENGTH = 8


def issue(session: Session, person: Person, platform: str, ttl_seconds: int) -> LinkCode:
    """A fresh code to type on the other platform; older unused codes of this person lapse."""
    now = utcnow()
    session.execute(
        update(LinkCode).where(LinkCode.person_id == person.id, LinkCode.used_at.is_(None)).values(expires_at=now)
    )
    code = LinkCode(
        code="".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH)), person_id=person.id,
        platform=platform, expires_at=now + timedelta(seconds=ttl_seconds),
    )
    session.add(code)
    session.flush()
    return code


def redeem(session: Session, person: Person, platform: str, code_text: str) -> Person:
    """Merge the person typing the code into the person who asked for it; returns the result."""
    code_text = code_text.strip().upper().replace("-", "")
    now = utcnow()
    code = session.scalar(  # locked: two people typing one code at once cannot both merge
        select(LinkCode).where(and_(LinkCode.code == code_text, LinkCode.used_at.is_(None), LinkCode.expires_at > now))
        .with_for_update()
    )
    if code is None:
        raise NotFound("That link code is unknown or has expired — ask for a new one with `link`.")
    if code.person_id == person.id:
        raise InvalidInput("Type this code on your other platform, not here.")
    if code.platform == platform:
        raise InvalidInput(f"That code was made on {platform.title()} — type it on the other platform.")
    code.used_at = now
    kept = session.get(Person, code.person_id)
    merge_people(session, kept=kept, absorbed=person)
    session.execute(delete(LinkCode).where(LinkCode.person_id == kept.id, LinkCode.used_at.is_(None)))
    return kept
