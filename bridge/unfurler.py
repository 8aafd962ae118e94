"""Reads each new pin's page in the background (title, description, image), safely.

The server fetches URLs that users typed, so it refuses what an attacker would aim it
at: anything but http(s), addresses on private, loopback, link-local or reserved
networks (unless configured for a sandbox or a test), huge pages and non-HTML. The
address that passed the check is the one connected to (the request goes to the IP with
the original Host header and TLS server name), so DNS rebinding cannot swap it.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urljoin, urlsplit, urlunsplit

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
            headers={"User-Agent": "Pinbridge link preview", "Accept": "text/html"},
        )

    def fetch(self, url: str) -> str | None:
        """The page's HTML, or None when it is not a reachable HTML page."""
        for _ in range(MAX_REDIRECTS + 1):
            target, host, sni = self.pinned(url)
            with self.client.stream("GET", target, headers={"Host": host}, extensions={"sni_hostname": sni}) as response:
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

    def pinned(self, url: str) -> tuple[str, str, str]:
        """(URL with the checked IP as its host, Host header, TLS server name) — or Refused."""
        parts = urlsplit(url)
        try:
            port = parts.port
        except ValueError:
            raise Refused(f"bad port in {url[:80]}") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise Refused(f"not an http(s) URL: {url[:80]}")
        address = self.check(parts.hostname, port or (443 if parts.scheme == "https" else 80))
        literal = f"[{address}]" if address.version == 6 else str(address)
        netloc = f"{literal}:{port}" if port else literal
        return urlunsplit(parts._replace(netloc=netloc)), parts.netloc.rsplit("@", 1)[-1], parts.hostname

    def check(self, host: str, port: int) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
        """The address to connect to; unless allowed, every address of the host must be public."""
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise Refused(f"cannot resolve {host}") from exc
        addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
        if not self.allow_private and any(not a.is_global for a in addresses):
            raise Refused(f"{host} is on a non-public network")
        return addresses[0]

    def close(self) -> None:
        self.client.close()


class Unfurler:
    """Claims pins whose page is unread, fetches and parses them a few at a time."""

    def __init__(self, sessions, fetcher: PageFetcher, batch: int = 8, threads: int = 4, idle_sleep: float = 2.0):
        self.sessions, self.fetcher = sessions, fetcher
        self.batch, self.idle_sleep = batch, idle_sleep
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="unfurl")
        self._stop = threading.Event()

    def card_of(self, url: str) -> dict[str, str] | None:
        """What the page says about itself, or None when it could not be read (for whatever reason)."""
        try:
            html = self.fetcher.fetch(url)
            return unfurl.parse_card(html, url) if html is not None else None
        except Refused as exc:
            log.info("not unfurling %s: %s", urlsplit(url).hostname, exc)
        except Exception as exc:  # noqa: BLE001 - one bad page must never stall the others
            log.info("could not unfurl %s: %s", urlsplit(url).hostname, type(exc).__name__)
        return None

    def run_once(self) -> int:
        """Unfurl one batch; returns how many pins were handled."""
        with transaction(self.sessions) as session:
            claimed = unfurl.claim(session, utcnow(), self.batch)
        if not claimed:
            return 0
        cards = list(self.pool.map(self.card_of, [url for _, url in claimed]))
        with transaction(self.sessions) as session:
            for (pin_id, _), card in zip(claimed, cards, strict=True):
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
        self.close()

    def stop(self) -> None:
        """Finish the current batch and return from run()."""
        self._stop.set()

    def close(self) -> None:
        """Release the thread pool and the HTTP client."""
        self.pool.shutdown(wait=True)
        self.fetcher.close()
