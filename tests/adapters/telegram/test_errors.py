"""One reading of every Bot API error, from the exceptions PTB raises for Telegram's answers."""

from __future__ import annotations

import httpx
import pytest
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut

from adapters.telegram.errors import Kind, classify


def timed_out(cause: Exception) -> TimedOut:
    try:
        raise TimedOut() from cause
    except TimedOut as error:
        return error


@pytest.mark.parametrize(("error", "kind"), [
    (Forbidden("Forbidden: bot was blocked by the user"), Kind.UNREACHABLE),
    (Forbidden("Forbidden: user is deactivated"), Kind.UNREACHABLE),
    (Forbidden("Forbidden: bot was kicked from the group chat"), Kind.UNREACHABLE),
    (Forbidden("Forbidden: bot can't initiate conversation with a user"), Kind.UNREACHABLE),
    (BadRequest("Bad Request: chat not found"), Kind.UNREACHABLE),
    (BadRequest("Bad Request: group chat was deactivated"), Kind.UNREACHABLE),
    (ChatMigrated(-1001234567890), Kind.MOVED),
    (BadRequest("Bad Request: message is too long"), Kind.TOO_LONG),
    (BadRequest("Bad Request: message caption is too long"), Kind.TOO_LONG),
    (BadRequest("Bad Request: can't parse entities: Unsupported start tag \"x\" at byte offset 3"), Kind.BAD_HTML),
    (BadRequest("Bad Request: message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"), Kind.NOT_MODIFIED),
    (timed_out(httpx.ReadTimeout("slow")), Kind.UNCERTAIN),
    (timed_out(httpx.ConnectTimeout("down")), Kind.TRANSIENT),
    (NetworkError("Bad Gateway"), Kind.TRANSIENT),
    (InvalidToken("Unauthorized"), Kind.TRANSIENT),
    (BadRequest("Bad Request: wrong file identifier/HTTP URL specified"), Kind.REFUSED),
])
def test_each_telegram_answer_means_one_thing(error, kind):
    assert classify(error).kind is kind


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's own read of retry_after
def test_a_moved_group_and_a_wait_carry_what_acting_on_them_needs():
    assert classify(ChatMigrated(-1001234567890)).new_chat_id == -1001234567890
    wait = classify(RetryAfter(7))
    assert (wait.kind, wait.seconds) == (Kind.RATE_LIMITED, 7.0)


def test_telegrams_quote_of_unparsable_html_is_not_kept():
    verdict = classify(BadRequest("Bad Request: can't parse entities: Unsupported start tag \"secret\" at byte offset 12"))
    assert verdict.message == "Can't parse entities (byte offset 12)"
