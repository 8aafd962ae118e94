"""The `language` command: which language Pinbridge answers a person in, and changing it."""

from __future__ import annotations

from core import i18n, people
from core.commands.context import Context
from core.errors import InvalidInput
from core.results import Reply
from core.text import Code, Command, Text, joined, rich, tr


def language(ctx: Context, value: str = "") -> Reply:
    """`language` shows the current one and the choices; `language <code>` picks one; `language auto` follows the platform."""
    typed = value.strip()
    if not typed:
        return Reply(rich(_current(ctx), "\n", tr("Choose one with {command}: {choices}.", command=Command("language <code>"),
                                                     choices=_choices())))
    if typed.lower() == "auto":
        ctx.person.language = None
        return Reply(tr("I now answer you in your platform's language: {language}.", language=_name(_spoken(ctx))))
    code = i18n.code_of(typed)
    if code is None or len(typed.split()) != 1:
        raise InvalidInput(tr("I don't speak “{typed}”. Choose one of {choices}.", typed=typed[:40], choices=_choices()))
    ctx.person.language = code
    return Reply(tr("I'll answer you in {language} from now on.", language=i18n.NAMES[code]))


def _current(ctx: Context) -> Text:
    if ctx.person.language:
        return tr("I answer you in {language}, as you chose.", language=i18n.NAMES[_spoken(ctx)])
    return tr("I answer you in {language}, your platform's language.", language=_name(_spoken(ctx)))


def _spoken(ctx: Context) -> str:
    return i18n.language_of(ctx.person, people.speaking_account(ctx.session, ctx.person))


def _name(code: str) -> str:
    return i18n.NAMES[code]


def _choices() -> Text:
    listed = [rich(Code(code), f" ({i18n.NAMES[code]})") for code in i18n.LANGUAGES]
    return joined(listed + [rich(Code("auto"))], ", ")
