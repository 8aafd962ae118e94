"""The delivery seam for Telegram: render an `Outgoing`, send it, report what happened.

The worker calls `send` from its own threads; the send runs on the shared event loop.
Nothing here sleeps or retries: rate limits and network trouble go back to the worker.
"""

from __future__ import annotations

import concurrent.futures
import logging
from datetime import timedelta

import httpx
from telegram import Bot
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from adapters.telegram import outbound
from adapters.telegram.accounts import PLATFORM
from adapters.telegram.loop import LoopThread
from adapters.telegram.render import Outbound, digest_outbound, message_outbound
from core.engine import Engine
from core.ports import Failed, Outgoing, RetryLater, SendResult, Sent

log = logging.getLogger(__name__)
SEND_TIMEOUT = 60.0  # seconds to wait for the loop: a stuck send is retried, not waited on forever
UNCERTAIN_PAUSE = 60.0  # after a send that may have arrived, wait this long before the one more try


def render(outgoing: Outgoing) -> Outbound | None:
    """The message for a delivery, or None when there is nothing to render."""
    if outgoing.kind == "message" and outgoing.message is not None:
        return message_outbound(outgoing.message)
    if outgoing.kind == "digest" and outgoing.digest is not None:
        return digest_outbound(outgoing.digest)
    return None


def retry_seconds(error: RetryAfter) -> float:
    """Telegram's retry_after in seconds (PTB reports an int or, with PTB_TIMEDELTA, a timedelta)."""
    value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def cut_short(outgoing: Outgoing, progress: outbound.Progress, why: str) -> None:
    """Log the parts of a delivery that did not go out after some did.

    The delivery still counts as sent: a retry would send the parts that went out again,
    and a reader is better served by a message missing its tail than by one twice over.
    """
    sent = len(progress.sent)
    log.warning(
        "telegram delivery %s to chat %s: sent %d of %d parts, the other %d were not sent and are not retried (%s)",
        outgoing.delivery_id, outgoing.chat_id, sent, progress.planned, progress.planned - sent, why,
    )


def reached_telegram(error: TimedOut) -> bool:
    """True when the request went out before the timeout: Telegram may have delivered the message."""
    cause = error.__cause__
    return not isinstance(cause, (httpx.ConnectTimeout, httpx.PoolTimeout))


def outcome_of(error: TelegramError) -> SendResult:
    """What a Bot API error means for the delivery."""
    if isinstance(error, TimedOut) and reached_telegram(error):
        return RetryLater(f"no answer from Telegram ({error.message})", UNCERTAIN_PAUSE, maybe_sent=True)
    if isinstance(error, RetryAfter):
        return RetryLater(str(error), seconds=retry_seconds(error))
    if isinstance(error, Forbidden):
        return Failed(error.message, unreachable=True)
    if isinstance(error, BadRequest):  # before NetworkError: BadRequest subclasses it
        return Failed(error.message, unreachable=outbound.chat_is_gone(error))
    if isinstance(error, ChatMigrated):
        return Failed(f"the group moved to chat {error.new_chat_id}", unreachable=True)
    if isinstance(error, NetworkError):
        return RetryLater(error.message)
    return RetryLater(error.message)  # e.g. a bad token: keep the delivery until an operator fixes it


class TelegramSender:
    """Sends deliveries with its own Bot (no rate limiter: pacing is the worker's job)."""

    platform = PLATFORM

    def __init__(self, bot: Bot, loop: LoopThread, engine: Engine, timeout: float = SEND_TIMEOUT) -> None:
        self.bot = bot
        self.loop = loop
        self.engine = engine
        self.timeout = timeout

    def send(self, outgoing: Outgoing) -> SendResult:
        """Send one delivery; its last message's id is what replies map back through."""
        rendered = render(outgoing)
        if rendered is None:
            return Failed(f"nothing to send for a {outgoing.kind} delivery")
        markup = outbound.prepare(self.engine, rendered)
        progress = outbound.Progress()
        try:
            self.loop.run(self._send(outgoing.chat_id, rendered, markup, progress), self.timeout)
        except TelegramError as error:
            if not progress.sent:
                return outcome_of(error)
            cut_short(outgoing, progress, error.message)
        except concurrent.futures.TimeoutError:
            if not progress.sent:
                return RetryLater(f"no answer from Telegram within {self.timeout:.0f}s", UNCERTAIN_PAUSE, maybe_sent=True)
            cut_short(outgoing, progress, f"no answer within {self.timeout:.0f}s")
        messages = list(progress.sent)
        if not messages:
            return Failed(f"a {outgoing.kind} delivery rendered to no visible text")
        if rendered.conversation_ref and len(messages) > 1:
            # The worker maps the last part; earlier parts of a long message route replies too.
            outbound.remember(self.engine, outgoing.chat_id, messages[:-1], rendered.conversation_ref)
        return Sent(str(messages[-1].message_id))

    async def _send(self, chat_id: str, rendered: Outbound, markup: outbound.Markup, progress: outbound.Progress) -> None:
        await self.bot.initialize()  # once; later calls return at once
        await outbound.send(self.bot, chat_id, rendered, markup, progress=progress)

    def close(self) -> None:
        """Release the bot's HTTP connections."""
        if self.loop.running:
            self.loop.run(self.bot.shutdown(), self.timeout)
