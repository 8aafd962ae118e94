"""The public web pages (SPEC §5): pin, board, profile and invite pages, and the plain landing page.

Read-only and login-free: each page shows exactly what `core.pages` lets the public
see; anything else is the same 404, so a secret board is indistinguishable from none.
"""

from __future__ import annotations

import zlib
from urllib.parse import urlsplit

from flask import Blueprint, Response, make_response, render_template, request

from core import pages
from core.pictures import is_key
from core.db import reading

# No scripts at all; pictures come from Pinbridge itself (/media/), older pins' and avatars' from their web hosts.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' http: https:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # invite codes sit in the path: never send it to image hosts
    "X-Frame-Options": "DENY",
}


def http_url(value: object) -> str:
    """The value if it is an absolute http(s) URL, else "" — the last guard before href/src."""
    if not isinstance(value, str) or any(ch.isspace() or ord(ch) < 32 for ch in value):
        return ""
    try:
        parts = urlsplit(value)
        hostname = parts.hostname
    except ValueError:
        return ""
    return value if parts.scheme.lower() in ("http", "https") and hostname else ""


HUES = 8  # the made cards' colours (pinbridge.css .hue-0 … .hue-7)


def hue(host: object) -> int:
    """A colour for a site's made card: the same site, the same colour, on every page."""
    return zlib.crc32(str(host or "").encode()) % HUES


def url_host(value: object) -> str:
    """The host name of an http(s) URL, for showing where a link leads."""
    url = http_url(value)
    return (urlsplit(url).hostname or "").removeprefix("www.") if url else ""


def harden(response: Response) -> Response:
    """Add the security headers every public page carries."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def blueprint(services) -> Blueprint:
    """GET /p/<pin>, /b/<board>, /u/<handle>, /i/<code> and /media/<picture>, with their stylesheet under /assets/."""
    bp = Blueprint(
        "pages", __name__, template_folder="templates", static_folder="static", static_url_path="/assets"
    )
    bp.add_app_template_filter(http_url, "http_url")
    bp.add_app_template_filter(url_host, "url_host")
    bp.add_app_template_filter(hue, "hue")
    bp.after_request(harden)
    settings = services.engine.settings

    def lookup(query, key):
        if key is None:
            return None
        with reading(services.sessions) as session:
            return query(session, settings, key)

    @bp.get("/p/<pin_id>")
    def pin(pin_id: str):
        return _page("pages/pin.html", page=lookup(pages.pin_page, _number(pin_id)))

    @bp.get("/b/<board_id>")
    def board(board_id: str):
        return _page("pages/board.html", page=lookup(pages.board_page, _number(board_id)))

    @bp.get("/u/<handle>")
    def profile(handle: str):
        return _page("pages/profile.html", page=lookup(pages.profile_page, handle))

    @bp.get("/media/<key>")
    def picture(key: str):
        # Named by an HMAC of its bytes: immutable, so cached for a year, and unguessable. Only what the
        # store holds as JPEG or PNG is ever served, with its own type (nosniff is set by harden()).
        etag = f'"{key}"'
        if is_key(key) and request.headers.get("If-None-Match") == etag:
            response = make_response("", 304)  # the same name is the same bytes: no need to read them again
            response.headers.pop("Content-Type", None)
        else:
            found = services.pictures.get(key) if services.pictures is not None else None
            if found is None:
                return make_response(render_template("pages/not_found.html"), 404)
            data, mime = found
            response = make_response(data)
            response.mimetype = mime
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        response.headers["ETag"] = etag
        return response

    @bp.get("/i/<code>")
    def invite(code: str):
        response = _page("pages/invite.html", page=lookup(pages.invite_page, code))
        response.headers["Cache-Control"] = "no-store"  # a one-time code: keep it out of shared caches
        return response

    return bp


def landing_view(services):
    """The view for GET / when the sandbox is off: what Pinbridge is and how to start."""
    platforms = services.engine.settings.platforms

    def landing():
        return harden(make_response(render_template("pages/landing.html", platforms=platforms)))

    return landing


def _number(text: str) -> int | None:
    """An id from the path; not the int converter, so /p/abc gets the styled 404 too."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 12 else None


def _page(template: str, page) -> Response:
    """The page, or the one 404 used for unknown, secret and invisible things alike."""
    if page is None:
        return make_response(render_template("pages/not_found.html"), 404)
    return make_response(render_template(template, page=page))
