"""Unfurling: a pin's link page tells its title, description and image (read once, in the background).

Parsing is pure; fetching the page is the bridge's job (network access never lives in core).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from html.parser import HTMLParser
from urllib.parse import urljoin

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from core.db import is_sqlite
from core.errors import InvalidInput
from core.grammar import clean_text
from core.models import Pin
from core.pins import MAX_DESCRIPTION, MAX_TITLE, default_title, validate_url

LEASE = timedelta(minutes=5)  # a crashed unfurler's pins are picked up again after this
META_KEYS = {
    "og:title": "title", "twitter:title": "title",
    "og:description": "description", "twitter:description": "description", "description": "description",
    "og:image": "image", "og:image:url": "image", "og:image:secure_url": "image", "twitter:image": "image",
}


class _CardParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: dict[str, str] = {}
        self._in_title = False
        self._title: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        attributes = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (attributes.get("property") or attributes.get("name") or "").lower()
            if key in META_KEYS and attributes.get("content", "").strip():
                self.found.setdefault(META_KEYS[key], attributes["content"].strip())
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title.append(data)

    def card(self) -> dict[str, str]:
        if "title" not in self.found and "".join(self._title).strip():
            self.found["title"] = " ".join("".join(self._title).split())
        return self.found


def parse_card(html: str, page_url: str) -> dict[str, str]:
    """Title, description and (absolute, http(s)) image of a page; missing ones are left out."""
    parser = _CardParser()
    parser.feed(html)
    parser.close()
    card = {k: " ".join(clean_text(v).split()) for k, v in parser.card().items()}
    if "image" in card:
        try:
            card["image"] = validate_url(urljoin(page_url, card["image"]), "image link")
        except InvalidInput:
            del card["image"]  # javascript:, data: and friends never become an image
    if "title" in card:
        card["title"] = card["title"][:MAX_TITLE]
    if "description" in card:
        card["description"] = card["description"][:MAX_DESCRIPTION]
    return card


IMAGE_SIGNATURES = (  # the first bytes of each image type (their file formats' magic numbers)
    (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"), (b"BM", "image/bmp"),
)


def image_type(head: bytes) -> str | None:
    """What an image is, from its first bytes (never from its name); None when it is not a known image."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:12] in (b"ftypavif", b"ftypheic"):
        return "image/avif" if head[8:12] == b"avif" else "image/heic"
    return next((kind for signature, kind in IMAGE_SIGNATURES if head.startswith(signature)), None)


def claim(session: Session, now: datetime, limit: int) -> list[tuple[int, str]]:
    """Lease pins whose page has not been read yet; returns (pin id, url)."""
    ready = or_(Pin.unfurl_state == "pending", (Pin.unfurl_state == "working") & (Pin.unfurled_at < now - LEASE))
    query = select(Pin.id, Pin.url).where(ready).order_by(Pin.id).limit(limit)
    if not is_sqlite(session):
        query = query.with_for_update(skip_locked=True)
    rows = session.execute(query).all()
    if rows:
        session.execute(
            update(Pin).where(Pin.id.in_([pin_id for pin_id, _ in rows])).values(unfurl_state="working", unfurled_at=now)
        )
    return [(pin_id, url) for pin_id, url in rows]


def pictured(session: Session, pin_ids: list[int]) -> set[int]:
    """Those of the pins that have their own picture already (a photo someone sent): no page image to fetch."""
    if not pin_ids:
        return set()
    return set(session.scalars(select(Pin.id).where(Pin.id.in_(pin_ids), Pin.picture_key.is_not(None))))


def apply(session: Session, pin_id: int, card: dict[str, str] | None, now: datetime) -> None:
    """Fill what the pin lacks from the page (never overwrite what its creator typed); None = failed."""
    pin = session.get(Pin, pin_id)
    if pin is None:
        return
    pin.unfurl_state, pin.unfurled_at = ("done" if card is not None else "failed"), now
    card = card or {}
    if card.get("title") and pin.title == default_title(pin.url):
        pin.title = card["title"]
    if card.get("description") and not pin.description:
        pin.description = card["description"]
    if card.get("image") and not pin.image_url:
        pin.image_url, pin.image_type = card["image"], card.get("image_type")
    if card.get("picture_key") and not pin.picture_key:
        pin.picture_key, pin.picture_type = card["picture_key"], card.get("picture_type")
        pin.picture_width, pin.picture_height = card.get("picture_width"), card.get("picture_height")
