"""Files in the Slack stand-in: what people shared, files.info, and the private URLs that want a token."""

from __future__ import annotations

import secrets
import time
from typing import Any


class SlackFiles:
    """add_file, file_info (files.info) and file_bytes; the stand-in brings `_lock`, `team_id` and `_files`."""

    def add_file(self, user_id: str, data: bytes, mimetype: str, name: str = "picture", base: str = "",
                 public: bool = False) -> dict[str, Any]:
        """A file a person shared; returns the File object a message's `files` carries
        (https://docs.slack.dev/reference/objects/file-object): private URLs that need the bot's token."""
        with self._lock:
            file_id = "F" + secrets.token_hex(5).upper()
            private = f"{base.rstrip('/')}/files-pri/{self.team_id}-{file_id}/{name}"
            found = {
                "id": file_id, "created": int(time.time()), "timestamp": int(time.time()), "name": name, "title": name,
                "mimetype": mimetype, "filetype": mimetype.rpartition("/")[2], "user": user_id, "size": len(data),
                "mode": "hosted", "is_external": False, "is_public": public, "url_private": private,
                "url_private_download": private + "?download=1",
            }
            self._files[file_id] = (found, data)
            return dict(found)

    def file_info(self, file_id: str) -> dict[str, Any] | None:
        """What files.info answers for a file, or None (files.info: file_not_found)."""
        with self._lock:
            found = self._files.get(file_id)
        return dict(found[0]) if found is not None else None

    def file_bytes(self, team_file: str) -> bytes | None:
        """The bytes behind /files-pri/<team>-<file id>/…, or None."""
        _, _, file_id = team_file.partition("-")
        with self._lock:
            found = self._files.get(file_id)
        return found[1] if found else None
