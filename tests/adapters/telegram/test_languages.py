"""A Telegram person reads Pinbridge in their app's language (from.language_code), or the one they chose;
the command menu is set once per language."""

from __future__ import annotations

import asyncio

from telegram import Bot

from adapters.telegram.menu import menus
from tests.adapters.telegram.conftest import TOKEN
from tests.adapters.telegram.harness import ALICE, buttons

ANA = 555  # a Spanish-speaking Telegram user


def test_a_user_whose_telegram_speaks_spanish_gets_spanish_answers_and_buttons(bot, standin):
    standin.add_user(ANA, "Ana", username="ana", language_code="es")
    assert bot.answer(ANA, "/board new Viajes") == "Creado tu tablero “Viajes”."
    [card] = bot.ask(ANA, "/new https://example.com/botas Botas")
    assert card["text"].startswith("Fijado p1: Botas")
    assert [b["text"] for b in buttons(card)] == ["💾 Guardar", "📤 Enviar", "🔗 Abrir"]
    assert "Created your board" in bot.answer(ALICE, "/board new Trips"), "an English user still reads English"


def test_the_language_a_telegram_app_changes_to_is_followed_from_the_next_update(bot, standin):
    standin.add_user(ANA, "Ana", username="ana", language_code="es")
    assert bot.answer(ANA, "/boards").startswith("Aún no tienes tableros")
    standin.add_user(ANA, "Ana", username="ana", language_code="pt-br")
    assert bot.answer(ANA, "/boards").startswith("Você ainda não tem pastas")


def test_language_de_wins_over_the_app_language_and_auto_goes_back(bot, standin):
    standin.add_user(ANA, "Ana", username="ana", language_code="es")
    assert bot.answer(ANA, "/language de") == "Ab jetzt antworte ich dir auf Deutsch."
    assert bot.answer(ANA, "/boards").startswith("Du hast noch keine Pinnwände")
    assert bot.answer(ANA, "/language auto") == "Ahora te respondo en el idioma de tu plataforma: Español."


def test_the_command_menu_is_set_in_every_language(standin, api, settings):
    runner_menus = menus(settings)
    assert set(runner_menus) == {"", "es", "de", "pt"}

    async def set_all():
        async with Bot(TOKEN, base_url=api.url + "/bot") as telegram:
            for language, commands in runner_menus.items():
                await telegram.set_my_commands(commands, language_code=language or None)
            return await telegram.get_my_commands(language_code="de")

    german = asyncio.run(set_all())
    by_word = {c.command: c.description for c in german}
    assert by_word["language"] == "die Sprache, in der ich dir antworte" and by_word["help"] == "alles, was ich kann"
    english = {c["command"]: c["description"] for c in standin.my_commands()}
    assert english["language"] == "the language I answer you in" and english["inbox"] == "your conversations and what is unread"
    assert {c["command"] for c in standin.my_commands("default", "pt")} == set(english)


def test_the_bot_sets_its_menu_in_every_language_when_it_starts(bot, standin):
    spanish = {c["command"]: c["description"] for c in standin.my_commands("default", "es")}
    english = {c["command"]: c["description"] for c in standin.my_commands()}
    assert spanish["language"] == "el idioma en que te respondo" and spanish["cancel"].startswith("olvida la respuesta")
    assert english["language"] == "the language I answer you in"
    assert standin.my_commands("default", "pt")[0]["description"] == "tudo o que eu sei fazer"
