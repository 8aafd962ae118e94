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
import time
from collections.abc import Callable
from contextlib import contextmanager
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from bridge.health import Backoff
from core import unfurl
from core.clock import utcnow
from core.db import transaction
from core.errors import InvalidInput

log = logging.getLogger(__name__)
MAX_REDIRECTS = 3


class Refused(Exception):
    """The URL points somewhere Pinbridge will not fetch from."""


class PageFetcher:
    """GETs an HTML page with limits on time, size, redirects and destinations.

    `timeout` bounds each network wait; `deadline` bounds the whole fetch, redirects and
    body included, so a page that sends a byte every second cannot keep a fetch going.
    """

    def __init__(self, timeout: float = 5.0, max_bytes: int = 512 * 1024, allow_private: bool = False,
                 deadline: float = 10.0, clock=time.monotonic):
        self.max_bytes, self.allow_private, self.timeout, self.deadline, self.clock = max_bytes, allow_private, timeout, deadline, clock
        self.client = httpx.Client(
            timeout=timeout, follow_redirects=False,
            headers={"User-Agent": "Pinbridge link preview", "Accept": "text/html"},
        )

    def fetch(self, url: str) -> str | None:
        """The page's HTML, or None when it is not a reachable HTML page; Refused past the deadline."""
        ends = self.clock() + self.deadline
        with self._followed(url, ends) as (response, final):
            if response is None or "html" not in response.headers.get("content-type", ""):
                return None
            return self._read(response, ends, final)

    def head(self, url: str, size: int = 16) -> bytes | None:
        """The first `size` bytes of what a URL serves (an image's signature), or None."""
        ends = self.clock() + self.deadline
        with self._followed(url, ends) as (response, _):
            if response is None:
                return None
            for chunk in response.iter_bytes(size):
                return chunk[:size]
        return None

    def fetch_bytes(self, url: str, limit: int) -> bytes | None:
        """All of what a URL serves (a picture), or None when it is unreachable or larger than `limit` bytes."""
        ends = self.clock() + self.deadline
        with self._followed(url, ends) as (response, final):
            if response is None:
                return None
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                return None
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > limit:
                    return None  # never more than the limit in memory, whatever the header said
                self._left(ends, final)
            return bytes(body)

    @contextmanager
    def _followed(self, url: str, ends: float):
        """The 200 answer for a URL after at most MAX_REDIRECTS checked redirects, or None."""
        for _ in range(MAX_REDIRECTS + 1):
            target, host, sni = self.pinned(url)
            timeout = httpx.Timeout(self._left(ends, url))
            with self.client.stream(
                "GET", target, headers={"Host": host}, extensions={"sni_hostname": sni}, timeout=timeout,
            ) as response:
                if response.is_redirect and "location" in response.headers:
                    url = urljoin(url, response.headers["location"])
                    continue
                yield (response if response.status_code == 200 else None), url
                return
        yield None, url

    def _left(self, ends: float, url: str) -> float:
        left = ends - self.clock()
        if left <= 0:
            raise Refused(f"{urlsplit(url).hostname} did not answer within {self.deadline:.0f}s")
        return min(self.timeout, left)

    def _read(self, response: httpx.Response, ends: float, url: str) -> str:
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) >= self.max_bytes:
                break  # the head of a page holds its meta tags
            self._left(ends, url)
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
    """Claims pins whose page is unread and fetches them on a few threads, each on its own.

    A pin is claimed when a thread is free and its card is stored as soon as its page is
    read: one slow page holds up only itself, never a batch.
    """

    def __init__(self, sessions, fetcher: PageFetcher, threads: int = 4, idle_sleep: float = 2.0, pictures=None,
                 max_picture_bytes: int = 10_485_760,
                 heartbeat: Callable[[], None] = lambda: None):
        self.sessions, self.fetcher, self.heartbeat = sessions, fetcher, heartbeat
        self.threads, self.idle_sleep = threads, idle_sleep
        self.pictures, self.max_picture_bytes = pictures, max_picture_bytes
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="unfurl")
        self.in_flight: dict[Future, int] = {}
        self._stop = threading.Event()

    def card_of(self, url: str, picture: bool = True) -> dict[str, str] | None:
        """What the page says about itself, or None when it could not be read (for whatever reason);
        `picture`: keep the page's image too (not for a pin that has its own picture already)."""
        try:
            html = self.fetcher.fetch(url)
            if html is None:
                return None
            card = unfurl.parse_card(html, url)
            if "image" in card:  # known by its first bytes, so platforms are sent only the types they take
                head = self.fetcher.head(card["image"])
                kind = unfurl.image_type(head) if head else None
                if kind is None:
                    del card["image"]  # not an image at all: no picture rather than a broken one
                else:
                    card["image_type"] = kind
                    if picture:
                        self._keep_picture(card)
            return card
        except Refused as exc:
            log.info("not unfurling %s: %s", urlsplit(url).hostname, exc)
        except Exception as exc:  # noqa: BLE001 - one bad page must never stall the others
            log.info("could not unfurl %s: %s", urlsplit(url).hostname, type(exc).__name__)
        return None

    def _keep_picture(self, card: dict[str, str]) -> None:
        """Fetch the page's image once and keep it (card["picture_key"]); a picture we do not take is left out."""
        if self.pictures is None:
            return
        try:
            data = self.fetcher.fetch_bytes(card["image"], self.max_picture_bytes)
            if data is None:
                return
            kept = self.pictures.keep(data)
        except InvalidInput as exc:
            log.info("not keeping the picture of a page: %s", exc.message)
            return
        except Exception as exc:  # noqa: BLE001 - a slow image or a store that is down costs the picture, not the card
            log.info("could not keep the picture of a page: %s", type(exc).__name__)
            return
        card.update(picture_key=kept.key, picture_type=kept.mime, picture_width=kept.width, picture_height=kept.height)

    def step(self, wait_seconds: float) -> int:
        """Claim pins for the free threads, store the cards that are ready; returns how many were stored."""
        free = self.threads - len(self.in_flight)
        if free > 0:
            with transaction(self.sessions) as session:
                claimed = unfurl.claim(session, utcnow(), free)
                pictured = unfurl.pictured(session, [pin_id for pin_id, _ in claimed])
            for pin_id, url in claimed:
                self.in_flight[self.pool.submit(self.card_of, url, pin_id not in pictured)] = pin_id
        if not self.in_flight:
            return 0
        done, _ = wait(self.in_flight, timeout=wait_seconds, return_when=FIRST_COMPLETED)
        for future in done:
            pin_id = self.in_flight.pop(future)
            with transaction(self.sessions) as session:
                unfurl.apply(session, pin_id, future.result(), utcnow())
        return len(done)

    def run_once(self) -> int:
        """Unfurl what is waiting now, to the end (for tests and one-off runs); returns how many pins."""
        handled = self.step(self.idle_sleep)
        while self.in_flight:
            handled += self.step(self.idle_sleep)
        return handled

    def run(self) -> None:
        """Unfurl until stop(); a failed step (the database down) waits a capped backoff."""
        backoff = Backoff(cap=30.0)
        while not self._stop.is_set():
            try:
                busy = self.step(self.idle_sleep)
            except Exception as exc:  # noqa: BLE001 - leased pins come back after the lease; keep going
                delay = backoff.next()
                log.warning("link preview step failed (%s); trying again in %.1fs", type(exc).__name__, delay)
                self._stop.wait(delay)
                continue
            backoff.reset()
            self.heartbeat()
            if not busy and not self.in_flight:
                self._stop.wait(self.idle_sleep)
        self.close()

    def stop(self) -> None:
        """Finish the current pages and return from run()."""
        self._stop.set()

    def close(self) -> None:
        """Release the thread pool and the HTTP client."""
        self.pool.shutdown(wait=True)
        self.fetcher.close()
