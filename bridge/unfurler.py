"""Reads each new pin's page in the background (title, description, image), safely.

The server fetches URLs that users typed, so it refuses what an attacker would aim it
at: anything but http(s), addresses on private, loopback, link-local or reserved
networks (unless configured for a sandbox or a test), huge pages and non-HTML.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urljoin, urlsplit

import httpx

from core import unfurl
from core.clock import utcnow
from core.db import transaction

log = logging.getLogger(__name__)
MAX_REDIRECTS = 3


class Refused(Exception):
    """The URL points somewhere Pinbridge will not fetch from."""


class PageFetcher:
    """GETs an HTML page with limits on time, size, redirects and destinations."""

    def __init__(self, timeout: float = 5.0, max_bytes: int = 512 * 1024, allow_private: bool = False):
        self.max_bytes, self.allow_private = max_bytes, allow_private
        self.client = httpx.Client(
            timeout=timeout, follow_redirects=False,
            headers={"User-Agent": "Pinbridge link preview (+https://github.com/pinbridge)", "Accept": "text/html"},
        )

    def fetch(self, url: str) -> str | None:
        """The page's HTML, or None when it is not a reachable HTML page."""
        for _ in range(MAX_REDIRECTS + 1):
            self.check(url)
            with self.client.stream("GET", url) as response:
                if response.is_redirect and "location" in response.headers:
                    url = urljoin(url, response.headers["location"])
                    continue
                if response.status_code != 200 or "html" not in response.headers.get("content-type", ""):
                    return None
                return self._read(response)
        return None

    def _read(self, response: httpx.Response) -> str:
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) >= self.max_bytes:
                break  # the head of a page holds its meta tags
        return bytes(body[: self.max_bytes]).decode(response.encoding or "utf-8", "replace")

    def check(self, url: str) -> None:
        """Refuse non-http(s) URLs and, unless allowed, hosts that resolve to non-public addresses."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise Refused(f"not an http(s) URL: {url[:80]}")
        if self.allow_private:
            return
        try:
            infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
        except socket.gaierror as exc:
            raise Refused(f"cannot resolve {parts.hostname}") from exc
        for info in infos:
            address = ipaddress.ip_address(info[4][0])
            if not address.is_global:
                raise Refused(f"{parts.hostname} is on a non-public network")

    def close(self) -> None:
        self.client.close()


class Unfurler:
    """Claims pins whose page is unread, fetches and parses them a few at a time."""

    def __init__(self, sessions, fetcher: PageFetcher, batch: int = 8, threads: int = 4, idle_sleep: float = 2.0):
        self.sessions, self.fetcher = sessions, fetcher
        self.batch, self.threads, self.idle_sleep = batch, threads, idle_sleep
        self._stop = threading.Event()

    def card_of(self, url: str) -> dict[str, str] | None:
        """What the page says about itself, or None when it could not be read."""
        try:
            html = self.fetcher.fetch(url)
        except (Refused, httpx.HTTPError, UnicodeError) as exc:
            log.info("not unfurling %s: %s", urlsplit(url).hostname, type(exc).__name__)
            return None
        return unfurl.parse_card(html, url) if html is not None else None

    def run_once(self) -> int:
        """Unfurl one batch; returns how many pins were handled."""
        with transaction(self.sessions) as session:
            claimed = unfurl.claim(session, utcnow(), self.batch)
        if not claimed:
            return 0
        with ThreadPoolExecutor(self.threads, thread_name_prefix="unfurl") as pool:
            cards = list(pool.map(self.card_of, [url for _, url in claimed]))
        with transaction(self.sessions) as session:
            for (pin_id, _), card in zip(claimed, cards):
                unfurl.apply(session, pin_id, card, utcnow())
        return len(claimed)

    def run(self) -> None:
        """Unfurl until stop()."""
        while not self._stop.is_set():
            try:
                busy = self.run_once()
            except Exception:  # noqa: BLE001 - leased pins come back after the lease; keep going
                log.exception("unfurl pass failed")
                busy = 0
            if not busy:
                self._stop.wait(self.idle_sleep)
        self.fetcher.close()

    def stop(self) -> None:
        """Finish the current batch and return from run()."""
        self._stop.set()
