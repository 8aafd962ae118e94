"""The Telegram adapter's own notices (cancel, hints) in the person's language."""

from __future__ import annotations

from tests.adapters.telegram.harness import ALICE

ANA = 556


def test_cancel_answers_in_spanish_and_german_after_language_de(bot, standin):
    standin.add_user(ANA, "Ana", username="ana2", language_code="es")
    assert bot.answer(ANA, "/cancel") == "No hay nada que cancelar."
    bot.answer(ANA, "/language de")
    assert bot.answer(ANA, "/cancel") == "Nichts abzubrechen."
    assert bot.answer(ALICE, "/cancel") == "Nothing to cancel."
