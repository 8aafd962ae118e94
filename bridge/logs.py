"""Logging that never carries a secret: bot tokens, signing and webhook secrets, link and invite codes.

Libraries log what they send (httpx logs every request URL, and a Telegram URL holds the bot
token; PTB and slack_sdk log request bodies at DEBUG, and a reply may hold a link code), so
redaction happens where every log record is made — the record factory — whatever logger,
level or handler. Known secrets are replaced exactly; codes are also recognised by the way
Pinbridge writes them (`start=link_…`, `/i/…`, "link code is …"), so a code from before a
restart or from another process is caught too.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict

MASK = "[redacted]"
MIN_SECRET = 6  # shorter values are not secrets worth a scan (and would mask ordinary words)
MAX_CODES = 10_000  # recent codes remembered for exact redaction; the shape patterns catch the rest
# How Pinbridge itself writes codes into texts and links; each label is followed by the code.
# Link codes are 8 characters (typed maybe as XXXX-XXXX), invite codes 12 URL-safe ones.
CODE_SHAPES = re.compile(
    r"(start=(?:link|inv)_|/i/|link code is |\blink |\bjoin )"
    r"(?:[A-Za-z0-9]{4}-?[A-Za-z0-9]{4}|[A-Za-z0-9_-]{12})(?![A-Za-z0-9_-])"
)
NOISY = ("httpx", "httpcore")  # their INFO is one line per request, URL and all: warnings only


class Redactor:
    """The process's known secrets, and the one place text is scrubbed of them."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()
        self._codes: OrderedDict[str, None] = OrderedDict()
        self._pattern: re.Pattern | None = None
        self._lock = threading.Lock()

    def add(self, *values: str | None) -> None:
        """Treat these values as secrets from now on."""
        with self._lock:
            fresh = {v for v in values if isinstance(v, str) and len(v) >= MIN_SECRET} - self._secrets
            if fresh:
                self._secrets |= fresh
                self._compile()

    def add_code(self, code: str) -> None:
        """Remember a link or invite code this process issued (bounded: the oldest are forgotten)."""
        if not isinstance(code, str) or len(code) < MIN_SECRET:
            return
        with self._lock:
            self._codes[code] = None
            self._codes.move_to_end(code)
            while len(self._codes) > MAX_CODES:
                self._codes.popitem(last=False)
            self._compile()

    def _compile(self) -> None:
        every = sorted(self._secrets | set(self._codes), key=len, reverse=True)  # longest first: no partial masks
        self._pattern = re.compile("|".join(map(re.escape, every))) if every else None

    def redact(self, text: str) -> str:
        """`text` with every known secret and every code-shaped value masked."""
        pattern = self._pattern
        if pattern is not None:
            text = pattern.sub(MASK, text)
        return CODE_SHAPES.sub(lambda m: m.group(1) + MASK, text)

    def known(self) -> frozenset[str]:
        """The secrets and codes known now (for checks)."""
        with self._lock:
            return frozenset(self._secrets | set(self._codes))


_redactor = Redactor()
_installed = False
_install_lock = threading.Lock()


def redactor() -> Redactor:
    """The process's redactor (logging is process-wide, so this one is too)."""
    return _redactor


def protect(*secrets: str | None) -> Redactor:
    """Install redaction into logging (once per process) and add these secrets to it."""
    global _installed
    with _install_lock:
        if not _installed:
            _install()
            _installed = True
    _redactor.add(*secrets)
    return _redactor


def _install() -> None:
    make = logging.getLogRecordFactory()
    formatter = logging.Formatter()

    def record(*args, **kwargs) -> logging.LogRecord:
        found = make(*args, **kwargs)
        try:
            message = found.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string is logging's to report, not ours
            return found
        clean = _redactor.redact(message)
        if clean != message:
            found.msg, found.args = clean, ()
        if found.exc_info:
            found.exc_text = _redactor.redact(formatter.formatException(found.exc_info))
        if found.stack_info:
            found.stack_info = _redactor.redact(found.stack_info)
        return found

    logging.setLogRecordFactory(record)
    for name in NOISY:
        logging.getLogger(name).setLevel(logging.WARNING)
