"""Bot API rules the Telegram stand-in follows: error answers, send limits, message shapes."""

from __future__ import annotations

import copy
import hashlib
import math
import time
from collections import deque
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

# https://core.telegram.org/bots/api#sendmessage: text "1-4096 characters after entities parsing".
MAX_TEXT_LENGTH = 4096
# https://core.telegram.org/bots/api#sendphoto: caption "0-1024 characters after entities parsing".
MAX_CAPTION_LENGTH = 1024
GET_UPDATES_MAX_WAIT = 1.0  # long polls are capped so tests and the sandbox never hang
INTERNAL_KEYS = ("parse_mode", "reply_to_message_id", "photo_source")
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    403: "Forbidden: bot was blocked by the user",
    500: "Internal Server Error",
}


class ApiError(Exception):
    """A Bot API error answer: HTTP status, description and optional response parameters."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        """The JSON body Telegram answers with for this error."""
        body: dict[str, Any] = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(detail: str) -> ApiError:
    """A 400 answer worded like Telegram's ("Bad Request: <detail>")."""
    return ApiError(400, f"Bad Request: {detail}")


def too_many_requests(retry_after: int) -> ApiError:
    """A 429 answer carrying `retry_after` in its response parameters."""
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})


def injected_error(status: int, retry_after: int | None = None, description: str | None = None) -> ApiError:
    """The error fail_next() injects: Telegram's wording for the status unless `description` is given."""
    if status == 429:
        seconds = 1 if retry_after is None else int(retry_after)
        error = too_many_requests(seconds)
        return ApiError(429, description, error.parameters) if description else error
    return ApiError(status, description or DEFAULT_DESCRIPTIONS.get(status) or HTTPStatus(status).phrase)


@dataclass(frozen=True)
class Call:
    """One recorded Bot API call and how the stand-in answered it."""

    method: str
    params: dict[str, Any]
    timestamp: float
    status: int = 200
    error: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the call was answered with ok=true."""
        return self.status == 200


class SlidingWindow:
    """At most `limit` accepted events within any `seconds`-long window."""

    def __init__(self, limit: int, seconds: float) -> None:
        self.limit = limit
        self.seconds = seconds
        self._times: deque[float] = deque()

    def wait(self, now: float) -> float:
        """Seconds until one more event fits (0.0 if it fits now)."""
        while self._times and self._times[0] <= now - self.seconds:
            self._times.popleft()
        if len(self._times) < self.limit:
            return 0.0
        return self._times[len(self._times) - self.limit] + self.seconds - now

    def add(self, now: float) -> None:
        """Count one accepted event at `now`."""
        self._times.append(now)


class RateLimiter:
    """Telegram's send limits (per chat, per group, global), kept as sliding windows."""

    def __init__(self, per_chat_per_second: float, per_group_per_minute: int, global_per_second: int) -> None:
        self._chat_limit = max(1, round(per_chat_per_second))
        self._chat_seconds = self._chat_limit / per_chat_per_second
        self._group_limit = per_group_per_minute
        self._global = SlidingWindow(global_per_second, 1.0)
        self._windows: dict[tuple[str, int], SlidingWindow] = {}

    def _window(self, kind: str, chat_id: int) -> SlidingWindow:
        if (kind, chat_id) not in self._windows:
            if kind == "chat":
                self._windows[kind, chat_id] = SlidingWindow(self._chat_limit, self._chat_seconds)
            else:
                self._windows[kind, chat_id] = SlidingWindow(self._group_limit, 60.0)
        return self._windows[kind, chat_id]

    def admit(self, chat_id: int | None, is_group: bool, now: float) -> int:
        """Count a send and return 0, or return whole seconds to wait (>= 1) without counting it."""
        windows = [self._global]
        if chat_id is not None:
            windows.append(self._window("chat", chat_id))
            if is_group:
                windows.append(self._window("group", chat_id))
        wait = max(window.wait(now) for window in windows)
        if wait > 0:
            return max(1, math.ceil(wait))
        for window in windows:
            window.add(now)
        return 0


def api_view(message: dict[str, Any], replied: dict[str, Any] | None = None) -> dict[str, Any]:
    """A stored message as the Bot API shows it (internal bookkeeping keys removed)."""
    view = {key: copy.deepcopy(value) for key, value in message.items() if key not in INTERNAL_KEYS}
    # Telegram only echoes inline keyboards; PTB would fail to parse a reply keyboard here.
    if not isinstance(view.get("reply_markup"), dict) or "inline_keyboard" not in view["reply_markup"]:
        view.pop("reply_markup", None)
    if replied is not None:
        view["reply_to_message"] = api_view(replied)
    return view


def command_entities(text: str) -> list[dict[str, Any]]:
    """A bot_command entity for text starting with "/" (lengths in UTF-16 units, like Telegram)."""
    if not text.startswith("/"):
        return []
    command = text.split(maxsplit=1)[0]
    return [{"type": "bot_command", "offset": 0, "length": len(command.encode("utf-16-le")) // 2}]


ORIGIN_FIELDS = {  # https://core.telegram.org/bots/api#messageorigin: what each kind carries besides type and date
    "user": ("sender_user",), "hidden_user": ("sender_user_name",), "chat": ("sender_chat",),
    "channel": ("chat", "message_id"),
}


def checked_origin(origin: dict[str, Any] | None) -> dict[str, Any] | None:
    """A forwarded message's MessageOrigin as Telegram sends it; a shape Telegram never sends is a test's mistake."""
    if origin is None:
        return None
    wanted = ORIGIN_FIELDS.get(origin.get("type"))
    if wanted is None or any(name not in origin for name in wanted):
        raise ValueError(f"not a MessageOrigin: {origin!r}")
    return {"date": int(time.time()), **origin}


def url_entities(text: str) -> list[dict[str, Any]]:
    """A `url` entity for each http(s) link in text a person sends, as Telegram marks them (MessageEntity: "url"
    (https://telegram.org)); trailing punctuation is not part of the link. Offsets and lengths in UTF-16 units."""
    found, at = [], 0
    for word in text.split():
        start = text.index(word, at)
        at = start + len(word)
        link = word.rstrip(".,;:!?)]'\"")
        if link.lower().startswith(("http://", "https://")) and len(link) > len("https://"):
            found.append({"type": "url", "offset": _utf16(text[:start]), "length": _utf16(link)})
    return found


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def photo_sizes(source: str) -> list[dict[str, Any]]:
    """The PhotoSize variants Telegram keeps of a sent photo (ids stable per URL, file_id or upload)."""
    digest = hashlib.sha1(source.encode()).hexdigest()
    sizes = ((90, 1_311), (320, 14_523), (800, 58_901))
    return [
        {"file_id": f"AgACAgIAAxkD{digest[:24]}{i}", "file_unique_id": f"AQAD{digest[:10]}{i}",
         "width": side, "height": side, "file_size": size}
        for i, (side, size) in enumerate(sizes)
    ]
