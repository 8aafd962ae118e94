from tests.adapters.telegram.harness import ALICE


def test_help(bot):
    print(bot.answer(ALICE, "/start"))
    print(bot.answer(ALICE, "/new https://example.com/boots Hiking <b>boots</b> & more"))
    print(bot.standin.messages(ALICE)[-1])
