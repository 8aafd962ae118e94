"""Files in the Telegram stand-in: pictures and documents users send, getFile, photos sent again by file_id."""

from __future__ import annotations

import copy
import hashlib
from typing import Any

from bridge.sandbox.telegram_rules import bad_request, checked_origin, photo_sizes, url_entities

Json = dict[str, Any]
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024  # getFile: "bots can download files of up to 20MB in size"


class TelegramFiles:
    """user_photo, file (getFile), file_bytes, and which file_ids a photo may be sent by; the stand-in brings its
    lock, users, chats, message store and the `_files` and `_photo_ids` records."""

    def user_photo(
        self, user_id: int, data: bytes, caption: str | None = None, *, document: str | None = None,
        chat_id: int | None = None, enqueue: bool = True, forward_origin: Json | None = None,
    ) -> Json:
        """A user sends a picture (as a photo, or as a file of MIME type `document`); returns the Update.

        As Telegram does, a photo arrives as PhotoSize variants (https://core.telegram.org/bots/api#photosize),
        a file as a Document with its mime_type; either is fetched with getFile and the file URL.
        """
        with self._lock:
            user, chat_id = self._user(user_id), user_id if chat_id is None else chat_id
            self._known_chat(chat_id)
            if chat_id == user_id:
                self._fates.unblock(user_id)
            digest = hashlib.sha1(data).hexdigest()
            if document is None:
                sizes = photo_sizes(digest)
                for n, size in enumerate(sizes):
                    size["file_size"] = len(data)
                    self._files[size["file_id"]] = (data, size["file_unique_id"], f"photos/file_{digest[:12]}_{n}.jpg")
                fields: Json = {"photo": sizes}
            else:
                file_id, unique = f"BQACAgIAAxkB{digest[:24]}", f"AgAD{digest[:10]}"
                self._files[file_id] = (data, unique, f"documents/file_{digest[:12]}")
                fields = {"document": {"file_id": file_id, "file_unique_id": unique, "file_name": "picture",
                                       "mime_type": document, "file_size": len(data)}}
            if caption:
                fields["caption"] = caption
                fields["caption_entities"] = url_entities(caption) or None
            fields["forward_origin"] = checked_origin(forward_origin)
            update = self._queue.push({"message": self._view(self._store(chat_id, user, fields))}, enqueue)
        return self._publish(update)

    def file(self, file_id: str) -> Json:
        """getFile: a File with the path its bytes are downloaded from; 400 for an id Telegram never gave."""
        with self._lock:
            found = self._files.get(file_id)
        if found is None:
            raise bad_request("invalid file_id")
        data, unique, path = found
        if len(data) > MAX_DOWNLOAD_BYTES:
            # https://core.telegram.org/bots/api#getfile: "bots can download files of up to 20MB in size".
            raise bad_request("file is too big")
        return {"file_id": file_id, "file_unique_id": unique, "file_size": len(data), "file_path": path}

    def file_bytes(self, path: str) -> bytes | None:
        """What GET /file/bot<token>/<path> serves (a path getFile gave), or None."""
        with self._lock:
            return next((data for data, _, known in self._files.values() if known == path), None)

    def remember_photo(self, sizes: list[Json]) -> None:
        """The PhotoSizes of a photo sent: each file_id can send the same photo again."""
        with self._lock:
            for size in sizes:
                self._photo_ids[size["file_id"]] = sizes

    def photo_by_id(self, file_id: str) -> list[Json] | None:
        """The PhotoSizes of a file_id this Telegram gave out (a photo sent, or one a user sent), or None."""
        with self._lock:
            found = self._photo_ids.get(file_id)
            sent = self._files.get(file_id)
            if found is None and sent is not None:
                if not sent[2].startswith("photos/"):
                    # A document's file_id is not a photo's (tdlib's words for sendPhoto with one).
                    raise bad_request("can't use file of type Document as Photo")
                found = photo_sizes(hashlib.sha1(sent[0]).hexdigest())
        return copy.deepcopy(found) if found is not None else None
