"""Redaction at the record factory: whatever logger, level or handler, secrets and codes are masked."""

from __future__ import annotations

import logging

from bridge import logs
from adapters.slack.settings import SlackSettings
from adapters.telegram.settings import TelegramSettings
from bridge.config import Config


def _logged(caplog, *args, **kwargs) -> str:
    caplog.set_level(logging.DEBUG)
    logging.getLogger("some.library").debug(*args, **kwargs)
    return caplog.records[-1].getMessage() + (caplog.records[-1].exc_text or "")


def test_a_configured_secret_is_masked_in_any_library_log_line(caplog):
    logs.protect("xoxb-1234-abcdefghijkl")
    line = _logged(caplog, "calling %s with %s", "https://slack.test/api", {"token": "xoxb-1234-abcdefghijkl"})
    assert "xoxb-1234-abcdefghijkl" not in line and logs.MASK in line


def test_a_secret_in_a_traceback_is_masked(caplog):
    logs.protect("123456:TRACEBACKTOKEN")
    try:
        raise ConnectionError("cannot reach https://api.telegram.org/bot123456:TRACEBACKTOKEN/getMe")
    except ConnectionError:
        line = _logged(caplog, "failed", exc_info=True)
    assert "TRACEBACKTOKEN" not in line and "ConnectionError" in line


def test_codes_are_masked_by_their_shape_even_when_this_process_never_issued_them(caplog):
    logs.protect()
    line = _logged(caplog, "text=Your link code is K7QW2ZP9. Open https://t.me/bot?start=link_K7QW2ZP9 or /i/Ab3_-x9QwErT")
    assert "K7QW2ZP9" not in line and "Ab3_-x9QwErT" not in line


def test_every_secret_of_a_config_is_known_to_the_redactor():
    config = Config(
        database_url="postgresql+psycopg://pinbridge:dbpassword123@db/pinbridge",
        sections={
            "slack": SlackSettings(bot_token="xoxb-real-token", signing_secret="signing-secret-1", client_secret="client-secret-1"),
            "telegram": TelegramSettings(bot_token="42:telegram-token", webhook_secret="webhook-secret-1"),
        },
    )
    assert set(config.secrets()) == {
        "dbpassword123", "xoxb-real-token", "signing-secret-1", "client-secret-1", "42:telegram-token", "webhook-secret-1",
    }
