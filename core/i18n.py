"""Languages: which ones Pinbridge speaks, which one a person reads, and their catalogues.

The catalogues are gettext's: `core/locale/<code>/LC_MESSAGES/pinbridge.po`, written by translators and
compiled to `.mo` with Babel (`make messages`); at run time the standard library's `gettext` reads the
`.mo`. A person's explicit choice (`language <code>`) wins over their platform's locale (the one the
platform tells for the account); anything Pinbridge does not speak reads English.
"""

from __future__ import annotations

import functools
import gettext
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any

from core.text import ENGLISH, Text, Translator, localize

DOMAIN = "pinbridge"
LOCALE_DIR = Path(__file__).with_name("locale")
LANGUAGES = ("en", "es", "de", "pt")  # English first: the message ids, and the default
NAMES = {"en": "English", "es": "Español", "de": "Deutsch", "pt": "Português"}  # each in its own language
# What a person may type for a language besides its code (its own name, without accents too).
ALIASES = {
    "english": "en", "español": "es", "espanol": "es", "spanish": "es", "deutsch": "de", "german": "de",
    "português": "pt", "portugues": "pt", "portuguese": "pt",
}


@lru_cache(maxsize=None)
def translator(code: str | None) -> Translator:
    """The catalogue of one language (English, the message ids themselves, for anything unknown)."""
    if code not in LANGUAGES or code == "en":
        return ENGLISH
    return gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[code], fallback=True)


def supported(locale: str | None) -> str | None:
    """The language Pinbridge speaks for a platform locale ("pt-BR", "pt_BR", "es-419", "de-AT" → its base), or None."""
    base = (locale or "").strip().replace("_", "-").split("-", 1)[0].lower()
    return base if base in LANGUAGES else None


def pick(explicit: str | None, platform_locale: str | None) -> str:
    """The language a person reads: their own choice, else their platform's, else English."""
    return supported(explicit) or supported(platform_locale) or "en"


def code_of(typed: str) -> str | None:
    """The language a person typed (a code like "es" or "pt-BR", or a name like "español"), or None."""
    word = typed.strip().lower()
    return ALIASES.get(word) or supported(word)


def language_of(person, account=None) -> str:
    """A person's language: their choice, else the locale of the account in hand (else English)."""
    return pick(person.language, account.locale if account is not None else None)


def localized(text: Text, code: str | None) -> Text:
    """The text read in one language."""
    return localize(text, translator(code))


# The language of what is being rendered now (a delivery's recipient's, a reply's asker's): set around a
# render, so the adapters' own words (buttons, titles, headings) need no language passed down every call.
_RENDERING: ContextVar[str] = ContextVar("rendering language", default="en")


@contextmanager
def speaking(code: str | None) -> Iterator[None]:
    """Render in this language inside the block (English for anything Pinbridge does not speak)."""
    token = _RENDERING.set(supported(code) or "en")
    try:
        yield
    finally:
        _RENDERING.reset(token)


def rendered_for(language_of_first: Callable[[Any], str | None]) -> Callable:
    """A render function decorated to run in the language of its first argument (a reply's asker, a delivery's reader)."""
    def decorate(render: Callable) -> Callable:
        @functools.wraps(render)
        def in_language(first, *args, **kwargs):
            with speaking(language_of_first(first)):
                return render(first, *args, **kwargs)
        return in_language
    return decorate


def current() -> str:
    """The language being rendered in."""
    return _RENDERING.get()


def now(text: Text) -> Text:
    """The text in the language being rendered in."""
    return localized(text, _RENDERING.get())


def words(text: Text) -> str:
    """The text's plain reading in the language being rendered in (a button label, a title)."""
    return str(now(text))


def slot(name: str) -> str:
    """A place in a phrase for markup an adapter made elsewhere (`filled` puts it there)."""
    return f"\x00{name}\x00"


def filled(text: Text, escape: Callable[[str], str], **pieces: str) -> str:
    """The adapter's own words read in the language being rendered in and escaped with the adapter's
    `escape`, each `slot(name)` in them replaced by its piece of markup, already made (in one pass: a
    piece is never read again)."""
    parts = escape(str(now(text))).split("\x00")
    return "".join(pieces.get(part, "") if index % 2 else part for index, part in enumerate(parts))
