"""Search (F7): every word must match the title, description or URL; privacy respected."""

from __future__ import annotations

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, selectinload

from core.errors import InvalidInput
from core.text import Command, tr
from core.models import Person, Pin
from core.pins import public_or_own

MAX_WORDS = 8
MAX_RESULTS = 50


def like_escape(word: str) -> str:
    """Text to match literally inside a LIKE pattern (with escape="\\")."""
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def words_of(text: str) -> list[str]:
    """The search words, lower-cased and de-duplicated, or InvalidInput."""
    words = list(dict.fromkeys(w.lower() for w in text.split() if w.strip()))
    if not words:
        raise InvalidInput(tr("Search for what? Try {command}.", command=Command("search hiking boots")))
    if len(words) > MAX_WORDS:
        raise InvalidInput(tr("Use at most {n} search words.", n=MAX_WORDS))
    if any(len(w) > 64 for w in words):
        raise InvalidInput(tr("Search words are at most 64 characters."))
    return words


def search(session: Session, viewer: Person | None, text: str, limit: int = 10, offset: int = 0) -> list[Pin]:
    """Pins matching every word, best first: title hits outrank description, then URL, then recency."""
    words = words_of(text)
    limit = max(1, min(limit, MAX_RESULTS))
    title, description, url = func.lower(Pin.title), func.lower(Pin.description), func.lower(Pin.url)
    score = 0
    query = select(Pin).options(selectinload(Pin.creator)).where(public_or_own(viewer.id if viewer else None))
    for word in words:
        pattern = f"%{like_escape(word)}%"
        hit_title = title.like(pattern, escape="\\")
        hit_description = description.like(pattern, escape="\\")
        hit_url = url.like(pattern, escape="\\")
        query = query.where(hit_title | hit_description | hit_url)
        score = score + case((hit_title, 3), else_=0) + case((hit_description, 2), else_=0) + case((hit_url, 1), else_=0)
    query = query.order_by(score.desc(), Pin.id.desc()).limit(limit).offset(max(0, offset))
    return list(session.scalars(query))
