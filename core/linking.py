"""Linking (F12): one person, two platforms, joined with a one-time code."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import and_, delete, select, update
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.errors import InvalidInput, NotFound
from core.merge import merge_people
from core.models import Account, LinkCode, Person
from core.text import Command, tr

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: people type these
CODE_LENGTH = 8
CONFIRM_TOKEN_BYTES = 12  # 16 url-safe characters, carried by the Confirm button


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


def _normal(code_text: str) -> str:
    return code_text.strip().upper().replace("-", "")


def ask(session: Session, person: Person, account: Account, code_text: str) -> tuple[LinkCode, Person]:
    """Check a typed code and hold it for this account's confirmation; returns it and whose it is.

    Nothing is joined yet: the person must confirm (`confirm`) that the other account is theirs.
    """
    now = utcnow()
    code = session.scalar(  # locked: two accounts asking with one code at once see one winner
        select(LinkCode).where(and_(LinkCode.code == _normal(code_text), LinkCode.used_at.is_(None), LinkCode.expires_at > now))
        .with_for_update()
    )
    if code is None:
        raise NotFound(tr("That link code is unknown or has expired — ask for a new one with {command}.", command=Command("link")))
    if code.person_id == person.id:
        raise InvalidInput(tr("Type this code on your other platform, not here."))
    if code.platform == account.platform:
        raise InvalidInput(tr("That code was made on {platform} — type it on the other platform.", platform=account.platform.title()))
    code.confirm_account_id, code.confirm_token = account.id, secrets.token_urlsafe(CONFIRM_TOKEN_BYTES)
    session.flush()
    return code, session.get(Person, code.person_id)


def _held(session: Session, account: Account, token: str) -> LinkCode:
    code = session.scalar(
        select(LinkCode).where(LinkCode.confirm_token == token.strip(), LinkCode.confirm_account_id == account.id)
        .with_for_update()
    ) if token and len(token) <= 32 else None
    if code is None or code.used_at is not None or code.expires_at <= utcnow():
        raise NotFound(tr("That link request has expired — ask for a new code with {command} on your other account.",
                          command=Command("link")))
    return code


def confirm(session: Session, person: Person, account: Account, token: str) -> Person:
    """The account that typed the code said yes: merge it into the code's issuer; returns the result."""
    code = _held(session, account, token)
    if code.person_id == person.id:
        raise InvalidInput(tr("These accounts are already linked."))
    code.used_at = utcnow()
    kept = session.get(Person, code.person_id)
    merge_people(session, kept=kept, absorbed=person)
    session.execute(delete(LinkCode).where(LinkCode.person_id == kept.id, LinkCode.used_at.is_(None)))
    return kept


def decline(session: Session, account: Account, token: str) -> None:
    """The account that typed the code said no: the code is spent, nothing is joined."""
    code = _held(session, account, token)
    code.expires_at, code.confirm_token = utcnow(), None
