"""Languages: every word in every catalogue, placeholders that match, phrases that keep their spans, locales picked."""

from __future__ import annotations

import ast
import functools
import gettext
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from core import i18n
from core.commands.help import help_text
from core.text import ENGLISH, Command, Link, Mention, Phrase, Plain, localize, placeholders, rich, tr, trn

ROOT = Path(__file__).resolve().parents[2]
OTHERS = [code for code in i18n.LANGUAGES if code != "en"]


@functools.lru_cache(maxsize=1)  # one extraction (seconds) serves every test that reads it
def _extracted() -> dict[str, tuple[str, ...]]:
    """Every msgid the code says (as `make messages` extracts it), with its plural when it has one."""
    found: dict[str, tuple[str, ...]] = {}
    for package in ("core", "adapters", "bridge"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / package, method_map=[("**.py", "python")], keywords={"tr": None, "trn": (1, 2)},
        ):
            key = message if isinstance(message, tuple) else (message,)
            found[key[0]] = key
    return found


def _catalogue(code: str):
    with open(i18n.LOCALE_DIR / code / "LC_MESSAGES" / "pinbridge.po", "rb") as po:
        return read_po(po, locale=code)


def test_the_code_says_many_translatable_things():
    assert len(_extracted()) > 150


def _written() -> dict[str, str]:
    """Every tr()/trn() message id in the code, read from its syntax tree: inside f-strings and other calls' arguments
    too, where Babel's extractor does not look."""
    found: dict[str, str] = {}
    for package in ("core", "adapters", "bridge"):
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("tr", "trn") \
                        and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                    found.setdefault(node.args[0].value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_babel_sees_every_message_the_code_writes():
    """A tr() inside an f-string, or in a call inside a tr()'s arguments, is never extracted: it would read English."""
    unseen = [where for msgid, where in _written().items() if msgid not in _extracted()]
    assert unseen == [], f"move these out of the f-string / nested call: {unseen[:5]}"


@pytest.mark.parametrize("code", OTHERS)
def test_every_message_of_the_code_is_translated_in_every_language(code):
    catalogue = _catalogue(code)
    missing = [msgid for msgid in _extracted() if msgid not in catalogue or not catalogue[msgid].string]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert missing == [] and fuzzy == [], f"{code}: untranslated {missing[:5]}, fuzzy {fuzzy[:5]}"


@pytest.mark.parametrize("code", OTHERS)
def test_no_catalogue_keeps_words_the_code_no_longer_says(code):
    said = _extracted()
    stale = [m.id for m in _catalogue(code) if m.id and (m.id[0] if isinstance(m.id, tuple) else m.id) not in said]
    assert stale == [], f"{code}: run `make messages` ({stale[:5]})"


@pytest.mark.parametrize("code", OTHERS)
def test_every_translation_has_exactly_the_placeholders_of_its_message(code):
    wrong = []
    for message in _catalogue(code):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(placeholders(ids[-1])) | set(placeholders(ids[0]))
        wrong += [(ids[0], s) for s in strings if s and set(placeholders(s)) != wanted]
    assert wrong == [], f"{code}: {wrong[:3]}"


@pytest.mark.parametrize("code", OTHERS)
def test_plural_messages_have_every_plural_form_of_their_language(code):
    catalogue = _catalogue(code)
    plurals = [m for m in catalogue if m.id and isinstance(m.id, tuple)]
    assert plurals, "some messages depend on a number"
    short = [m.id[0] for m in plurals if len(m.string) != catalogue.num_plurals or not all(m.string)]
    assert short == []


@pytest.mark.parametrize("code", OTHERS)
def test_the_compiled_catalogues_are_those_of_the_po_files(code):
    with open(i18n.LOCALE_DIR / code / "LC_MESSAGES" / "pinbridge.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    for message in _catalogue(code):
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            for n in (1, 2, 5):
                index = compiled.plural(n)
                assert compiled.ngettext(*message.id[:2], n) == message.string[index], "run `make messages`"
        else:
            assert compiled.gettext(message.id) == message.string, f"run `make messages`: {message.id!r}"


def test_a_phrase_reads_english_until_it_is_localized():
    said = tr("Blocked {person}. They can't message you.", person=Mention("bob"))
    assert str(said) == "Blocked @bob. They can't message you."
    assert str(localize(said, i18n.translator("de"))) == "@bob ist blockiert. Er oder sie kann dir nicht schreiben."


def test_localizing_keeps_mentions_commands_and_links_as_spans():
    said = tr("Your inbox is empty. Send a pin: {command}.", command=Command("send p1 to @friend"))
    spanish = localize(said, i18n.translator("es")).spans
    assert Command("send p1 to @friend") in spanish and all(not isinstance(s, Phrase) for s in spanish)
    invite = tr("{person} isn't on Pinbridge yet — share this invite: {link}", person=Mention("ana"),
                link=Link("http://x/i/1", "http://x/i/1"))
    german = localize(invite, i18n.translator("de")).spans
    assert Mention("ana") in german and Link("http://x/i/1", "http://x/i/1") in german
    assert not any("<" in s.text or "*" in s.text for s in german if isinstance(s, Plain))


def test_phrases_inside_phrases_are_localized_too():
    inner = tr("just you")
    outer = tr("{conversation} with {people}", conversation="c3", people=inner)
    assert str(outer) == "c3 with just you"
    assert str(localize(outer, i18n.translator("pt"))) == "c3 com só você"


@pytest.mark.parametrize("n, english, spanish", [(1, "1 pin", "1 pin"), (3, "3 pins", "3 pines")])
def test_numbers_pick_the_plural_form(n, english, spanish):
    said = trn("{n} pin", "{n} pins", n)
    assert str(said) == english
    assert str(localize(said, i18n.translator("es"))) == spanish


def test_a_translation_missing_a_parameter_shows_its_name_not_a_crash():
    class Odd:
        def gettext(self, message):
            return "{ghost} and {person}"

        def ngettext(self, singular, plural, n):
            return singular

    assert str(localize(tr("Hello {person}", person=Mention("ana")), Odd())) == "{ghost} and @ana"


def test_the_scanner_takes_braces_that_are_not_placeholders_as_text():
    assert placeholders("a {b} {not one} {c") == ["b"]
    assert str(tr("{x} {y", x="1")) == "1 {y"


@pytest.mark.parametrize("locale, code", [
    ("es", "es"), ("es-419", "es"), ("es_MX", "es"), ("pt-BR", "pt"), ("pt_BR", "pt"), ("PT-pt", "pt"),
    ("de-AT", "de"), ("de", "de"), ("en-GB", "en"), ("fr", "en"), ("", "en"), (None, "en"), ("zz-ZZ", "en"),
])
def test_a_platform_locale_picks_the_language_pinbridge_speaks(locale, code):
    assert i18n.pick(None, locale) == code


def test_a_chosen_language_wins_over_the_platforms():
    assert i18n.pick("de", "es-ES") == "de"
    assert i18n.pick(None, "es-ES") == "es"


@pytest.mark.parametrize("typed, code", [("es", "es"), ("ES", "es"), ("español", "es"), ("Deutsch", "de"),
                                         ("português", "pt"), ("pt-BR", "pt"), ("english", "en"), ("klingon", None)])
def test_a_typed_language_is_a_code_or_its_own_name(typed, code):
    assert i18n.code_of(typed) == code


def test_the_help_text_is_english_by_default_and_translated_on_request(settings):
    english = str(help_text(settings))
    assert "send <pin> to @people [message] — send a pin (p12 or a link) to up to" in english
    spanish = str(localize(help_text(settings), i18n.translator("es")))
    assert "send <pin> to @people [message] — " in spanish and "envía un pin" in spanish
    assert rich(Command("inbox")).spans[0] in localize(help_text(settings), i18n.translator("de")).spans
