"""Pins (F1): validated links, one per person per URL, and who may see them."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import bindparam, exists, or_, select
from sqlalchemy.orm import Session

from core import refs
from core.errors import InvalidInput, NotFound
from core.text import tr
from core.models import Board, BoardPin, Message, Participant, Person, Pin
from core.visibility import visible_to

MAX_URL = 2048
MAX_TITLE = 200
MAX_DESCRIPTION = 2000


_LINKS = {"link": (tr("link"), tr("links")), "image link": (tr("image link"), tr("image links"))}
_FIELDS = {"title": tr("title"), "description": tr("description")}


def validate_url(text: str, what: str = "link") -> str:
    """An http(s) URL with a host, or InvalidInput saying why not."""
    url = text.strip().strip("<>")
    if "|" in url and url.startswith("http"):  # chat markup wraps links as <url|label>
        url = url.split("|", 1)[0]
    one, many = _LINKS.get(what, (what, what))
    if not url:
        raise InvalidInput(tr("The {what} is empty.", what=one))
    if len(url) > MAX_URL:
        raise InvalidInput(tr("That {what} is too long (over {limit} characters).", what=one, limit=MAX_URL))
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise InvalidInput(tr("That {what} has spaces or control characters in it.", what=one))
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        raise InvalidInput(tr("“{url}” is not a valid {what}.", url=url[:60], what=one)) from None
    if parts.scheme.lower() not in ("http", "https"):
        raise InvalidInput(tr("Only http and https {what} can be pinned, not “{scheme}”.", what=many,
                              scheme=parts.scheme or url[:20]))
    if not host:
        raise InvalidInput(tr("“{url}” has no host name.", url=url[:60]))
    return url


def default_title(url: str) -> str:
    """A readable title from a URL when the user gave none."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    tail = path.rsplit("/", 1)[-1].replace("-", " ").replace("_", " ") if path else ""
    return (f"{parts.hostname} — {tail}" if tail else parts.hostname or url)[:MAX_TITLE]


def clean_text(text: str, limit: int, what: str) -> str:
    """Trimmed text within a length limit, or InvalidInput naming the field."""
    text = (text or "").strip()
    if len(text) > limit:
        raise InvalidInput(tr("The {what} is too long ({length} characters; the limit is {limit}).",
                              what=_FIELDS.get(what, what), length=len(text), limit=limit))
    return text


def create(
    session: Session, creator: Person, url: str, title: str | None = None,
    description: str = "", image_url: str | None = None,
) -> tuple[Pin, bool]:
    """Create a pin, or return the one this person already made for that URL."""
    url = validate_url(url)
    title = clean_text(title or "", MAX_TITLE, "title") or default_title(url)
    description = clean_text(description, MAX_DESCRIPTION, "description")
    image_url = validate_url(image_url, "image link") if image_url else None
    existing = session.scalar(select(Pin).where(Pin.creator_id == creator.id, Pin.url == url))
    if existing is not None:
        return existing, False
    pin = Pin(creator_id=creator.id, url=url, title=title, description=description, image_url=image_url)
    session.add(pin)
    session.flush()
    return pin, True


def public_or_own(viewer_id: int | None):
    """SQL condition: the pin is on a public board, or the viewer made it or keeps it."""
    on_public = exists().where(BoardPin.pin_id == Pin.id, BoardPin.board_id == Board.id, Board.secret.is_(False))
    if viewer_id is None:
        return on_public
    on_own = exists().where(BoardPin.pin_id == Pin.id, BoardPin.board_id == Board.id, Board.owner_id == viewer_id)
    return or_(Pin.creator_id == viewer_id, on_public, on_own)


def shared_with(viewer_id: int):
    """SQL condition: the pin was sent in a conversation the viewer is in, in a message they can see."""
    return exists().where(
        Message.pin_id == Pin.id,
        Participant.conversation_id == Message.conversation_id,
        Participant.person_id == viewer_id,
        visible_to(viewer_id),
    )


def visible(session: Session, viewer: Person | None, reference: str) -> Pin:
    """The pin behind `p12`, if the viewer may see it; NotFound otherwise."""
    pin_id = refs.parse(reference, "p")
    if viewer is None:
        pin = session.scalar(_VISIBLE_TO_ANYONE, {"id": pin_id})
    else:
        pin = session.scalar(_VISIBLE_TO, {"id": pin_id, "viewer": viewer.id})
    if pin is None:
        raise NotFound(tr("There is no pin {pin} you can see.", pin=refs.pin_ref(pin_id)))
    return pin


# Built once (a send looks its pin up every time): SQLAlchemy then only binds the values.
_VISIBLE_TO_ANYONE = select(Pin).where(Pin.id == bindparam("id"), public_or_own(None))
_VISIBLE_TO = select(Pin).where(
    Pin.id == bindparam("id"), or_(public_or_own(bindparam("viewer")), shared_with(bindparam("viewer"))),
)
