"""What Pinbridge's own links name, for the public: the cards a link preview (an unfurl) may show.

A link preview is seen by everyone where the link was posted, so it shows exactly what a
logged-out visitor of the public page sees and nothing else: a pin only while a public board
holds it, public boards only, a person with their public boards. A secret board, a pin
kept only on secret boards (or on none, like a picture pinned from a private conversation),
an unknown thing and any link that is not exactly one Pinbridge prints are all the same:
nothing.

Only the links Pinbridge prints are read: `http.public_url`'s scheme, host and port, its
path, then `/p/<id>`, `/b/<id>` or `/u/<handle>` and nothing more. No percent-escapes,
no dot segments, no extra or empty segments, no leading zeros, no user:password@. The
query and the fragment are ignored, as the public page ignores them (a shared link often
carries `?utm_…`), and the card is the page's own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice
from urllib.parse import SplitResult, urlsplit

from sqlalchemy.orm import Session, sessionmaker

from core import people, pins, refs, views
from core.db import reading
from core.errors import DomainError
from core.models import Board
from core.results import BoardCard, PinCard, ProfileCard
from core.settings import CoreSettings

MAX_LINKS = 5  # looked up per request, whatever a payload claims: a preview is a few links, not a crawl
MAX_URL = pins.MAX_URL
DEFAULT_PORTS = {"http": 80, "https": 443}
HANDLE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_.")
KINDS = frozenset({"p", "b", "u"})

Card = PinCard | BoardCard | ProfileCard


@dataclass(frozen=True)
class Named:
    """What a Pinbridge link names: a pin or a board by id, or a person by handle."""

    kind: str  # p | b | u
    key: int | str


def _address(url: str) -> SplitResult | None:
    """The URL split, or None when it is too long, not one string or not parseable (a bad port included)."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL or any(ch.isspace() or ord(ch) < 32 for ch in url):
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError:
        return None
    return parts


def _port(parts: SplitResult) -> int | None:
    return parts.port if parts.port is not None else DEFAULT_PORTS.get(parts.scheme.lower())


def _same_site(parts: SplitResult, base: SplitResult) -> bool:
    """Same scheme, host and port as the public URL, and no credentials in front of the host."""
    return (
        parts.scheme.lower() == base.scheme.lower() and parts.hostname is not None
        and parts.hostname == base.hostname and _port(parts) == _port(base)
        and parts.username is None and parts.password is None
    )


def _number(text: str) -> int | None:
    """An id as Pinbridge prints it: digits, no leading zero, within the id column."""
    if not (text.isascii() and text.isdigit()) or text.startswith("0") or len(text) > 10:
        return None
    number = int(text)
    return number if 0 < number <= refs.MAX_ID else None


def _handle(text: str) -> str | None:
    """A handle as the page matches it (ignoring case); '.' and '..' are path steps, never a handle."""
    handle = text.lower()
    if not 2 <= len(handle) <= 32 or not set(handle) <= HANDLE_CHARS or handle in (".", ".."):
        return None
    return handle


def named(settings: CoreSettings, url: str) -> Named | None:
    """What a link names when it is one of Pinbridge's public pages exactly as printed; else None."""
    base, parts = _address(settings.public_url), _address(url)
    if base is None or parts is None or not _same_site(parts, base):
        return None
    prefix = base.path.rstrip("/") + "/"
    if not parts.path.startswith(prefix) or "%" in parts.path:
        return None
    segments = parts.path[len(prefix):].split("/")
    if len(segments) != 2 or segments[0] not in KINDS:
        return None
    kind, text = segments
    key = _handle(text) if kind == "u" else _number(text)
    return Named(kind, key) if key is not None else None


def card(session: Session, settings: CoreSettings, name: Named) -> Card | None:
    """The card of what a link names, as the public sees it; None for anything the public page would 404."""
    if name.kind == "p":
        return _pin(session, settings, int(name.key))
    if name.kind == "b":
        board = session.get(Board, int(name.key))
        return views.board_card(session, settings, board) if board is not None and not board.secret else None
    try:
        person = people.by_handle(session, str(name.key))
    except DomainError:
        return None
    return views.profile_card(session, settings, person, None)  # no viewer: public boards only


def _pin(session: Session, settings: CoreSettings, pin_id: int) -> PinCard | None:
    try:
        pin = pins.visible(session, None, refs.pin_ref(pin_id))  # no viewer: only while a public board holds it
    except DomainError:
        return None
    return views.pin_card(settings, pin)


def public_cards(sessions: sessionmaker[Session], settings: CoreSettings, urls: Iterable[str]) -> dict[str, Card]:
    """url -> card for Pinbridge's own links among the first MAX_LINKS `urls`; any other link is left out."""
    wanted = {url: name for url in islice(urls, MAX_LINKS) if (name := named(settings, url)) is not None}
    if not wanted:
        return {}
    with reading(sessions) as session:
        found = {url: card(session, settings, name) for url, name in wanted.items()}
    return {url: found_card for url, found_card in found.items() if found_card is not None}
