"""What the sandbox page's two panes share: refusals, people's names, and posting to Pinbridge."""

from __future__ import annotations

import re

import httpx

from core import people
from core.db import transaction

NAME = re.compile(r"[A-Za-z0-9_.]{2,32}")
TIMEOUT_SECONDS = 10.0  # Pinbridge acks within milliseconds; this only bounds a broken set-up


class Refused(Exception):
    """Something the page asked for that cannot be done; `status` is the HTTP answer."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message, self.status = message, status


def person_name(text: object) -> tuple[str, str]:
    """(username, display name) for a name typed on the page: 'alice' -> ('alice', 'Alice')."""
    name = str(text or "").strip().lstrip("@")
    if not NAME.fullmatch(name):
        raise Refused("A name is 2–32 letters, digits, _ or . (it becomes the person's @handle).")
    return name.lower(), name[:1].upper() + name[1:]


def handle_of(sessions, platform: str, external_id: str) -> str | None:
    """The Pinbridge handle of a platform account, once the person has used Pinbridge."""
    with transaction(sessions) as session:
        person = people.by_account(session, platform, external_id)
        return person.handle if person else None


def post(url: str, body: str, headers: dict[str, str]) -> httpx.Response:
    """POST to one of Pinbridge's own endpoints over HTTP, exactly as the platform would."""
    try:
        response = httpx.post(url, content=body.encode(), headers=headers, timeout=TIMEOUT_SECONDS)
    except httpx.HTTPError as error:
        raise Refused(f"Could not reach {url} ({type(error).__name__}).", 502) from error
    if response.status_code != 200:
        raise Refused(f"{url} answered HTTP {response.status_code}: {response.text[:200]}", 502)
    return response


# The languages a new person's app can be set to on the page, as each platform spells them: Slack's
# users.info locale (docs.slack.dev/reference/methods/users.info, include_locale) and Telegram's
# User.language_code (an IETF language tag, core.telegram.org/bots/api#user).
APP_LANGUAGES = {"en": ("en-US", "en"), "es": ("es-ES", "es"), "de": ("de-DE", "de"), "pt": ("pt-BR", "pt-br")}


def app_language(choice: object, platform: int) -> str:
    """The platform's spelling (0 Slack, 1 Telegram) of a language picked on the page; English by default."""
    key = str(choice or "en")
    if key not in APP_LANGUAGES:
        raise Refused(f"No app language {key[:10]!r} here — pick one of {', '.join(APP_LANGUAGES)}.")
    return APP_LANGUAGES[key][platform]
