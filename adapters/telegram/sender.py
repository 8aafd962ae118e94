"""The delivery seam for Telegram: render an `Outgoing`, send it, report what happened.

The worker calls `send` from its own threads; the send runs on the shared event loop.
Nothing here sleeps or retries: rate limits and network trouble go back to the worker.
"""

from __future__ import annotations

import concurrent.futures
import logging

from telegram import Bot, Message
from telegram.error import TelegramError

from adapters.telegram import changes, keyboard, outbound, parts
from adapters.telegram.accounts import PLATFORM
from adapters.telegram.errors import Kind, Verdict, classify
from adapters.telegram.loop import LoopThread
from adapters.telegram.render import Outbound, digest_outbound, message_outbound
from adapters.telegram.cards import esc
from core.i18n import localized, rendered_for
from core.gestures import new_action_key
from core.ports import Failed, Moved, Outgoing, RetryLater, SendResult, Sent
from core.views import DELETED

log = logging.getLogger(__name__)
SEND_TIMEOUT = 60.0  # seconds to wait for the loop: a stuck send is retried, not waited on forever
UNCERTAIN_PAUSE = 60.0  # after a send that may have arrived, wait this long before the one more try


@rendered_for(lambda outgoing: outgoing.locale)  # the recipient's language
def render(outgoing: Outgoing) -> Outbound | None:
    """The message for a delivery, or None when there is nothing to render."""
    if outgoing.kind == "message" and outgoing.message is not None:
        return message_outbound(outgoing.message)
    if outgoing.kind == "digest" and outgoing.digest is not None:
        return digest_outbound(outgoing.digest)
    return None


def cut_short(outgoing: Outgoing, progress: parts.Progress, why: str) -> None:
    """Log the parts of a delivery that did not go out after some did.

    The delivery still counts as sent: a retry would send the parts that went out again,
    and a reader is better served by a message missing its tail than by one twice over.
    """
    sent = len(progress.sent)
    log.warning(
        "telegram delivery %s to chat %s: sent %d of %d parts, the other %d were not sent and are not retried (%s)",
        outgoing.delivery_id, outgoing.chat_id, sent, progress.planned, progress.planned - sent, why,
    )


def outcome_of(verdict: Verdict) -> SendResult:
    """What a classified Bot API error means for the delivery (nothing of it went out)."""
    if verdict.kind is Kind.UNREACHABLE:
        return Failed(verdict.message, unreachable=True)
    if verdict.kind is Kind.MOVED:
        return Moved(str(verdict.new_chat_id), verdict.message)
    if verdict.kind is Kind.RATE_LIMITED:
        return RetryLater(verdict.message, seconds=verdict.seconds)
    if verdict.kind is Kind.UNCERTAIN:
        return RetryLater(verdict.message, UNCERTAIN_PAUSE, maybe_sent=True)
    if verdict.kind is Kind.TRANSIENT:
        return RetryLater(verdict.message)  # e.g. a bad token: keep the delivery until an operator fixes it
    return Failed(verdict.message)  # refused even after splitting or plain text: sending it again cannot help


def sent(outgoing: Outgoing, messages: list[Message], actions: tuple[tuple[str, dict], ...] = ()) -> Sent:
    """Every part's id (and any stored button action) for the worker to record with the outcome."""
    chat_id = str(messages[-1].chat_id)
    return Sent(
        str(messages[-1].message_id), tuple(str(m.message_id) for m in messages[:-1]),
        chat_id if chat_id != outgoing.chat_id else None, actions,
    )


def prepared(rendered: Outbound) -> tuple[parts.Markup, tuple[tuple[str, dict], ...]]:
    """The reply markup, and the actions too big for a button that its key stands for (not yet stored)."""
    if rendered.force_reply:
        return outbound.prepare_reply(rendered), ()
    stored = keyboard.stored_actions(rendered.rows)
    key = new_action_key() if stored else None
    return keyboard.markup(rendered.rows, key), (((key, {"buttons": stored}),) if key else ())


class TelegramSender:
    """Sends deliveries with its own Bot (no rate limiter: pacing is the worker's job); the worker records them."""

    platform = PLATFORM

    def __init__(self, bot: Bot, loop: LoopThread, timeout: float = SEND_TIMEOUT, paid_broadcast: bool = False,
                 photo_ids=None) -> None:
        self.bot = bot
        self.loop = loop
        self.timeout = timeout
        self.paid_broadcast = paid_broadcast  # digests go as paid broadcasts (the worker paces them apart)
        self.photo_ids = photo_ids  # photos.PhotoIds: a picture already on Telegram goes by its file_id

    def send(self, outgoing: Outgoing) -> SendResult:
        """Send one delivery; every part's id goes back in `Sent` for the worker to record with the outcome."""
        if outgoing.kind in ("edit", "delete"):
            return self._change(outgoing)
        rendered = render(outgoing)
        if rendered is None:
            return Failed(f"nothing to send for a {outgoing.kind} delivery")
        markup, actions = prepared(rendered)  # nothing is written here: the worker records it all
        progress = parts.Progress(label=f"delivery {outgoing.delivery_id}",
                                  paid_broadcast=self.paid_broadcast and outgoing.kind == "digest",
                                  photo_ids=self.photo_ids)
        try:
            self.loop.run(self._send(outgoing.chat_id, rendered, markup, progress), self.timeout)
        except TelegramError as error:
            if not progress.sent:
                return outcome_of(classify(error))
            cut_short(outgoing, progress, error.message)
        except concurrent.futures.TimeoutError:
            if not progress.sent:
                return RetryLater(f"no answer from Telegram within {self.timeout:.0f}s", UNCERTAIN_PAUSE, maybe_sent=True)
            cut_short(outgoing, progress, f"no answer within {self.timeout:.0f}s")
        messages = list(progress.sent)
        if not messages:
            return Failed(f"a {outgoing.kind} delivery rendered to no visible text")
        return sent(outgoing, messages, actions)

    def _change(self, outgoing: Outgoing) -> SendResult:
        """Edit or delete a delivered copy in place. Both are safe to repeat, so a timeout is simply retried."""
        copy = outgoing.copy
        if copy is None or (outgoing.kind == "edit" and outgoing.message is None):
            return Failed(f"nothing to change for a {outgoing.kind} delivery")
        actions: tuple[tuple[str, dict], ...] = ()
        tombstone = f"🗑 <i>{esc(localized(DELETED, outgoing.locale))}</i>"
        if outgoing.kind == "edit":
            rendered = message_outbound(outgoing.message)
            markup, actions = prepared(rendered)
            work = changes.edit(self.bot, copy.chat_id, copy.remote_ids, rendered, markup, tombstone)
        else:
            work = changes.delete(self.bot, copy.chat_id, copy.remote_ids, tombstone)
        try:
            removed = self.loop.run(self._initialized(work), self.timeout)
        except TelegramError as error:
            result = outcome_of(classify(error))
            # One copy that cannot change says nothing of reaching the person: their account stays reachable.
            return Failed(result.error) if isinstance(result, Failed) else result
        except concurrent.futures.TimeoutError:
            return RetryLater(f"no answer from Telegram within {self.timeout:.0f}s")
        return Sent(copy.remote_ids[-1], actions=actions, removed=tuple(removed or ()))

    async def _initialized(self, work):
        await self.bot.initialize()
        return await work

    async def _send(self, chat_id: str, rendered: Outbound, markup: parts.Markup, progress: parts.Progress) -> None:
        await self.bot.initialize()  # once; later calls return at once
        await parts.send(self.bot, chat_id, rendered, markup, progress=progress)

    def close(self) -> None:
        """Release the bot's HTTP connections."""
        if self.loop.running:
            self.loop.run(self.bot.shutdown(), self.timeout)
