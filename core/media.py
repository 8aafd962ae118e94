"""Keeping pictures for pins, and letting go of those no pin uses (the store itself is a port)."""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import Session

from core import pictures
from core.clock import utcnow
from core.inserts import insert_if_absent, upsert
from core.models import Picture, Pin, Upload

log = logging.getLogger(__name__)

GRACE = timedelta(hours=24)  # an unused picture is kept this long after its last use
SWEEP_BATCH = 500


class PictureStore(Protocol):
    """Bytes under a key (bridge.media: a folder, an S3 bucket); put is whole-or-nothing and idempotent."""

    def put(self, key: str, data: bytes, mime: str) -> None: ...

    def get(self, key: str) -> tuple[bytes, str] | None: ...

    def delete(self, key: str) -> None: ...


def keep(session: Session, store: PictureStore, secret: bytes, data: bytes) -> Picture:
    """Check and normalise `data` (InvalidInput when it is no picture we take), store it once, and return its row.

    The row is written (or its `used_at` moved) before the bytes, in the caller's transaction: housekeeping,
    which removes a row and its bytes in one transaction, then either ran before (and the bytes are written
    again here) or waits for this one (and sees the picture in use). The same picture kept twice is one row
    and one object.
    """
    picture = pictures.normalise(data)
    key = pictures.key_of(secret, picture.data)
    now = utcnow()
    insert_if_absent(session, Picture, {
        "key": key, "mime": picture.mime, "width": picture.width, "height": picture.height,
        "size": len(picture.data), "created_at": now, "used_at": now,
    })
    session.execute(update(Picture).where(Picture.key == key).values(used_at=now),
                    execution_options={"synchronize_session": False})
    store.put(key, picture.data, picture.mime)
    return session.get(Picture, key)


def sweep(session: Session, store: PictureStore, now: datetime, grace: timedelta = GRACE,
          limit: int = SWEEP_BATCH) -> list[str]:
    """Remove up to `limit` pictures no pin uses, last used before the grace period: their rows, then their bytes,
    in the caller's transaction (a `keep` of the same picture waits for it, then writes both again)."""
    idle = (Picture.used_at < now - grace) & ~exists().where(Pin.picture_key == Picture.key)
    keys = list(session.scalars(select(Picture.key).where(idle).order_by(Picture.used_at).limit(limit)))
    if not keys:
        return []
    # Checked again in the DELETE itself: a pin that took one of them meanwhile keeps it.
    gone = list(session.scalars(delete(Picture).where(Picture.key.in_(keys), idle).returning(Picture.key)))
    for key in gone:
        try:
            store.delete(key)
        except Exception as exc:  # noqa: BLE001 - bytes no row names are harmless; the rest go on
            log.warning("could not delete picture %s…: %s", key[:8], type(exc).__name__)
    return gone


def uploaded(session: Session, platform: str, source: str) -> str | None:
    """The platform's own id for a file Pinbridge sent it from `source` before, or None."""
    return session.scalar(select(Upload.remote_id).where(Upload.platform == platform, Upload.source_key == _key(source)))


def remember_upload(session: Session, platform: str, source: str, remote_id: str) -> None:
    """Note the platform's id for what `source` sent (a later one replaces it: the id went stale)."""
    upsert(session, Upload, {"platform": platform, "source_key": _key(source), "remote_id": remote_id[:256],
                             "created_at": utcnow()}, ["platform", "source_key"])


def forget_upload(session: Session, platform: str, source: str) -> None:
    """The platform no longer takes that id."""
    session.execute(delete(Upload).where(Upload.platform == platform, Upload.source_key == _key(source)))


def _key(source: str) -> str:
    return hashlib.sha256(source.encode()).hexdigest()
