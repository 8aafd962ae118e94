"""Where pictures live: a folder on disk (the default) or an S3-compatible object store (production).

Both keep a picture under its key (core.pictures.key_of: an HMAC of its bytes) with its type,
and are written whole or not at all. The web process serves them at /media/<key>; the
worker's housekeeping deletes those no pin uses any more (core.media.sweep).
"""

from __future__ import annotations

import os
import secrets
import tempfile
import threading
from datetime import timedelta
from pathlib import Path

from botocore.exceptions import ClientError

from core import media
from core.clock import utcnow
from core.db import transaction
from core.inserts import insert_if_absent
from core.models import Picture, RuntimeState
from core.pictures import is_key


TYPES = {"image/jpeg": ".jpg", "image/png": ".png"}


class FolderStore:
    """Pictures as files: <folder>/<key[:2]>/<key>.jpg|.png, each written to a temporary file and renamed."""

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)

    def put(self, key: str, data: bytes, mime: str) -> None:
        path = self._path(key, mime)
        if path.exists():
            return  # content-addressed: the same key is the same picture
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
        try:
            os.fchmod(handle, 0o644)  # mkstemp's 0600 would shut out a web role running as another user
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> tuple[bytes, str] | None:
        if not is_key(key):
            return None
        for mime in TYPES:
            path = self._path(key, mime)
            try:
                return path.read_bytes(), mime
            except FileNotFoundError:
                continue
        return None

    def delete(self, key: str) -> None:
        if is_key(key):
            for mime in TYPES:
                self._path(key, mime).unlink(missing_ok=True)

    def _path(self, key: str, mime: str) -> Path:
        if not is_key(key) or mime not in TYPES:
            raise ValueError("not a picture key or type")  # never a path built from anything else
        return self.folder / key[:2] / f"{key}{TYPES[mime]}"


class S3Store:
    """Pictures as objects of one bucket (AWS S3, MinIO, Ceph, R2 …) through boto3: credentials come from
    boto3's usual chain (environment, profile, instance role), never from config.yaml."""

    def __init__(self, bucket: str, endpoint_url: str | None = None, region: str | None = None, prefix: str = "media/",
                 client=None):
        if client is None:
            import boto3
            from botocore.config import Config as BotoConfig

            client = boto3.client("s3", endpoint_url=endpoint_url or None, region_name=region or None,
                                  config=BotoConfig(retries={"mode": "standard", "max_attempts": 3},
                                                    connect_timeout=5, read_timeout=20))
        self.client, self.bucket, self.prefix = client, bucket, prefix

    def put(self, key: str, data: bytes, mime: str) -> None:
        if not is_key(key) or mime not in TYPES:
            raise ValueError("not a picture key or type")
        self.client.put_object(Bucket=self.bucket, Key=self.prefix + key, Body=data, ContentType=mime,
                               CacheControl="public, max-age=31536000, immutable")

    def get(self, key: str) -> tuple[bytes, str] | None:
        if not is_key(key):
            return None
        try:
            found = self.client.get_object(Bucket=self.bucket, Key=self.prefix + key)
        except self.client.exceptions.NoSuchKey:
            return None
        except ClientError as exc:  # without s3:ListBucket, a missing key is AccessDenied (403)
            if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") in (403, 404):
                return None
            raise
        mime = found.get("ContentType", "")
        if mime not in TYPES:
            return None  # only what put() wrote is ever served
        return found["Body"].read(), mime

    def delete(self, key: str) -> None:
        if is_key(key):
            self.client.delete_object(Bucket=self.bucket, Key=self.prefix + key)


class Pictures:
    """This process's pictures: keep bytes as a picture, read one back, remove those no pin uses."""

    def __init__(self, sessions, store, secret: str = "", grace_hours: int = 24):
        self.sessions, self.store, self.grace = sessions, store, timedelta(hours=grace_hours)
        self._secret = secret.encode() if secret else None
        self._lock = threading.Lock()

    @classmethod
    def for_config(cls, media, sessions) -> Pictures:
        """The store media.store names, with the deployment's secret."""
        if media.store == "s3":
            store = S3Store(media.s3_bucket, media.s3_endpoint_url, media.s3_region, media.s3_prefix)
        else:
            store = FolderStore(media.folder)
        return cls(sessions, store, media.secret, media.grace_hours)

    @property
    def secret(self) -> bytes:
        """media.secret, else the one kept in the database (made by whichever process asks first)."""
        with self._lock:
            if self._secret is None:
                with transaction(self.sessions) as session:
                    insert_if_absent(session, RuntimeState, {"key": SECRET_KEY, "value": secrets.token_hex(32)})
                    self._secret = session.get(RuntimeState, SECRET_KEY).value.encode()
            return self._secret

    def keep(self, data: bytes) -> Picture:
        """Check, normalise and store a picture (InvalidInput saying why not); its row, committed."""
        with transaction(self.sessions) as session:
            return media.keep(session, self.store, self.secret, data)

    def get(self, key: str) -> tuple[bytes, str] | None:
        return self.store.get(key) if is_key(key) else None

    def sweep(self) -> int:
        """Remove pictures no pin uses, last used before the grace period; returns how many."""
        removed = 0
        while True:
            with transaction(self.sessions) as session:
                keys = media.sweep(session, self.store, utcnow(), self.grace)
            removed += len(keys)
            if len(keys) < media.SWEEP_BATCH:
                return removed


SECRET_KEY = "media_secret"
